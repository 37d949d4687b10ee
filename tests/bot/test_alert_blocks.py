"""Outbox messages as Block Kit: every kind renders valid, escaped, bounded messages.

Payloads are built exactly as the services enqueue them (``sla._payload``, the known-issue
and decision escalations, ``kpis``, ``known_issues._broadcast``, ``standup.end``, and the
digest and weekly-pack JSON). Every message and thread message is re-validated by
``check`` from ``test_blocks``; only the activity context may mention anyone.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from hypercare.bot.alert_blocks import Activity, SlackMessage, render
from hypercare.bot.blocks import Reply
from hypercare.bot.message_blocks import ACTIONS_BLOCK, ACTIVITY_BLOCK
from tests.bot.test_blocks import HUGE, assert_no_pings, check

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
SECRET = "Payslip of employee 4711 shows the wrong salary"
NASTY = "Invoice <!channel> posting & <https://evil.example|click> fails @here"


# -- payloads, as the services build them ----------------------------------------------------

def ticket_payload(*, trigger: str = "breach", level: int = 2,
                   level_name: str = "functional lead", status: str = "open",
                   confidential: bool = False, title: str = NASTY, ref: str = "HT00042",
                   category: str = "defect", detail: str = "resolution target breached",
                   **ticket: Any) -> dict[str, Any]:
    """``SlaService._payload``."""
    return {"escalation_id": 7, "level": level, "level_name": level_name, "trigger": trigger,
            "detail": detail, "status": status,
            "ticket": {"odoo_id": 42, "ref": ref, "title": title, "company": "Acme Belgium",
                       "team": "Finance", "url": "https://acme.odoo.com/odoo/helpdesk/42",
                       "severity": "S1", "category": category, "confidential": confidential,
                       **ticket}}


def known_issue_escalation(title: str = "Credit notes lose the analytic account"
                           ) -> dict[str, Any]:
    """``RecordEscalations._known_issue_clocks``."""
    return {"known_issue": {"id": 3, "ref": "KI-3", "title": title, "status": "investigating"},
            "escalation_id": 11, "level": 2, "trigger": "breach",
            "detail": "KI-3: no workaround within its target"}


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
    """The JSON ``hypercare.services.digest`` writes."""
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

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("block_id") == ACTIVITY_BLOCK and not activity:
                return
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    parts.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for each in message.all_messages():
        parts.append(each.text)
        walk(list(each.blocks))
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


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_renders_valid_escaped_messages(kind: str) -> None:
    message = render(kind, KINDS[kind](), now=NOW)
    valid(message)
    text = shown(message)
    assert EXPECTED[kind] in text
    assert_no_pings(text)
    assert "A hypercare notification" not in text  # not the generic fallback


@pytest.mark.parametrize("kind", sorted(HUGE_KINDS))
def test_every_kind_holds_the_limits_on_huge_text(kind: str) -> None:
    message = render(kind, HUGE_KINDS[kind](), now=NOW,
                     activity=acted(*(["snoozed for 1 h <!channel>"] * 30)))
    for each in valid(message):
        assert len(each.text) <= 3000
    assert_no_pings(shown(message))
    assert "A hypercare notification" not in shown(message)


@pytest.mark.parametrize("kind", ["breach", "escalation", "confirmed_s1", "approval_request",
                                  "at_risk_batch", "digest"])
def test_confidential_tickets_show_their_reference_only(kind: str) -> None:
    if kind == "at_risk_batch":
        payload = batch_payload(2, confidential=True, title=SECRET)
    elif kind == "digest":
        payload = digest_payload(confidential_first=True)
    else:
        payload = {**KINDS[kind](), "ticket": {**KINDS[kind]()["ticket"], "title": SECRET,
                                               "confidential": True, "ref": "HT00042"}}
    message = render(kind, payload, now=NOW)
    valid(message)
    text = shown(message, activity=True)
    assert "4711" not in text and "Payslip" not in text
    assert "Confidential ticket" in text
    if kind not in ("digest", "at_risk_batch"):
        assert "Confidential ticket HT00042" in message.text


def test_headline_says_which_trigger() -> None:
    assert render("confirmed_s1", ticket_payload(trigger="confirmed_s1"),
                  now=NOW).blocks[0]["text"]["text"].startswith(":rotating_light: Confirmed S1")
    assert render("breach", ticket_payload(), now=NOW).blocks[0]["text"]["text"].startswith(
        "SLA breached")
    for trigger in ("manual", "no_ack", "reopened_twice"):
        head = render("escalation", ticket_payload(trigger=trigger, level=3,
                                                   level_name="technical / partner"), now=NOW)
        assert head.blocks[0]["text"]["text"].startswith("Escalated to L3 technical / partner")
    issue = render("escalation", known_issue_escalation(), now=NOW)
    assert "KI-3" in issue.blocks[0]["text"]["text"] and "KI-3" in issue.text


# -- buttons and activity --------------------------------------------------------------------

def test_ticket_alerts_carry_every_action_with_the_escalation_and_ref() -> None:
    message = render("breach", ticket_payload(category="training_gap"), now=NOW)
    found = actions(message)
    assert list(found) == ["alert_ack", "alert_claim", "alert_escalate", "alert_snooze",
                           "alert_link_ki", "alert_classify"]
    labels = {k: e["text"]["text"] for k, e in found.items() if e["type"] == "button"}
    assert labels == {"alert_ack": "Acknowledge", "alert_claim": "Claim",
                      "alert_escalate": "Escalate", "alert_snooze": "Snooze 1 h",
                      "alert_link_ki": "Link to known issue"}
    for element in found.values():
        if element["type"] == "button":
            assert json.loads(element["value"]) == {"e": 7, "r": "HT00042"}
    menu = found["alert_classify"]
    assert menu["type"] == "static_select" and menu["placeholder"]["text"] == "Classify"
    assert [o["value"] for o in menu["options"]] == ["defect", "training_gap",
                                                     "policy_ambiguity"]
    assert menu["initial_option"]["value"] == "training_gap"


def test_known_issue_alerts_cannot_be_linked_to_a_known_issue() -> None:
    found = actions(render("escalation", known_issue_escalation(), now=NOW))
    assert "alert_link_ki" not in found and "alert_ack" in found and "alert_claim" in found
    assert json.loads(found["alert_ack"]["value"]) == {"e": 11, "r": "KI-3"}


def test_activity_shows_under_the_headline_and_removes_done_buttons() -> None:
    message = render("breach", ticket_payload(), now=NOW, activity=list(reversed(
        acted("acknowledged", "claimed", "classified as training gap"))))
    valid(message)
    assert message.blocks[1]["block_id"] == ACTIVITY_BLOCK
    lines = message.blocks[1]["elements"][0]["text"].split("\n")
    assert lines[0].startswith("Acknowledged by <@U0LEA> · <!date^")
    assert lines[1].startswith("Claimed by <@U0LEA>")
    assert lines[2].startswith("Classified as training gap by <@U0LEA>")  # newest last
    found = actions(message)
    assert "alert_ack" not in found and "alert_claim" not in found
    assert "alert_escalate" in found and "alert_snooze" in found
    assert_no_pings(shown(message))
    only_ack = actions(render("breach", ticket_payload(), now=NOW, activity=acted("acknowledged")))
    assert "alert_ack" not in only_ack and "alert_claim" in only_ack
    assert "alert_ack" in actions(render("breach", ticket_payload(), now=NOW))


def test_activity_keeps_the_last_ten_and_mentions_only_user_ids() -> None:
    many = acted(*[f"snoozed {i}" for i in range(15)])
    intruder = [Activity("<!channel>", "acknowledged <!here>", NOW + timedelta(hours=1))]
    message = render("breach", ticket_payload(), now=NOW, activity=many + intruder)
    valid(message)
    context = message.blocks[1]["elements"][0]["text"]
    assert "6 earlier actions not shown" in context
    assert "snoozed 5" not in context.lower() and "Snoozed 14" in context
    assert context.count("<@U0LEA>") == 9
    assert "<!channel>" not in context and "<!here>" not in context
    assert context.split("\n")[-1].startswith("Acknowledged &lt;!here&gt; by &lt;!channel&gt;")


def test_approval_request_offers_approve_until_approved() -> None:
    payload = KINDS["approval_request"]()
    found = actions(render("approval_request", payload, now=NOW))
    assert list(found) == ["alert_approve", "alert_ack"]
    assert found["alert_approve"]["style"] == "primary" and "confirm" in found["alert_approve"]
    approved = render("approval_request", payload, now=NOW, activity=acted("approved"))
    assert list(actions(approved)) == ["alert_ack"]
    assert "Approved by <@U0LEA>" in shown(approved, activity=True)
    done = render("approval_request", payload, now=NOW, activity=acted("approved",
                                                                       "acknowledged"))
    valid(done)
    assert actions(done) == {}


def test_decision_overdue_shows_question_owner_due_and_days_late() -> None:
    message = render("decision_overdue", decision_payload(), now=NOW)
    text = shown(message)
    assert "May sales reps post credit notes above 5,000 EUR?" in text
    assert "Finance process owner &lt;!here&gt;" in text and "2026-11-17" in text
    assert "*Days late*\n3" in text
    assert list(actions(message)) == ["alert_ack"]
    assert json.loads(actions(message)["alert_ack"]["value"]) == {"e": 12, "r": "D-5"}
    assert actions(render("decision_overdue", decision_payload(), now=NOW,
                          activity=acted("acknowledged"))) == {}
    sponsor = render("decision_overdue", decision_payload(trigger="decision_overdue_sponsor"),
                     now=NOW)
    assert "sponsor" in sponsor.blocks[0]["text"]["text"]


def test_at_risk_batch_lists_twenty_then_points_to_the_queue() -> None:
    message = render("at_risk_batch", batch_payload(35), now=NOW)
    valid(message)
    text = shown(message)
    assert "HT00019" in text and "HT00020" not in text and "and 15 more" in text
    assert "hypercare tui" in text and actions(message) == {}
    assert "35 ticket(s) at risk" in message.text


def test_notices_say_what_to_do_next() -> None:
    kpi = shown(render("watch_kpi", KINDS["watch_kpi"](), now=NOW))
    assert "*57*" in kpi and "above its threshold of *40*" in kpi
    down = shown(render("odoo_unreachable", KINDS["odoo_unreachable"](), now=NOW))
    assert "check Odoo is up and the API key valid" in down and "`hypercare sync`" in down
    assert "401 Unauthorized" in down and "<!date^" in down
    broadcast = shown(render("known_issue_broadcast", broadcast_payload(), now=NOW))
    assert "*Workaround*\nSet the analytic account again &lt;!channel&gt;." in broadcast
    closed = render("known_issue_broadcast", broadcast_payload(status="closed"), now=NOW)
    assert "KI-3 is closed" in closed.blocks[0]["text"]["text"]


def test_a_long_workaround_continues_in_the_thread() -> None:
    steps = [f"Step {i}: open the journal and set account {i} again." for i in range(600)]
    message = render("known_issue_broadcast", broadcast_payload("\n".join(steps)), now=NOW)
    messages = valid(message)
    assert len(messages) >= 2 and len(message.blocks) <= 10
    text = shown(message)
    assert all(f"Step {i}: " in text for i in range(600))


def test_unknown_kinds_and_unreadable_payloads_render_generic_messages() -> None:
    odd = render("mystery <!channel>", {"note": "<!here> hi", "n": 3, "x": {"a": 1}}, now=NOW)
    valid(odd)
    assert "A hypercare notification" in shown(odd) and "note: &lt;!here&gt; hi" in shown(odd)
    assert_no_pings(shown(odd))
    broken: list[tuple[str, dict[str, Any]]] = [
        ("at_risk_batch", {"items": "nope"}), ("breach", {"ticket": "x"}),
        ("decision_overdue", {"decision": {"due_date": "not a date"}}),
        ("digest", {"counts": None, "groups": 5}), ("odoo_unreachable", {"minutes": "many"}),
        ("standup_minutes", {}), ("weekly_pack", {"headline": "x", "files": [1, None]})]
    for kind, payload in broken:
        assert_no_pings(shown(message := render(kind, payload, now=NOW)))
        valid(message)
    unreadable = render("odoo_unreachable", {"minutes": "many", "error": "<!here>"}, now=NOW)
    assert "A hypercare notification (`odoo_unreachable`)" in shown(unreadable)


# -- digest, minutes, weekly pack ------------------------------------------------------------

def test_digest_main_message_is_short_with_trends_top_ten_and_standup() -> None:
    message = render("digest", digest_payload(groups=5), now=NOW)
    valid(message)
    assert len(message.blocks) <= 25
    main = "\n".join(shown(SlackMessage(message.text, message.blocks)).split("\n"))
    assert "*Open*\n42 ▲ +3" in main and "*Breached*\n3 ▼ -2" in main
    assert "*At risk*\n7 =" in main and "*New*\n11" in main
    assert "HT00009" in main and "HT00010" not in main
    assert "<https://acme.odoo.com/odoo/helpdesk/0|HT00000>" in main
    assert "and 7 more need attention: open the TUI queue" in main  # 2 beyond ten + 5
    assert "Stand-up at <!date^" in main
    assert "Team 0001" not in main and "Team 0001" in shown(message)


def test_digest_with_500_groups_lists_every_group_in_valid_thread_messages() -> None:
    message = render("digest", digest_payload(groups=500), now=NOW)
    messages = valid(message)
    assert len(message.blocks) <= 25 and len(message.thread) >= 2
    main = shown(SlackMessage(message.text, message.blocks))
    assert "Team 0000" not in main
    thread = "\n".join(shown(m) for m in message.thread)
    assert all(f"Acme Belgium / Team {i:04d}" in thread for i in range(500))
    assert len(messages) == 1 + len(message.thread)


def test_minutes_fit_the_first_message_then_continue_in_the_thread() -> None:
    short = render("standup_minutes", KINDS["standup_minutes"](), now=NOW)
    assert short.thread == () and short.blocks[0]["text"]["text"] == \
        "Stand-up minutes: 2026-11-20 (all)"
    text = shown(short)
    assert "*Decisions*" in text and "HT00001 Invoice 1 · category -&gt; defect" in text
    assert "|---" not in text and "• Attendees: lea, &lt;!channel&gt;" in text
    long_text = minutes_markdown(3000, "with a fairly long description of the decision")
    message = render("standup_minutes", {"standup_id": 4, "scope": "all",
                                         "markdown": long_text}, now=NOW)
    messages = valid(message)
    assert len(messages) >= 2 and len(message.blocks) == 50
    everything = shown(message)
    assert all(f"HT{i:05d} Invoice {i} " in everything for i in range(3000))


def test_weekly_pack_is_a_short_announcement() -> None:
    message = render("weekly_pack", pack_payload(), now=NOW)
    valid(message)
    text = shown(message)
    assert "*Open tickets*\n42 ▼ -6" in text and "*SLA attainment %*\n91.5 ▲ +2.5" in text
    assert "4 of 7 +1 met" in text and "steering-2026-W48.xlsx (xlsx)" in text
    assert "<https://hypercare.acme.example/packs/2026-W48|Open the 2026-W48 pack>" in text
    assert len(message.blocks) <= 10 and message.thread == ()
