"""Block Kit builders: escaping, limits (validated by slack_sdk's models), masking."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from hypercare.bot.blocks import (
    MAX_BLOCKS,
    Reply,
    build_error,
    build_help,
    build_howto,
    build_my_tickets,
    build_runbook,
    build_runbook_list,
    build_ticket_status,
    escape_text,
)
from hypercare.bot.text import link, slack_date, truncate
from hypercare.services import MASKED_TEXT, MASKED_TITLE, RunbookView, Suggestion, TicketView

HUGE = "word <@U123> & <!channel> " * 2000
DUE = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)


def ticket(**changes: Any) -> TicketView:
    values: dict[str, Any] = dict(
        odoo_id=42, ref="HT00042", title="Invoice posting fails", description="secret detail",
        company="Acme", team="Finance", stage="In Progress", is_closed=False, priority=2,
        priority_label="High", assignee="Nora", partner_name="Ann",
        partner_email="ann@acme.example", tags=(), ticket_type="", odoo_category="",
        channel="", active=True, deleted=False, created_at=DUE, updated_at=DUE,
        assigned_at=None, closed_at=None, first_response_at=None, reopen_count=0,
        odoo_sla_deadline=None, odoo_sla_failed=False,
        url="https://acme.odoo.com/odoo/helpdesk/42", category="training_gap",
        severity=2, sla_state="at_risk", sla_due_at=DUE, known_issue="KI-3",
        workaround="Use the other journal")
    values.update(changes)
    return TicketView(**values)


def check(reply: Reply) -> str:
    """Every block re-validated by slack_sdk's models, Block Kit counts and lengths held;
    returns all the text shown."""
    assert 1 <= len(reply.blocks) <= MAX_BLOCKS
    assert len(reply.text) <= 3000
    texts = [reply.text]
    for raw in reply.blocks:
        block = Block.parse(raw)
        assert block is not None
        block.to_dict()  # raises SlackObjectFormationError on an over-long field
        if raw["type"] == "header":
            assert len(raw["text"]["text"]) <= 150
        if raw["type"] == "section":
            assert len(raw.get("text", {}).get("text", "")) <= 3000
            assert len(raw.get("fields", [])) <= 10
            assert all(len(f["text"]) <= 2000 for f in raw.get("fields", []))
            texts.append(raw.get("text", {}).get("text", ""))
            texts.extend(f["text"] for f in raw.get("fields", []))
        if raw["type"] == "context":
            assert len(raw["elements"]) <= 10
            texts.extend(e["text"] for e in raw["elements"])
        if raw["type"] == "header":
            texts.append(raw["text"]["text"])
    return "\n".join(texts)


def assert_no_pings(text: str) -> None:
    assert "<!channel>" not in text and "<!here>" not in text and "<@U" not in text
    assert not re.search(r"(?<![\w\u2060])@(channel|here|everyone)\b", text)


def test_escape_text_neutralises_mentions_links_and_entities() -> None:
    raw = "Hi <!channel> <!here> <@U0123ABC> see <https://evil.example|click> & @here @channel"
    safe = escape_text(raw)
    assert "<" not in safe and ">" not in safe
    assert "&lt;!channel&gt;" in safe and "&lt;@U0123ABC&gt;" in safe
    assert "&lt;https://evil.example|click&gt;" in safe and " &amp; " in safe
    assert_no_pings(safe)
    assert escape_text("a\x00b\x1bc") == "abc"


def test_truncation_never_cuts_an_escape_or_a_link() -> None:
    assert truncate("abc&amp;def", 6) == "abc…"
    assert truncate("see <!date^1^{time}|x> now", 12) == "see…"
    assert len(escape_text(HUGE, 3000)) <= 3000
    assert link("https://x.example/a?b=1&c=<2>|3", "go <b>") == \
        "<https://x.example/a?b=1&amp;c=%3C2%3E%7C3|go &lt;b&gt;>"
    assert link("javascript:alert(1)", "x") == "x"
    assert slack_date(DUE) == (f"<!date^{int(DUE.timestamp())}^{{date_short_pretty}} {{time}}"
                               "|2026-11-23 16:00 UTC>")


def test_status_shows_what_a_reporter_needs_and_not_the_category() -> None:
    shown = check(build_ticket_status(ticket()))
    for part in ("HT00042", "Invoice posting fails", "In Progress", "S2", "at risk", "KI-3",
                 "Use the other journal", "Nora", f"<!date^{int(DUE.timestamp())}^",
                 "<https://acme.odoo.com/odoo/helpdesk/42|Open HT00042 in Odoo>"):
        assert part in shown, part
    assert "training" not in shown.lower() and "secret detail" not in shown
    assert "*Severity*\nS2" in shown
    assert "*Severity*\nnot rated yet" in check(build_ticket_status(ticket(severity=0)))


def masked(**changes: Any) -> TicketView:
    """A confidential ticket as the services hand it to someone who may not read it."""
    return ticket(confidential=True, masked=True, title=MASKED_TITLE, description=MASKED_TEXT,
                  **changes)


def test_confidential_status_shows_no_title_no_description_no_workaround() -> None:
    shown = check(build_ticket_status(masked()))
    assert "Confidential ticket" in shown and "HT00042" in shown
    assert "secret detail" not in shown and "Invoice posting fails" not in shown
    assert "Use the other journal" not in shown and "KI-3" not in shown
    assert "leads and its reporter only" in shown


def test_confidential_status_for_its_reader_shows_it_privately() -> None:
    shown = check(build_ticket_status(ticket(confidential=True, title="Payslip of 4711 wrong")))
    assert "Payslip of 4711 wrong" in shown and "shown to you only" in shown
    assert "Use the other journal" in shown and "secret detail" not in shown


def test_closed_ticket_shows_when_it_closed() -> None:
    shown = check(build_ticket_status(ticket(is_closed=True, stage="Solved", closed_at=DUE)))
    assert "closed <!date^" in shown and "at risk" not in shown


def test_every_builder_holds_the_limits_on_huge_input() -> None:
    huge_ticket = ticket(title=HUGE, assignee=HUGE, stage=HUGE, workaround=HUGE,
                         known_issue=HUGE, url="https://x.example/" + "a" * 5000)
    shown = check(build_ticket_status(huge_ticket))
    assert_no_pings(shown)
    assert_no_pings(check(build_my_tickets([huge_ticket] * 40, email=HUGE)))
    suggestions = [Suggestion(i, f"KI-{i}", HUGE, 0.9, "workaround_available", HUGE)
                   for i in range(40)]
    runbooks = [RunbookView(f"rb-{i}", HUGE, "/x") for i in range(40)]
    assert_no_pings(check(build_howto(HUGE, suggestions, runbooks)))
    assert_no_pings(check(build_runbook(RunbookView("big", HUGE, "/x", "# T\n" + HUGE))))
    assert_no_pings(check(build_runbook_list(runbooks * 10)))
    assert_no_pings(check(build_help([(HUGE, HUGE)] * 80, note=HUGE)))
    assert_no_pings(check(build_error(HUGE, HUGE)))


def test_my_tickets_shows_at_most_ten_and_masks_confidential_ones() -> None:
    many = [ticket(ref=f"HT{i:05d}", odoo_id=i) for i in range(15)]
    many[0] = masked(ref="HT00000")
    shown = check(build_my_tickets(many, email="ann@acme.example"))
    assert "HT00009" in shown and "HT00010" not in shown
    assert "Confidential ticket" in shown
    assert shown.count(" · S2") == 10  # each ticket's severity as people read it
    empty = check(build_my_tickets([], email="ann@acme.example"))
    assert "No tickets" in empty and "ann@acme.example" in empty


def test_runbook_shows_the_first_2500_characters_and_where_the_rest_is() -> None:
    body = "# Stand-up\n\n## Agenda\n\n- **First** item [docs](https://x.example/d)\n" + \
        "x" * 6000
    shown = check(build_runbook(RunbookView("daily-triage-standup", "Stand-up", "/r", body)))
    assert "*Agenda*" in shown and "• *First* item <https://x.example/d|docs>" in shown
    assert "Showing the first 2,500 of" in shown
    assert "runbooks/daily-triage-standup.md" in shown
    assert shown.count("x") < 2600
    short = check(build_runbook(RunbookView("a", "A", "/r", "# A\n\nshort")))
    assert "Showing the first" not in short and "short" in short


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_howto_with_nothing_found_says_so(text: str) -> None:
    assert "Nothing matched" in check(build_howto(text or "x", [], []))
