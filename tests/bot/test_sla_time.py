"""SLA time in Slack reads as the one formatter writes it (:mod:`hypercare.triage.sla_text`):
ticket status and "my tickets", alerts and at-risk batches (from the sweep's own payloads),
the digest and a raised report's reply. Moments are ``<!date>`` tokens (each reader sees
their own time) whose fallback is the formatter's text in the command center's zone."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypercare.bot.alert_blocks import render
from hypercare.bot.blocks import build_my_tickets, build_ticket_status
from hypercare.bot.raise_blocks import build_raised_reply
from hypercare.bot.text import slack_moment
from hypercare.services import RaisedView, Services
from hypercare.triage.sla_text import (
    UNITS_NOTE,
    ClockTime,
    clock_text,
    status_text,
    time_text,
)
from tests.bot.alert_payloads import (
    batch_payload,
    digest_payload,
    shown,
    sla_payload,
    ticket_payload,
)
from tests.bot.conftest import NOW, answer_text, signed_command
from tests.bot.test_blocks import check, ticket
from tests.bot.test_raise_blocks import shown as raised_text
from tests.slack_mock import MockSlack
from tests.support import viewer

ZONE = "Europe/Brussels"
BRU = ZoneInfo(ZONE)
MONDAY = datetime(2026, 11, 30, 15, 0, tzinfo=BRU)
DUE_TUE = datetime(2026, 12, 1, 17, 0, tzinfo=BRU)
SLACK = slack_moment(ZONE)


def token(moment: datetime, fallback: str) -> str:
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def as_fallback(text: str) -> str:
    """Slack text with each ``<!date>`` token as its fallback, the zone's abbreviation off."""
    return re.sub(r"<!date\^\d+\^[^|>]*\|([^>]*?) (?:CET|CEST)>", r"\1", text)


def test_status_shows_business_hours_with_their_unit_and_a_dated_due() -> None:
    view = ticket(sla_state="breached", sla_business_minutes_left=-(30 * 60 + 12),
                  sla_due_at=DUE_TUE)
    text = check(build_ticket_status(view, now=MONDAY, zone=ZONE))
    assert "*SLA*\nbreached, 30 bh 12 bm over" in text
    assert f"*Target time*\n{token(DUE_TUE, 'Tue 1 Dec 17:00 CET')}" in text
    assert UNITS_NOTE.split(":")[0] in text  # the legend of bh and bm
    assert "1d" not in text and "0m left" not in text


def test_status_of_a_24x7_clock_shows_calendar_hours_marked() -> None:
    view = ticket(sla_state="breached", sla_business_minutes_left=-26 * 60, sla_due_at=DUE_TUE,
                  sla_24x7=True)
    text = check(build_ticket_status(view, now=MONDAY, zone=ZONE))
    assert "*SLA*\nbreached, 26 h over, 24x7" in text and " bh" not in text


def test_a_breached_clock_at_zero_never_reads_left() -> None:
    view = ticket(sla_state="breached", sla_business_minutes_left=0.0, sla_due_at=MONDAY)
    text = check(build_ticket_status(view, now=MONDAY, zone=ZONE))
    assert "*SLA*\nbreached, due now" in text
    assert "left" not in text.split("*SLA*")[1].split("\n")[1]


def test_my_tickets_show_the_clock_as_everywhere_else() -> None:
    due = MONDAY + timedelta(hours=2)
    view = ticket(sla_state="at_risk", sla_business_minutes_left=4 * 60, sla_due_at=due)
    text = check(build_my_tickets([view], email="ann@acme.example", now=MONDAY, zone=ZONE))
    assert f"at risk, 4 bh left · due {token(due, '17:00 CET')}" in text
    assert clock_text(view.sla_clock(), now=MONDAY, zone=ZONE, moment=SLACK,
                      state=True) in text


def test_alerts_show_the_clock_they_are_about() -> None:
    sla = sla_payload(left=-(30 * 60 + 12), due_at=DUE_TUE - timedelta(days=2))
    text = shown(render("breach", ticket_payload(sla=sla), now=MONDAY))
    due = DUE_TUE - timedelta(days=2)
    assert ("*Resolution SLA*\nbreached, 30 bh 12 bm over · due "
            f"{token(due, 'Sun 29 Nov 17:00 CET')}") in text
    s1 = sla_payload(left=-26 * 60, always_open=True, due_at=MONDAY - timedelta(hours=26))
    text = shown(render("confirmed_s1", ticket_payload(trigger="confirmed_s1", sla=s1),
                        now=MONDAY))
    assert "breached, 26 h over, 24x7 · due " in text
    late = sla_payload(target="first_response", left=-130.0, met_at=MONDAY - timedelta(hours=1))
    text = shown(render("breach", ticket_payload(sla=late), now=MONDAY))
    reached = token(MONDAY - timedelta(hours=1), "14:00 CET")
    assert f"*First response SLA*\nbreached, reached {reached}, 2 bh 10 bm late" in text


def test_at_risk_batches_show_each_clock() -> None:
    text = shown(render("at_risk_batch", batch_payload(2), now=NOW))
    assert text.count("at risk, 1 bh 15 bm left · due <!date^") == 2


def test_the_digest_dates_a_due_time_that_is_not_today_in_the_standups_zone() -> None:
    payload = digest_payload(top=2)
    payload["standup_at"] = datetime(2026, 11, 21, 9, 0, tzinfo=BRU).isoformat()
    payload["top"][0]["due_at"] = (NOW - timedelta(hours=1)).isoformat()  # 15:00 in Brussels
    payload["top"][1]["due_at"] = (NOW - timedelta(days=2)).isoformat()
    text = shown(render("digest", payload, now=NOW))
    assert f"due {token(NOW - timedelta(hours=1), '15:00 UTC+01:00')}" in text
    assert f"due {token(NOW - timedelta(days=2), 'Wed 18 Nov 16:00 UTC+01:00')}" in text


def test_a_raised_reply_says_when_it_is_due() -> None:
    raised = RaisedView(id=7, local_ref="HC-7", state="created", title="Invoice fails",
                        message="ok", odoo_id=42, odoo_ref="HT00042", severity=2,
                        due_at=DUE_TUE, url="https://acme.odoo.com/odoo/helpdesk/42")
    text = raised_text(build_raised_reply(raised, reporter_id="U0ANNA", now=MONDAY, zone=ZONE))
    assert f"due {token(DUE_TUE, 'Tue 1 Dec 17:00 CET')}" in text


# -- through the services: the sweep's payloads, /hypercare status ---------------------------

def test_a_swept_breach_alert_reads_as_the_tui_and_the_cli_write_it(services: Services) -> None:
    rows = [m for m in services.sla.list_outbox(limit=500)
            if m.kind == "breach" and m.payload.get("sla")]
    assert rows, "the simulated go-live should have breach alerts with their clock"
    lea = viewer(services, "lea")
    for row in rows[:5]:
        payload = row.payload
        ref = payload["ticket"]["ref"]
        view = services.tickets.show_ticket(ref=ref, viewer=lea).ticket
        target = payload["sla"]["target"]
        clock = dict(view.sla_clock_times())[target]
        assert ClockTime.from_stored(payload["sla"]) == clock  # the very clock the TUI shows
        text = shown(render(row.kind, payload, now=NOW))
        assert clock_text(clock, now=NOW, zone=ZONE, moment=SLACK, state=True) in text
        # the TUI's and the CLI's words, once each <!date> token reads as its fallback
        assert time_text(clock, now=NOW, zone=ZONE) in as_fallback(text)


def test_status_command_shows_the_formatters_time(bot_server: Any, mock_slack: MockSlack,
                                                  services: Services) -> None:
    lea = viewer(services, "lea")
    view = next(t for t in services.tickets.list_tickets(viewer=lea, open_only=True)
                if t.sla_state in ("breached", "at_risk", "on_track") and not t.confidential)
    assert signed_command(bot_server, mock_slack, f"status {view.ref}")[0] == 200
    (reply,) = mock_slack.wait_for("response_url")
    expected = status_text(view.sla_clock(), now=NOW, zone=ZONE, moment=SLACK)
    assert f"*SLA*\n{expected}" in answer_text(reply)
