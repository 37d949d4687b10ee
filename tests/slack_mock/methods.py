"""The Web API methods the mock answers, each a function of the parsed payload.

Answers carry the fields hypercare and slack_sdk read; everything else a real workspace
returns is left out. Errors are Slack's own codes (``user_not_found``, ``users_not_found``).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from typing import Any

TEAM_ID = "T0HYPER"
BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"
WORKSPACE_URL = "https://hypercare-test.slack.com/"
APP_ID = "A0HYPER"
APP_TOKEN = "xapp-1-A111-222-test-app-token"
"""The app-level token ``apps.connections.open`` accepts unless told another."""
CONNECTIONS_OPEN = "apps.connections.open"
"""Socket Mode's Web API method: answered by the server with a WebSocket URL."""

Payload = dict[str, Any]
Answer = dict[str, Any]


class Workspace:
    """The mock's state: the user directory, user groups, the messages posted per channel
    (with their metadata, for ``conversations.history``) and counters for ``ts`` and view ids.
    """

    def __init__(self, users: dict[str, str] | None = None) -> None:
        self.users: dict[str, str] = dict(users or {})
        """Slack user id -> e-mail (``users.info`` / ``users.lookupByEmail``)."""
        self.groups: dict[str, list[str]] = {}
        """User group id (``S...``) -> member user ids (``usergroups.users.list``)."""
        self.archived: set[str] = set()
        """Channels that answer ``is_archived``; ``channel_not_found`` for ids starting
        ``CGONE``."""
        self.messages: dict[str, list[Answer]] = {}
        """Channel id -> messages posted there by the bot, oldest first."""
        self.base_url = ""
        """Where the mock listens (upload URLs point back at it)."""
        self.uploads: dict[str, bytes] = {}
        """File id -> the bytes uploaded (``files.getUploadURLExternal`` then the upload)."""
        self.shared: list[Answer] = []
        """Files completed into a channel: ``{"id", "title", "channel", "thread_ts"}``."""
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def channel_error(self, channel: str) -> str | None:
        if not channel:
            return "channel_not_found"
        if channel.startswith("CGONE"):
            return "channel_not_found"
        if channel in self.archived:
            return "is_archived"
        return None

    def store(self, channel: str, message: Answer) -> None:
        with self._lock:
            self.messages.setdefault(channel, []).append(message)

    def find(self, channel: str, ts: str) -> Answer | None:
        with self._lock:
            return next((m for m in self.messages.get(channel, []) if m["ts"] == ts), None)

    def next_number(self) -> int:
        with self._lock:
            return next(self._counter)

    def next_ts(self) -> str:
        return f"{int(time.time())}.{self.next_number():06d}"

    def user(self, user_id: str) -> Answer:
        email = self.users.get(user_id, "")
        name = email.split("@")[0] if email else user_id.lower()
        return {
            "id": user_id, "team_id": TEAM_ID, "name": name, "real_name": name.title(),
            "deleted": False, "is_bot": False, "tz": "Europe/Brussels",
            "profile": {"email": email, "real_name": name.title(), "display_name": name},
        }


def _auth_test(ws: Workspace, payload: Payload) -> Answer:
    return {"ok": True, "url": WORKSPACE_URL, "team": "Hypercare Test", "user": "hypercare",
            "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID,
            "is_enterprise_install": False}


def _message(ws: Workspace, payload: Payload, ts: str) -> Answer:
    message = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "ts": ts,
               "text": payload.get("text", ""), "blocks": payload.get("blocks", [])}
    if payload.get("thread_ts"):
        message["thread_ts"] = payload["thread_ts"]
    if isinstance(payload.get("metadata"), dict):
        message["metadata"] = payload["metadata"]
    return message


def _post_message(ws: Workspace, payload: Payload) -> Answer:
    channel = str(payload.get("channel", ""))
    error = ws.channel_error(channel)
    if error:
        return {"ok": False, "error": error}
    if not payload.get("text") and not payload.get("blocks"):
        return {"ok": False, "error": "no_text"}
    ts = ws.next_ts()
    message = _message(ws, payload, ts)
    ws.store(channel, message)
    return {"ok": True, "channel": channel, "ts": ts, "message": message}


def _update(ws: Workspace, payload: Payload) -> Answer:
    channel, ts = str(payload.get("channel", "")), str(payload.get("ts", ""))
    found = ws.find(channel, ts)
    if found is None and channel in ws.messages:
        return {"ok": False, "error": "message_not_found"}
    message = _message(ws, payload, ts)
    if found is not None:
        found.update({"text": message["text"], "blocks": message["blocks"], "edited": True})
    return {"ok": True, "channel": channel, "ts": ts, "text": payload.get("text", ""),
            "message": message}


def _history(ws: Workspace, payload: Payload) -> Answer:
    """Newest first, from ``oldest``; metadata only with ``include_all_metadata``."""
    channel = str(payload.get("channel", ""))
    error = ws.channel_error(channel)
    if error:
        return {"ok": False, "error": error}
    oldest = float(payload.get("oldest") or 0)
    metadata = str(payload.get("include_all_metadata", "")).lower() in ("1", "true")
    found = [dict(m) for m in ws.messages.get(channel, []) if float(m["ts"]) >= oldest
             and not m.get("thread_ts")]
    for message in found:
        if not metadata:
            message.pop("metadata", None)
    limit = int(payload.get("limit") or 100)
    return {"ok": True, "messages": list(reversed(found))[:limit], "has_more": False}


def _upload_url(ws: Workspace, payload: Payload) -> Answer:
    if not payload.get("filename") or not str(payload.get("length", "")).isdigit():
        return {"ok": False, "error": "invalid_arguments"}
    file_id = f"F{ws.next_number():08d}"
    return {"ok": True, "file_id": file_id, "upload_url": f"{ws.base_url}/upload/{file_id}"}


def _complete_upload(ws: Workspace, payload: Payload) -> Answer:
    files = payload.get("files") or []
    if not isinstance(files, list) or any(f.get("id") not in ws.uploads for f in files):
        return {"ok": False, "error": "file_not_found"}
    error = ws.channel_error(str(payload.get("channel_id", "")))
    if error:
        return {"ok": False, "error": error}
    done = [{"id": f["id"], "title": f.get("title", ""), "channel": payload["channel_id"],
             "thread_ts": payload.get("thread_ts", ""), "size": len(ws.uploads[f["id"]])}
            for f in files]
    ws.shared.extend(done)
    return {"ok": True, "files": done}


def _group_members(ws: Workspace, payload: Payload) -> Answer:
    group = str(payload.get("usergroup", ""))
    if group not in ws.groups:
        return {"ok": False, "error": "no_such_subteam"}
    return {"ok": True, "users": list(ws.groups[group])}


def _post_ephemeral(ws: Workspace, payload: Payload) -> Answer:
    return {"ok": True, "message_ts": ws.next_ts()}


def _permalink(ws: Workspace, payload: Payload) -> Answer:
    channel = str(payload.get("channel", ""))
    ts = str(payload.get("message_ts", "")).replace(".", "")
    return {"ok": True, "channel": channel, "permalink": f"{WORKSPACE_URL}archives/{channel}/p{ts}"}


def _view(ws: Workspace, payload: Payload) -> Answer:
    view = payload.get("view", {})
    if isinstance(view, str):
        import json

        view = json.loads(view)
    number = ws.next_number()
    view_id = str(payload.get("view_id") or f"V{number:08d}")
    return {"ok": True, "view": {**view, "id": view_id, "team_id": TEAM_ID,
                                 "hash": f"{number}.hash", "state": {"values": {}}}}


def _users_info(ws: Workspace, payload: Payload) -> Answer:
    user_id = str(payload.get("user", ""))
    if user_id not in ws.users:
        return {"ok": False, "error": "user_not_found"}
    return {"ok": True, "user": ws.user(user_id)}


def _lookup_by_email(ws: Workspace, payload: Payload) -> Answer:
    wanted = str(payload.get("email", "")).casefold()
    for user_id, email in ws.users.items():
        if email.casefold() == wanted:
            return {"ok": True, "user": ws.user(user_id)}
    return {"ok": False, "error": "users_not_found"}


def _conversations_open(ws: Workspace, payload: Payload) -> Answer:
    users = str(payload.get("users", "")).split(",")[0].strip()
    if not users:
        return {"ok": False, "error": "not_enough_users"}
    return {"ok": True, "channel": {"id": f"D{users.removeprefix('U')}"}}


def _reactions_add(ws: Workspace, payload: Payload) -> Answer:
    if not payload.get("name") or not payload.get("timestamp"):
        return {"ok": False, "error": "invalid_arguments"}
    return {"ok": True}


METHODS: dict[str, Callable[[Workspace, Payload], Answer]] = {
    "reactions.add": _reactions_add,
    "auth.test": _auth_test,
    "chat.postMessage": _post_message,
    "chat.update": _update,
    "chat.postEphemeral": _post_ephemeral,
    "chat.getPermalink": _permalink,
    "views.open": _view,
    "views.update": _view,
    "views.push": _view,
    "views.publish": _view,
    "users.info": _users_info,
    "users.lookupByEmail": _lookup_by_email,
    "conversations.open": _conversations_open,
    "conversations.history": _history,
    "usergroups.users.list": _group_members,
    "files.getUploadURLExternal": _upload_url,
    "files.completeUploadExternal": _complete_upload,
}
