"""An escalation level nobody can receive (no contacts, or a user group, while
``slack.alerts_channel`` is unset: the bot dead-letters its alerts) is reported by one rule,
in ``config check`` and on the dashboard (``/healthz``: tests/jobs/test_health_levels.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hypercare.cli import main
from hypercare.config import Settings
from hypercare.services import Services
from hypercare.services.triage.levels import unreachable_levels
from tests.services.conftest import LEAD, MakeServices
from tests.support import viewer

DEFAULTS = ["L1 super-user: no contacts", "L2 functional lead: no contacts",
            "L3 technical / partner: no contacts", "L4 steering sponsor: no contacts"]
LEVELS_TOML = """
[[escalation.levels]]
level = 1
name = "super-users"
contacts = ["S0SUPERUSERS"]

[[escalation.levels]]
level = 2
name = "functional lead"
contacts = ["U0LEAD01", "email:lead@example.com"]

[[escalation.levels]]
level = 3
name = "partner"
contacts = ["C0PARTNER"]
"""


def test_every_level_without_contacts_by_default() -> None:
    assert unreachable_levels(Settings()) == DEFAULTS
    assert unreachable_levels(Settings(slack={"alerts_channel": "C0ALERTS"})) == []


def test_a_user_group_and_a_missing_level_need_the_alerts_channel() -> None:
    settings = Settings(escalation={"levels": [
        {"level": 1, "name": "super-users", "contacts": ["S0SUPERUSERS", "U0ANNA"]},
        {"level": 2, "name": "functional lead", "contacts": ["U0LEAD01"]},
        {"level": 3, "name": "partner", "contacts": ["channel:C0PARTNER", " "]}]})
    assert unreachable_levels(settings) == [  # L2 and L3 (a channel) are written to directly
        "L1 super-users: S0SUPERUSERS can only be mentioned in slack.alerts_channel",
        "L4 (not configured): no contacts"]


def test_config_check_warns_and_says_what_to_set(isolated_env: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    (isolated_env / "hypercare.toml").write_text(LEVELS_TOML, encoding="utf-8")
    assert main(["config", "check"]) == 0  # a warning, not a failure
    out = capsys.readouterr().out
    [warning] = [line for line in out.splitlines() if "escalation levels" in line]
    assert warning.strip().startswith("warn  escalation levels: ")
    assert ("L1 super-users: S0SUPERUSERS can only be mentioned in slack.alerts_channel; "
            "L4 (not configured): no contacts; slack.alerts_channel is not set, so their "
            "alerts go to dead letters") in " ".join(out.split())
    assert "hint: Give the level Slack user ids (U...) as contacts in escalation.levels, " \
           "or set slack.alerts_channel" in " ".join(out.split())
    (isolated_env / "hypercare.toml").write_text(
        LEVELS_TOML + '\n[slack]\nalerts_channel = "C0ALERTS"\n', encoding="utf-8")
    assert main(["config", "check"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert ("ok escalation levels: every level, L1 to L4, reaches someone "
            "(slack.alerts_channel C0ALERTS for levels without contacts and user groups)") in out


def test_the_dashboard_carries_them(make_services: MakeServices) -> None:
    services: Services = make_services()
    board = services.dashboard.dashboard(viewer=viewer(services, LEAD))
    assert board.unreachable_levels == tuple(DEFAULTS)
    reached = make_services(slack={"alerts_channel": "C0ALERTS"})
    assert reached.dashboard.dashboard(viewer=viewer(reached, LEAD)).unreachable_levels == ()
