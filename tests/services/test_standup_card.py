"""The stand-up card: one ticket's facts for the room, read from the store, masked for the
viewer as ticket detail is."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hypercare.errors import TicketNotFoundError
from hypercare.services import MASKED_TEXT, MASKED_TITLE, Services
from hypercare.services.standup.card import age_text, build_card, first_lines
from hypercare.store.tables import Action, SlaClock, TicketEvent
from hypercare.store.tickets import upsert_rows
from tests.services.conftest import AGENT, LEAD, NOW, WORLD, MakeServices, Seed, seed_world
from tests.support import viewer

DESCRIPTION = ("\n\n  Posting the vendor bill fails with 'VAT tag missing'.  \n\n"
               "It started after go-live.\nEvery line of the bill is affected.\n"
               "Attached: a screenshot.\n")


def card_world(make_services: MakeServices) -> Services:
    """The seeded world, ticket 1 with a long description, two clocks, replies and actions."""
    services = make_services()
    first = Seed(1, "Invoice posting fails with VAT error", state="breached", minutes=-120.0,
                 severity=2, assignee="Marc Dupont", assignee_id=7, age_hours=76.25,
                 extra={"description": DESCRIPTION})
    seed_world(services, (first, *WORLD[1:]))
    clocks = [
        {"target": "first_response", "state": "met", "due_at": (NOW - timedelta(hours=70))
         .isoformat(), "business_minutes_left": 45.0, "used_share": 0.5,
         "met_at": (NOW - timedelta(hours=75)).isoformat(), "always_open": False},
        {"target": "resolution", "state": "breached", "due_at": (NOW - timedelta(hours=2))
         .isoformat(), "business_minutes_left": -120.0, "used_share": 1.2, "met_at": None,
         "always_open": False}]
    events = [
        {"ticket_odoo_id": 1, "source_key": "msg:1", "kind": "customer_message",
         "at": NOW - timedelta(hours=70), "actor": "Ann Customer", "body": "Any news?"},
        {"ticket_odoo_id": 1, "source_key": "msg:2", "kind": "public_reply",
         "at": NOW - timedelta(hours=3), "actor": "Marc Dupont", "actor_is_internal": True,
         "body": "Looking into it"},
        {"ticket_odoo_id": 1, "source_key": "msg:3", "kind": "internal_note",
         "at": NOW - timedelta(hours=1), "actor": "Lea", "actor_is_internal": True,
         "body": "not a reply"}]
    with services.context.store().session() as session:
        upsert_rows(SlaClock, [{"ticket_odoo_id": 1, "state": "breached",
                                "due_at": NOW - timedelta(hours=2),
                                "business_minutes_left": -120.0, "worst_state": "breached",
                                "clocks": clocks, "policy": "", "calendar": "default",
                                "evaluated_at": NOW}], session=session, key=("ticket_odoo_id",))
        upsert_rows(TicketEvent, events, session=session, key=("ticket_odoo_id", "source_key"))
        session.add_all([
            Action(standup_id=1, subject="HT00001", text="Call the VAT consultant",
                   owner="marc", due_date=date(2026, 11, 24), created_at=NOW),
            Action(standup_id=2, subject="HT00001", text="Check the tax tags on the journal",
                   owner="julie", due_date=date(2026, 11, 25), created_at=NOW),
            Action(standup_id=2, subject="HT00001", text="done already", owner="x",
                   status="done", created_at=NOW),
            Action(standup_id=2, subject="HT00002", text="another ticket's", owner="y",
                   created_at=NOW)])
    lea = viewer(services, LEAD)
    issue = services.known_issues.create(title="VAT tags missing on migrated journals",
                                         viewer=lea, ticket_refs=("HT00001",))
    services.known_issues.set_workaround(known_issue_id=issue.id, viewer=lea,
                                         text="Post from the journal entry view")
    return services


def test_the_card_holds_what_the_room_needs(make_services: MakeServices) -> None:
    services = card_world(make_services)
    card = build_card(services.context, ref="HT00001", viewer=viewer(services, LEAD),
                      standup_id=2)
    assert (card.ref, card.odoo_id, card.title) == ("HT00001", 1,
                                                    "Invoice posting fails with VAT error")
    assert (card.company, card.app, card.severity, card.category, card.assignee) == (
        "Acme BE", "Accounting", 2, "defect", "Marc Dupont")
    assert card.age(NOW) == "3 d 4 h" and card.created_at == NOW - timedelta(hours=76.25)
    assert card.description == ("Posting the vendor bill fails with 'VAT tag missing'.",
                                "It started after go-live.",
                                "Every line of the bill is affected.")
    assert card.description_more
    reply = card.last_reply
    assert reply is not None
    assert (reply.author, reply.by, reply.at) == ("Marc Dupont", "agent",
                                                  NOW - timedelta(hours=3))
    assert [(c.target, c.state) for c in card.clocks] == [("first_response", "met"),
                                                          ("resolution", "breached")]
    assert card.clocks[1].due_at == NOW - timedelta(hours=2)
    assert card.clocks[1].minutes_left == -120.0
    issue = card.known_issue
    assert issue is not None and issue.ref.startswith("KI-")
    assert issue.title == "VAT tags missing on migrated journals"
    assert issue.workaround == "Post from the journal entry view"
    assert [(a.owner, a.text, a.due_date, a.this_standup) for a in card.actions] == [
        ("julie", "Check the tax tags on the journal", date(2026, 11, 25), True),
        ("marc", "Call the VAT consultant", date(2026, 11, 24), False)]
    assert card.next_action == card.actions[0]
    assert card.similar_open is None  # similarity arrives later
    assert not card.masked and not card.is_closed


def test_the_facade_card_is_the_same_card(make_services: MakeServices) -> None:
    """``StandupService.card`` (wired by the stand-up service) gives what ``build_card`` does."""
    services = card_world(make_services)
    lea = viewer(services, LEAD)
    assert services.standup.card(ref="HT00001", viewer=lea, standup_id=2) == build_card(
        services.context, ref="HT00001", viewer=lea, standup_id=2)


def test_a_ticket_without_clocks_replies_actions_or_known_issue(services: Services) -> None:
    card = build_card(services.context, ref="HT00006", viewer=viewer(services, LEAD))
    assert card.clocks == () and card.last_reply is None and card.known_issue is None
    assert card.actions == () and card.next_action is None
    assert card.severity == 0 and card.category == ""  # never classified
    assert card.description == ("Stock move stuck in waiting. Please help.",)
    assert not card.description_more


def test_clocks_stored_before_targets_show_the_resolution_clock(services: Services) -> None:
    card = build_card(services.context, ref="HT00001", viewer=viewer(services, LEAD))
    assert [(c.target, c.state, c.minutes_left) for c in card.clocks] == [
        ("resolution", "breached", -120.0)]


def test_a_confidential_ticket_is_masked_for_the_room(services: Services) -> None:
    """The card is for the shared screen: masked as for the channel, even when the lead who
    drives the meeting may read the ticket on their own screen."""
    sam = viewer(services, AGENT)
    card = build_card(services.context, ref="HT00005", viewer=sam)
    shown = services.tickets.show_ticket(ref="HT00005", viewer=sam).ticket
    assert card.masked and card.confidential
    assert card.title == shown.title == MASKED_TITLE
    assert card.description == (MASKED_TEXT,)
    lead = viewer(services, LEAD)
    lead_card = build_card(services.context, ref="HT00005", viewer=lead)
    assert lead_card.masked and lead_card.title == MASKED_TITLE
    assert lead_card.description == (MASKED_TEXT,)
    assert services.tickets.show_ticket(ref="HT00005", viewer=lead).ticket.title == (
        "Payslip of Jane Doe shows the wrong salary")


def test_a_ticket_of_another_company_is_not_found(make_services: MakeServices) -> None:
    from hypercare.config import RolesSettings

    services = make_services(roles=RolesSettings(leads=[LEAD], companies={AGENT: ["Acme US"]}))
    seed_world(services)
    with pytest.raises(TicketNotFoundError):
        build_card(services.context, ref="HT00001", viewer=viewer(services, AGENT))
    assert build_card(services.context, ref="HT00002",
                      viewer=viewer(services, AGENT)).company == "Acme US"


@pytest.mark.parametrize(("text", "lines", "more"), [
    ("", (), False),
    ("one", ("one",), False),
    ("a\n\n b \n\nc\nd", ("a", "b", "c"), True),
    ("x" * 100_000, ("x" * 199 + "…",), True),
    ("\x1b[31mred\x07\r\nnext\u202eevil", ("[31mred", "nextevil"), False),
])
def test_first_lines_are_bounded_and_clean(text: str, lines: tuple[str, ...],
                                           more: bool) -> None:
    assert first_lines(text) == (lines, more)


@pytest.mark.parametrize(("minutes", "shown"), [
    (0, "0 m"), (12, "12 m"), (60, "1 h"), (312, "5 h 12 m"), (1440, "1 d"),
    (3 * 1440 + 4 * 60 + 7, "3 d 4 h"), (-30, "0 m")])
def test_age_text(minutes: int, shown: str) -> None:
    assert age_text(NOW - timedelta(minutes=minutes), NOW) == shown


def test_age_text_unknown() -> None:
    assert age_text(None, NOW) == ""
