"""Labels that read well: who wrote a chatter message, a stand-up decision in the event log,
and what a suppressed known-issue broadcast is about; outside text in them stays literal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from textual.widgets import DataTable

from hypercare.services import SYSTEM, ChatterView, EventView, OutboxView, Services
from hypercare.tui.screens.escalations import EscalationsScreen
from hypercare.tui.widgets.ticket_log import chatter_text, events_text
from tests.tui.conftest import NOW, lead, make_app, plain, settle
from tests.tui.test_ticket import an_open_ticket, open_ticket, open_tickets, text_of

HOSTILE = "[bold red]Refund[/] [@click=app.quit]x[/]"


def shown(renderable: Any) -> str:
    class Holder:
        content = renderable

    return plain(Holder())


def test_chatter_says_who_replied_not_internal_or_public() -> None:
    messages = [ChatterView(NOW, "public_reply", "Sofie Claes", True, "Try again now."),
                ChatterView(NOW, "customer_message", HOSTILE, False, "Still broken."),
                ChatterView(NOW, "internal_note", "Marc", True, "Key account.")]
    text = shown(chatter_text(messages, "Europe/Brussels", masked=False))
    assert "Sofie Claes  reply by agent" in text
    assert f"{HOSTILE}  reply by customer" in text
    assert "Marc  internal note" in text
    assert "(internal)" not in text and "public reply" not in text


def test_event_log_words_each_kind() -> None:
    events = [EventView(NOW, "public_reply", "Sofie", True, "", "", "Fixed."),
              EventView(NOW, "customer_message", "Ann", False, "", "", "Thanks."),
              EventView(NOW, "standup_decision", "lea", True, "", "stand-up #3",
                        f"severity -> S2; next step -> {HOSTILE}")]
    text = shown(events_text(events, "Europe/Brussels", masked=False))
    assert "reply by agent  Sofie" in text and "reply by customer  Ann" in text
    assert "stand-up decision  lea  in stand-up #3" in text
    assert f"    severity -> S2; next step -> {HOSTILE}" in text
    assert "standup" not in text.replace("stand-up", "")


async def test_live_chatter_names_agent_replies(services: Services) -> None:
    app = make_app(services)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_ticket(pilot, an_open_ticket(services))
        assert screen.chatter, "the simulator's tickets have chatter"
        text = text_of(screen, "#ticket-chatter")
        kinds = {m.kind for m in screen.chatter}
        if "public_reply" in kinds:
            assert "reply by agent" in text
        if "customer_message" in kinds:
            assert "reply by customer" in text
        assert "public reply" not in text and "(internal)" not in text


async def test_a_standup_decision_in_the_event_log(services: Services) -> None:
    lea = lead(services)
    item = next(i for i in services.standup.agenda().items() if i.kind == "ticket")
    standup = services.standup.start(viewer=lea)
    services.standup.record(standup_id=standup, item_ref=item.ref, viewer=lea, severity=2,
                            next_step=HOSTILE)
    app = make_app(services)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_ticket(pilot, item.ref)
        events = text_of(screen, "#ticket-events")
        assert f"stand-up decision  {lea.name}  in stand-up #{standup}" in events
        assert HOSTILE in events


async def test_a_suppressed_known_issue_broadcast_says_which_issue(
        make_services: Callable[..., Services]) -> None:
    services = make_services(escalation={"max_per_hour": 1})
    lea = lead(services)
    refs = tuple(t.ref for t in open_tickets(services) if not t.known_issue)[:3]
    issue = services.known_issues.create(title=HOSTILE, viewer=lea, ticket_refs=refs)
    services.known_issues.set_status(known_issue_id=issue.id, status="workaround_available",
                                     viewer=lea)
    services.known_issues.set_status(known_issue_id=issue.id, status="fix_in_test", viewer=lea)
    suppressed = [m for m in services.sla.list_outbox(state="suppressed")
                  if m.kind == "known_issue_broadcast"]
    assert suppressed, "the second broadcast to the same reporters hits the rate cap"
    assert suppressed[0].about(viewer=lea) == f"{issue.ref}: {HOSTILE}"
    app = make_app(services)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EscalationsScreen)
        table = screen.query_one("#suppressed-table", DataTable)
        about = [str(table.get_row_at(i)[3]) for i in range(table.row_count)]
        assert any(a.startswith(f"{issue.ref}: {HOSTILE}"[:59]) for a in about), about
        assert not any(a.endswith("tickets") for a in about)
        assert app.is_running


def about(kind: str, payload: dict[str, Any], *, viewer: Any) -> str:
    message = OutboxView(1, kind, "key", ("L2",), "suppressed", 0, None, "", "", NOW, payload)
    return message.about(viewer=viewer)


def test_outbox_about_words_each_kind() -> None:
    at = datetime(2026, 11, 20).isoformat()
    assert about("escalation", {"ticket": {"ref": "42", "title": "Invoice"}, "level": 2,
                                "trigger": "breach"}, viewer=SYSTEM) == "42 L2 breach: Invoice"
    assert about("decision_overdue", {"decision": {"ref": "D-2", "question": "Who?"},
                                      "level": 2, "trigger": "decision_overdue"},
                 viewer=SYSTEM) == "D-2 L2 decision overdue: Who?"
    assert about("at_risk_batch", {"items": [{"ticket": {"ref": "7"}}]},
                 viewer=SYSTEM) == "1 at-risk ticket: 7"
    assert about("digest", {"scope": "all companies", "generated_at": at},
                 viewer=SYSTEM) == "stand-up digest (all companies)"
    assert about("standup_minutes", {"standup_id": 4}, viewer=SYSTEM) == "stand-up minutes #4"
