"""Realistic outbox payloads of every kind (as the services enqueue them) and helpers that
validate and read rendered Slack messages; shared by the alert and digest block tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypercare.bot.alert_blocks import Activity, SlackMessage
from hypercare.bot.blocks import Reply
from hypercare.bot.message_blocks import ACTIONS_BLOCK, ACTIVITY_BLOCK
from tests.bot.conftest import block_texts
from tests.bot.test_blocks import HUGE, check

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
SECRET = "Payslip of employee 4711 shows the wrong salary"
NASTY = "Invoice <!channel> posting & <https://evil.example|click> fails @here"


# -- payloads, as the services build them ----------------------------------------------------

def sla_payload(*, state: str = "breached", left: float = -130.0, target: str = "resolution",
                always_open: bool = False, due_at: datetime | None = None,
                met_at: datetime | None = None) -> dict[str, Any]:
    """``SlaService._sla_payload``: the clock an alert is about."""
    due = due_at or NOW - timedelta(hours=3)
    return {"target": target, "state": state, "due_at": due.isoformat(),
            "business_minutes_left": left, "used_share": 1.1,
            "met_at": met_at.isoformat() if met_at else None, "always_open": always_open,
            "timezone": "Europe/Brussels", "evaluated_at": NOW.isoformat()}


def ticket_payload(*, trigger: str = "breach", level: int = 2,
                   level_name: str = "functional lead", status: str = "open",
                   confidential: bool = False, title: str = NASTY, ref: str = "HT00042",
                   category: str = "defect", detail: str = "resolution target breached",
                   sla: dict[str, Any] | None = None, **ticket: Any) -> dict[str, Any]:
    """``SlaService._payload``."""
    return {"escalation_id": 7, "level": level, "level_name": level_name, "trigger": trigger,
            "detail": detail, "status": status,
            "ticket": {"odoo_id": 42, "ref": ref, "title": title, "company": "Acme Belgium",
                       "team": "Finance", "url": "https://acme.odoo.com/odoo/helpdesk/42",
                       "severity": "S1", "category": category, "confidential": confidential,
                       **ticket},
            "sla": sla if sla is not None else sla_payload()}


def known_issue_escalation(title: str = "Credit notes lose the analytic account"
                           ) -> dict[str, Any]:
    """``RecordEscalations._known_issue_clocks``."""
    return {"known_issue": {"id": 3, "ref": "KI-3", "title": title, "status": "investigating"},
            "escalation_id": 11, "level": 2, "trigger": "breach",
            "detail": "KI-3: no workaround within its target",
            "sla": {key: value for key, value in sla_payload(target="workaround",
                                                             left=-300.0).items()
                    if key != "used_share"}}


def decision_payload(question: str = "May sales reps post credit notes above 5,000 EUR?",
                     owner: str = "Finance process owner <!here>",
                     trigger: str = "decision_overdue") -> dict[str, Any]:
    """``RecordEscalations._overdue_decisions``."""
    return {"decision": {"id": 5, "ref": "D-5", "question": question, "owner": owner,
                         "due_date": date(2026, 11, 17).isoformat()},
            "escalation_id": 12, "level": 2, "trigger": trigger,
            "detail": "decision D-5 overdue by 3 days"}


def batch_payload(count: int, **changes: Any) -> dict[str, Any]:
    """``notifications.add_to_batch`` of at-risk items (``key`` + ``_payload``)."""
    items = []
    for i in range(count):
        changes.setdefault("sla", sla_payload(state="at_risk", left=75.0,
                                              due_at=NOW + timedelta(hours=2)))
        item = ticket_payload(trigger="at_risk", level=1, level_name="super-user",
                              detail="resolution target at risk", ref=f"HT{i:05d}",
                              **changes)
        items.append({"key": f"at_risk:resolution:{i}", **item})
    return {"items": items}


def broadcast_payload(workaround: str = "Set the analytic account again <!channel>.",
                      status: str = "workaround_available", title: str = NASTY
                      ) -> dict[str, Any]:
    """``KnownIssueService._broadcast``."""
    return {"known_issue": {"id": 3, "ref": "KI-3", "title": title, "status": status,
                            "workaround": workaround},
            "detail": "workaround published by lea@acme.example"}


def minutes_markdown(decisions: int = 6, text: str = "") -> str:
    """Like ``triage.minutes.render_minutes``."""
    rows = [f"| HT{i:05d} Invoice {i} {text} | category -> defect; owner -> Lea | lea "
            f"| 09:{i % 60:02d} |" for i in range(decisions)]
    return "\n".join([
        "# Stand-up minutes: 2026-11-20 (all)", "",
        "- Time: 09:00-09:20 Europe/Brussels (20 min)", "- Attendees: lea, <!channel>", "",
        "## Decisions", "", "| Item | Decision | By | Time |", "|---|---|---|---|", *rows, "",
        "## Counts", "", "|  | Total | defect |", "|---|---|---|", "| New | 4 | 2 |", "",
        "## Not reached", "", "- HT00099 Confidential ticket (Breached): **breached**"]) + "\n"


def digest_payload(groups: int = 8, top: int = 12, name: Callable[[int], str] | None = None,
                   title: str = NASTY, confidential_first: bool = False) -> dict[str, Any]:
    """The JSON ``hypercare.services.kpi.digest`` writes."""
    named = name or (lambda i: f"Acme Belgium / Team {i:04d}")
    return {
        "standup": "all", "scope": "all companies", "generated_at": NOW.isoformat(),
        "counts": [{"key": "open", "label": "Open", "value": 42, "previous": 39},
                   {"key": "breached", "label": "Breached", "value": 3, "previous": 5},
                   {"key": "at_risk", "label": "At risk", "value": 7, "previous": 7},
                   {"key": "new", "label": "New", "value": 11, "previous": None}],
        "top": [{"ref": f"HT{i:05d}", "title": SECRET if confidential_first and i == 0
                 else f"{title} {i}", "confidential": confidential_first and i == 0,
                 "severity": "S1", "sla_state": "breached",
                 "due_at": (NOW - timedelta(hours=i)).isoformat(),
                 "why": "resolution target breached <!here>",
                 "url": f"https://acme.odoo.com/odoo/helpdesk/{i}"} for i in range(top)],
        "more": 5,
        "groups": [{"name": named(i), "open": 10 + i, "breached": i % 3, "at_risk": i % 5,
                    "new": i % 7} for i in range(groups)],
        "standup_at": (NOW + timedelta(hours=18)).isoformat(), "channel": "C0HYPERCARE"}


def pack_payload(text: str = "Backlog grew by 4 items <!channel>") -> dict[str, Any]:
    return {"week": "2026-W48",
            "headline": [{"label": "Open tickets", "value": 42, "delta": -6},
                         {"label": "SLA attainment %", "value": 91.5, "delta": 2.5},
                         {"label": "Exit readiness", "value": "4 of 7", "delta": "+1 met"}],
            "summary": [text, "Two policy decisions are overdue"],
            "files": [{"name": "steering-2026-W48.html", "format": "html"},
                      {"name": "steering-2026-W48.xlsx", "format": "xlsx"}],
            "url": "https://hypercare.acme.example/packs/2026-W48"}


KINDS: dict[str, Callable[[], dict[str, Any]]] = {
    "at_risk_batch": lambda: batch_payload(3),
    "breach": ticket_payload,
    "escalation": lambda: ticket_payload(trigger="manual", level=3,
                                         level_name="technical / partner"),
    "confirmed_s1": lambda: ticket_payload(trigger="confirmed_s1"),
    "approval_request": lambda: ticket_payload(trigger="no_ack", level=3,
                                               level_name="technical / partner",
                                               status="pending_approval"),
    "decision_overdue": decision_payload,
    "watch_kpi": lambda: {"name": "Unposted invoices <!here>", "value": 57.0,
                          "threshold": 40.0, "direction": "above"},
    "odoo_unreachable": lambda: {"since": (NOW - timedelta(minutes=185)).isoformat(),
                                 "error": "401 Unauthorized <!channel>", "minutes": 185},
    "known_issue_broadcast": broadcast_payload,
    "standup_minutes": lambda: {"standup_id": 4, "scope": "all",
                                "markdown": minutes_markdown()},
    "digest": digest_payload,
    "weekly_pack": pack_payload,
}
HUGE_KINDS: dict[str, Callable[[], dict[str, Any]]] = {
    "at_risk_batch": lambda: batch_payload(80, company=HUGE, team=HUGE, title=HUGE),
    "breach": lambda: ticket_payload(title=HUGE, detail=HUGE, company=HUGE, team=HUGE,
                                     ref=HUGE, severity=HUGE),
    "escalation": lambda: {**known_issue_escalation(HUGE), "detail": HUGE, "level_name": HUGE},
    "confirmed_s1": lambda: ticket_payload(trigger="confirmed_s1", title=HUGE, url=HUGE),
    "approval_request": lambda: ticket_payload(level_name=HUGE, title=HUGE, detail=HUGE),
    "decision_overdue": lambda: decision_payload(question=HUGE, owner=HUGE),
    "watch_kpi": lambda: {"name": HUGE, "value": HUGE, "threshold": 1e12, "direction": HUGE},
    "odoo_unreachable": lambda: {"since": NOW.isoformat(), "error": HUGE, "minutes": 10**6},
    "known_issue_broadcast": lambda: broadcast_payload(HUGE, status=HUGE, title=HUGE),
    "standup_minutes": lambda: {"standup_id": 4, "scope": HUGE,
                                "markdown": minutes_markdown(400, HUGE[:300]) + HUGE},
    "digest": lambda: digest_payload(groups=3000, top=40, name=lambda i: f"{HUGE}{i}",
                                     title=HUGE),
    "weekly_pack": lambda: {**pack_payload(HUGE), "week": HUGE,
                            "headline": [{"label": HUGE, "value": HUGE, "delta": HUGE}] * 40,
                            "summary": [HUGE] * 40, "files": [{"name": HUGE,
                                                               "format": HUGE}] * 40},
}


# -- checking --------------------------------------------------------------------------------

def valid(message: SlackMessage) -> list[SlackMessage]:
    """Every message and thread message passes ``check`` and the element limits."""
    messages = message.all_messages()
    for each in messages:
        check(Reply(each.text, each.blocks))
        for raw in each.blocks:
            for element in raw.get("elements", []) if raw["type"] == "actions" else []:
                if element["type"] == "button":
                    assert len(element["text"]["text"]) <= 75
                    assert len(element["value"]) <= 2000
                    json.loads(element["value"])
    return messages


def shown(message: SlackMessage, *, activity: bool = False) -> str:
    """All text of the message and its thread; the activity context only when asked."""
    parts: list[str] = []
    for each in message.all_messages():
        parts.append(each.text)
        parts += block_texts(list(each.blocks), skip_block=None if activity else ACTIVITY_BLOCK)
    return "\n".join(parts)


def actions(message: SlackMessage) -> dict[str, dict[str, Any]]:
    """The elements of the actions block by action id."""
    found = [b for b in message.blocks if b.get("block_id") == ACTIONS_BLOCK]
    assert len(found) <= 1
    return {e["action_id"]: e for b in found for e in b["elements"]}


def acted(*whats: str) -> list[Activity]:
    return [Activity("U0LEA", what, NOW + timedelta(minutes=i)) for i, what in enumerate(whats)]


# -- every kind ------------------------------------------------------------------------------

EXPECTED = {
    "at_risk_batch": "3 ticket(s) at risk", "breach": "SLA breached",
    "escalation": "Escalated to L3 technical / partner",
    "confirmed_s1": ":rotating_light: Confirmed S1", "approval_request": "Approval needed",
    "decision_overdue": "Decision overdue: D-5", "watch_kpi": "Watch KPI crossed",
    "odoo_unreachable": "Odoo unreachable for 3 h 5 min",
    "known_issue_broadcast": "Workaround for KI-3", "standup_minutes": "Stand-up minutes",
    "digest": "Hypercare digest", "weekly_pack": "Weekly steering pack · 2026-W48",
}


