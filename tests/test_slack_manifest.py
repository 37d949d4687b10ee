"""The Slack app manifest creates the app the bot expects, in one step."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).parents[1]
MANIFEST = ROOT / "slack" / "manifest.yaml"


def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return loaded


def test_manifest_declares_the_command_shortcut_events_and_scopes() -> None:
    data = manifest()
    features = data["features"]
    assert [c["command"] for c in features["slash_commands"]] == ["/hypercare"]
    shortcut = features["shortcuts"][0]
    assert shortcut["type"] == "message" and shortcut["callback_id"] == "raise_from_message"
    assert features["app_home"]["home_tab_enabled"] is True
    scopes = set(data["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "users:read", "users:read.email", "im:write",
            "channels:history"} <= scopes
    settings = data["settings"]
    assert {"app_home_opened", "message.channels"} <= set(
        settings["event_subscriptions"]["bot_events"])
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True  # no public URL needed as shipped


def test_manifest_respects_slack_field_limits() -> None:
    info = manifest()["display_information"]
    assert len(info["name"]) <= 35
    assert len(info["description"]) <= 140
    assert 175 <= len(info["long_description"]) <= 4000
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", info["background_color"])
    assert len(manifest()["features"]["bot_user"]["display_name"]) <= 80


#: The bot scopes each Web API method the bot calls needs (Slack's method reference).
METHOD_SCOPES: dict[str, set[str]] = {
    "auth_test": set(), "chat_getPermalink": set(), "views_open": set(),
    "views_publish": set(), "views_update": set(),
    "chat_postMessage": {"chat:write"}, "chat_update": {"chat:write"},
    "chat_postEphemeral": {"chat:write"}, "conversations_open": {"im:write"},
    "conversations_history": {"channels:history", "groups:history", "im:history"},
    "users_info": {"users:read"}, "users_lookupByEmail": {"users:read.email"},
    "reactions_add": {"reactions:write"}, "usergroups_users_list": {"usergroups:read"},
    "files_upload_v2": {"files:write"},
}
NOT_WEB_API = {"close", "connect", "is_connected", "retry_handlers"}


def test_every_web_api_method_the_bot_calls_has_its_scope_in_the_manifest() -> None:
    source = "\n".join(path.read_text(encoding="utf-8")
                       for path in sorted((ROOT / "hypercare" / "bot").rglob("*.py")))
    called = set(re.findall(r"(?:client|web)\.([a-zA-Z0-9_]+)\b", source)) - NOT_WEB_API
    assert "chat_postMessage" in called  # the scan works
    unknown = called - set(METHOD_SCOPES)
    assert unknown == set(), f"add the scopes of {sorted(unknown)} to METHOD_SCOPES"
    needed = set().union(*(METHOD_SCOPES[m] for m in called))
    granted = set(manifest()["oauth_config"]["scopes"]["bot"])
    assert needed - granted == set()
