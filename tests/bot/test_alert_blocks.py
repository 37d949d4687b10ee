"""Alerts as Block Kit: every outbox kind renders valid, escaped, bounded messages with the
right buttons (payloads as the services enqueue them: ``alert_payloads``)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from hypercare.bot.alert_blocks import Activity, render
from hypercare.bot.message_blocks import ACTIVITY_BLOCK
from tests.bot.alert_payloads import (
    EXPECTED,
    HUGE_KINDS,
    KINDS,
    NOW,
    SECRET,
    acted,
    actions,
    batch_payload,
    broadcast_payload,
    decision_payload,
    digest_payload,
    known_issue_escalation,
    shown,
    ticket_payload,
    valid,
)
from tests.bot.test_blocks import assert_no_pings


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

