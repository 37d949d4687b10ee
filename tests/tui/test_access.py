"""Who may do what, from the keyboard: the TUI asks the services' one access authority.

``roles.leads = ["lea"]`` and ``roles.super_users = ["sam"]``; the TUI runs as ``tui.user``.
Every lead action reachable by key is tried as bob (no lead, no super-user) and as lea: for
bob a polite notification says who may do it and nothing changes (checked through the
services, the Odoo simulator and the undo slot); for lea the same keys do it. A Slack user
group in ``roles.leads`` makes its members leads in the TUI too (the mock Slack answers who
belongs to it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from hypercare.services import MASKED_TEXT, MASKED_TITLE, RaiseRequest, Services
from hypercare.tui.app import HypercareApp, help_sections
from hypercare.tui.screens.escalations import EscalationsScreen
from hypercare.tui.screens.pickers import ChoiceScreen, TextScreen
from hypercare.tui.screens.standup import StandupScreen
from hypercare.tui.screens.ticket import TicketScreen
from tests.slack_mock import MockSlack
from tests.support import viewer
from tests.support.hostile import CONTROLS, MARKUP, STRAY_CLOSE, raw_controls
from tests.tui.conftest import LEAD, lead, make_app, plain, settle, ticket
from tests.tui.test_escalations_runbooks import pending_l3, stored
from tests.tui.test_records import SEEDED, answer, dialog, seeded_issue, show, until
from tests.tui.test_ticket import open_ticket

BOB = "bob"
ROLES = {"leads": [LEAD], "super_users": ["sam"]}
BOT_TOKEN = "xoxb-1111-2222-valid-test-token"
HOSTILE_REPLY = f"me too on invoice 4711 {MARKUP} {STRAY_CLOSE} [@click=app.quit]quit[/]"
"""A thread reply, as a person without raising rights may type it."""

Make = Callable[..., Services]


@pytest.fixture(params=[BOB, LEAD])
def who(request: pytest.FixtureRequest) -> str:
    """The TUI's user: bob (refused every lead action) or lea (a lead)."""
    return str(request.param)


def services_as(make_services: Make, who: str, **extra: Any) -> Services:
    roles = {**ROLES, **extra.pop("roles", {})}
    return make_services(roles=roles, tui={"user": who, "refresh_seconds": 300}, **extra)


def notes(app: HypercareApp, severity: str) -> list[Any]:
    return [n for n in app._notifications if n.severity == severity]


def refused(app: HypercareApp, *messages: str) -> None:
    """Each of ``messages`` was said, politely: a warning that nothing was done, no error."""
    assert app.is_running
    assert not notes(app, "error"), [n.message for n in notes(app, "error")]
    said = [n for n in notes(app, "warning") if "not done" in n.title]
    for message in messages:
        assert any(message in n.message for n in said), (message, [n.message for n in said])


def allowed(app: HypercareApp) -> None:
    """Nothing was refused and nothing failed."""
    assert app.is_running
    problems = notes(app, "error") + [n for n in notes(app, "warning") if "not done" in n.title]
    assert not problems, [n.message for n in problems]


def an_open_ticket(services: Services, **wanted: Any) -> str:
    """An open, non-confidential ticket where no field in ``wanted`` has its value."""
    return next(t.ref for t in services.tickets.list_tickets(viewer=lead(services),
                                                             open_only=True)
                if not t.confidential and t.category_explanation
                and all(getattr(t, name) != value for name, value in wanted.items()))


# -- on a ticket ---------------------------------------------------------------------------


async def test_classify_and_severity(make_services: Make, who: str) -> None:
    services = services_as(make_services, who)
    ref = an_open_ticket(services, category="defect", severity=1)
    before = ticket(services, ref)
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_ticket(pilot, ref)
        assert app.context.viewer.lead is (who == LEAD)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        after = ticket(services, ref)
        if who == BOB:
            refused(app, "Only command-center leads can classify tickets.",
                    "Only command-center leads can set severity.")
            assert (after.category, after.category_source, after.severity) == \
                (before.category, before.category_source, before.severity)
            assert app.context.last_action is None  # a refusal leaves nothing to undo
            await pilot.press("u")
            await settle(pilot)
            assert "Nothing to undo" in notes(app, "warning")[-1].message
        else:
            allowed(app)
            assert (after.category, after.severity) == ("defect", 1)
            assert app.context.last_action is not None


async def test_escalate(make_services: Make, who: str) -> None:
    services = services_as(make_services, who)
    ref = next(t.ref for t in services.tickets.list_tickets(viewer=lead(services),
                                                            open_only=True)
               if t.escalation_level == 0 and not t.confidential)
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_ticket(pilot, ref)
        assert isinstance(await dialog(pilot, "e"), TextScreen)
        await answer(pilot, "blocks invoicing")
        escalations = services.sla.escalations_for(ref=ref, viewer=lead(services))
        if who == BOB:
            refused(app, "Only command-center leads can escalate tickets.")
            assert escalations == []
        else:
            allowed(app)
            assert [(e.level, e.trigger) for e in escalations] == [(1, "manual")]


async def test_link_to_a_known_issue(make_services: Make, who: str) -> None:
    services = services_as(make_services, who)
    ref = next(t.ref for t in services.tickets.list_tickets(viewer=lead(services),
                                                            open_only=True)
               if not t.known_issue and not t.confidential)
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_ticket(pilot, ref)
        assert isinstance(await dialog(pilot, "l"), ChoiceScreen)
        await answer(pilot, "analytic account")
        linked = ticket(services, ref).known_issue
        if who == BOB:
            refused(app, "Only super-users can link tickets to known issues here.")
            assert linked == ""
            assert app.context.last_action is None
        else:
            allowed(app)
            assert linked == f"KI-{seeded_issue(services)}"


async def test_a_confidential_ticket(make_services: Make, who: str) -> None:
    services = services_as(make_services, who)
    secret = next(t for t in services.tickets.list_tickets(viewer=lead(services))
                  if t.confidential)
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_ticket(pilot, secret.ref)
        head = plain(screen.query_one("#ticket-head", Static))
        body = plain(screen.query_one("#ticket-body", Static))
        if who == BOB:
            assert MASKED_TITLE in head and secret.title not in head
            assert MASKED_TEXT.split(":")[0] in body
            assert secret.description[:30] not in body
        else:
            assert secret.title in head and MASKED_TITLE not in head
            assert MASKED_TEXT.split(":")[0] not in body


# -- escalations -----------------------------------------------------------------------------


async def open_escalations(pilot: Pilot[Any]) -> EscalationsScreen:
    await settle(pilot)
    await pilot.press("E")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, EscalationsScreen)
    return screen


async def test_acknowledge_an_escalation_not_sent_to_bob(make_services: Make,
                                                          who: str) -> None:
    services = services_as(make_services, who)
    first = services.sla.list_escalations(viewer=lead(services))[0]
    assert first.status == "open" and BOB not in first.notified
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_escalations(pilot)
        current = screen.current()
        assert current is not None and current.id == first.id
        await pilot.press("k")
        await settle(pilot)
        after = stored(services, first)
        if who == BOB:
            refused(app, "You can acknowledge alerts only when they were sent to you")
            assert (after.status, after.acknowledged_by) == ("open", "")
        else:
            allowed(app)
            assert (after.status, after.acknowledged_by) == ("acknowledged", LEAD)


async def test_approve_an_l3(make_services: Make, who: str) -> None:
    services = services_as(make_services, who)
    pending = pending_l3(services)
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_escalations(pilot)
        current = screen.current()
        assert current is not None and current.id == pending.id
        await pilot.press("v")
        await settle(pilot)
        after = stored(services, pending)
        if who == BOB:
            refused(app, "Only command-center leads can approve L3/L4 escalations.")
            assert (after.status, after.approved_by) == ("pending_approval", "")
        else:
            allowed(app)
            assert (after.status, after.approved_by) == ("open", LEAD)


# -- known issues, backlog, decisions ----------------------------------------------------------


async def test_known_issue_status_workaround_link_and_create(make_services: Make,
                                                             who: str) -> None:
    services = services_as(make_services, who)
    issue_id = seeded_issue(services)
    ref = next(t.ref for t in services.tickets.list_tickets(viewer=lead(services),
                                                            open_only=True)
               if not t.known_issue and not t.confidential)
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await show(pilot, "K")
        await dialog(pilot, "s")
        await answer(pilot, "fix in test")
        note = await dialog(pilot, "W")
        note.query_one("#text").insert("Post the credit note from the invoice list")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is not note, "the workaround dialog closed")
        await answer(pilot, "")  # no review date
        await dialog(pilot, "l")
        await answer(pilot, ref)
        await dialog(pilot, "n")
        await answer(pilot, "Lot numbers lost on split pickings")
        issue = services.known_issues.show(known_issue_id=issue_id)
        titles = [k.title for k in services.known_issues.list_issues()]
        if who == BOB:
            refused(app, "Only command-center leads can manage known issues.",
                    "Only super-users can link tickets to known issues here.")
            assert (issue.status, issue.workaround) == ("investigating", "")
            assert services.known_issues.broadcasts(known_issue_id=issue_id) == []
            assert ref not in issue.ticket_refs and ticket(services, ref).known_issue == ""
            assert titles == [SEEDED]
        else:
            allowed(app)
            assert issue.workaround == "Post the credit note from the invoice list"
            assert issue.status == "fix_in_test"
            assert {b.change for b in services.known_issues.broadcasts(
                known_issue_id=issue_id)} == {"status:fix_in_test", "workaround"}
            assert ref in issue.ticket_refs
            assert sorted(titles) == sorted([SEEDED, "Lot numbers lost on split pickings"])


async def test_backlog_add_and_status(make_services: Make, who: str) -> None:
    services = services_as(make_services, who)
    item = services.backlog.add(type="fix", title="Keep the analytic account",
                                viewer=lead(services)).item
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await show(pilot, "B")
        await dialog(pilot, "s")
        await answer(pilot, "approved")
        await dialog(pilot, "n")
        await answer(pilot, "job aid")
        await answer(pilot, "Job aid: splitting a picking")
        titles = sorted(i.title for i in services.backlog.items())
        status = services.backlog.item(item_id=item.id).status
        if who == BOB:
            refused(app, "Only command-center leads can change the improvement backlog.")
            assert (status, titles) == ("proposed", ["Keep the analytic account"])
        else:
            allowed(app)
            assert status == "approved"
            assert titles == ["Job aid: splitting a picking", "Keep the analytic account"]


async def decide_outcome(pilot: Pilot[Any], outcome: str) -> None:
    assert isinstance(await dialog(pilot, "o"), TextScreen)  # no options: written
    await answer(pilot, outcome)
    await answer(pilot, "record it")


async def test_policy_decision_when_bob_is_not_its_owner(make_services: Make,
                                                         who: str) -> None:
    services = services_as(make_services, who)
    asked = services.decisions.create(question="Who approves credit notes?", owner="Finance",
                                      viewer=lead(services), due_date=date(2026, 11, 25))
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await show(pilot, "D")
        await decide_outcome(pilot, "The finance controller")
        decision = services.decisions.show(decision_id=asked.id)
        if who == BOB:
            refused(app, "Only the process owner (Finance) or a lead can decide this policy "
                         "question.")
            assert (decision.status, decision.outcome, decision.decided_by) == ("open", "", "")
        else:
            allowed(app)
            assert (decision.status, decision.decided_by) == ("decided", LEAD)


async def test_the_process_owner_decides_without_being_a_lead(make_services: Make) -> None:
    services = services_as(make_services, BOB, roles={"process_owners": {"Finance": [BOB]}})
    asked = services.decisions.create(question="Who approves credit notes?", owner="Finance",
                                      viewer=lead(services))
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await show(pilot, "D")
        await decide_outcome(pilot, "The finance controller")
        allowed(app)
    decision = services.decisions.show(decision_id=asked.id)
    assert (decision.status, decision.outcome, decision.decided_by) == \
        ("decided", "The finance controller", BOB)


# -- the stand-up ------------------------------------------------------------------------------


async def test_standup_start_record_and_end(make_services: Make, who: str) -> None:
    services = services_as(make_services, who)
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StandupScreen)
        await pilot.press("enter")
        await settle(pilot)
        if who == BOB:
            refused(app, "Only command-center leads can run the stand-up.")
            assert not screen.running and services.standup.minutes() == []
            # lea started it on the shared screen; bob's keys act on that stand-up now
            standup_id = services.standup.start(viewer=lead(services))
            screen._started(standup_id)
        assert screen.running and screen.standup_id is not None
        item = next(i for i in screen.items if i.kind == "ticket"
                    and ticket(services, i.ref).category != "defect")
        before = ticket(services, item.ref)
        screen.position = screen.items.index(item)
        screen.show_item()
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(await dialog(pilot, "e"), ChoiceScreen)
        await answer(pilot, "yes")
        after = ticket(services, item.ref)
        [held] = services.standup.minutes()
        if who == BOB:
            refused(app, "Only command-center leads can run the stand-up.")
            assert (after.category, after.category_source) == \
                (before.category, before.category_source)
            assert held.id == standup_id and held.ended_at is None and held.minutes == ""
            assert screen.decided == {} and screen.ended is None
        else:
            allowed(app)
            assert after.category == "defect"
            assert held.ended_at is not None and item.ref in held.minutes
            assert screen.ended is not None


# -- "also affected" and held replies -----------------------------------------------------------


@pytest.fixture
def held_reply(make_services: Make, who: str) -> Iterator[tuple[Services, str, int]]:
    """A report sam raised from Slack, and bob's reply in its thread: bob may not write to
    Odoo, so the reply is held for a lead (and bob counts as also affected)."""
    services = services_as(make_services, who)
    raised = services.raising.raise_issue(
        request=RaiseRequest(title="Credit notes cannot be posted (access test)",
                             what_happened="Posting a credit note fails with a lock error.",
                             app="Invoicing", impact="blocked", urgency="today"),
        idempotency_key=f"access-test:{who}", viewer=viewer(services, "sam"),
        channel="C0ACCESS", thread_ts="1700000000.000100")
    assert raised.state == "created" and raised.odoo_ref
    outcome = services.threads.note_from_thread(
        channel="C0ACCESS", thread_ts="1700000000.000100", event_id=f"Ev-access-{who}",
        viewer=viewer(services, BOB), text=HOSTILE_REPLY)
    assert outcome.state == "held"
    yield services, raised.odoo_ref, raised.id


def odoo_notes(services: Services, ref: str) -> list[str]:
    return [m.body for m in services.tickets.fetch_chatter(ref=ref, viewer=lead(services))
            if "invoice 4711" in m.body]


async def test_a_held_reply_is_sent_by_a_lead_only(held_reply: tuple[Services, str, int],
                                                   who: str) -> None:
    services, ref, _ = held_reply
    app = make_app(services)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_ticket(pilot, ref)
        assert isinstance(screen, TicketScreen)
        body = plain(screen.query_one("#ticket-body", Static))
        held = screen.query_one("#ticket-held", Static)
        if who == BOB:
            assert "Also affected: 1 person\n" in body  # no names: they are for leads
            assert not held.display and screen.held is None
        else:
            assert "Also affected: 1 person (bob)" in body
            shown = plain(held)
            assert held.display and "Held replies: 1 waiting for a lead" in shown
            assert HOSTILE_REPLY in shown  # literally: markup as text
        await pilot.press("s")
        await settle(pilot)
        if who == BOB:
            refused(app, "Only command-center leads can send held replies to Odoo.")
        else:
            choice = app.screen
            assert isinstance(choice, ChoiceScreen)
            assert [label for label, _ in choice.choices] == [f"bob: {HOSTILE_REPLY}"]
            await answer(pilot, "")
            allowed(app)
            assert not screen.query_one("#ticket-held", Static).display  # none left
    left = services.affected.held(viewer=lead(services), ref=ref)
    sent = odoo_notes(services, ref)
    if who == BOB:
        assert [r.text for r in left] == [HOSTILE_REPLY] and sent == []
    else:
        assert left == [] and len(sent) == 1 and "sent by lea" in sent[0]


async def test_a_held_reply_dismissed_stays_out_of_odoo(
        held_reply: tuple[Services, str, int], who: str) -> None:
    services, ref, _ = held_reply
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_ticket(pilot, ref)
        await pilot.press("x")
        await settle(pilot)
        if who == BOB:
            refused(app, "Only command-center leads can send held replies to Odoo.")
        else:
            assert isinstance(app.screen, ChoiceScreen)
            await answer(pilot, "")
            allowed(app)
    left = services.affected.held(viewer=lead(services), ref=ref)
    assert odoo_notes(services, ref) == []
    assert len(left) == (1 if who == BOB else 0)
    detail = services.tickets.show_ticket(ref=ref, viewer=lead(services))
    assert detail.also_affected == 1  # dismissed, still counted


@pytest.mark.parametrize("who", [LEAD])
async def test_held_reply_text_is_shown_as_data(held_reply: tuple[Services, str, int]) -> None:
    """A reply kept with raw control characters (not cleaned where it entered) and markup
    shows literally, controls removed, on the ticket and in the picker (a lead's view)."""
    services, ref, raised_id = held_reply
    services.affected.hold(raised_id=raised_id, viewer=viewer(services, "U0RAW"),
                           text=f"{CONTROLS} {MARKUP}", event_key="thread:Ev-raw")
    app = make_app(services)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_ticket(pilot, ref)
        shown = plain(screen.query_one("#ticket-held", Static))
        assert "Held replies: 2 waiting for a lead" in shown
        assert not raw_controls(shown)
        assert MARKUP in shown and "Invoice[31m red bell" in shown
        await pilot.press("s")
        await settle(pilot)
        choice = app.screen
        assert isinstance(choice, ChoiceScreen)
        options = choice.query_one(OptionList)
        labels = [str(getattr(prompt, "plain", prompt)) for prompt in
                  (options.get_option_at_index(i).prompt for i in range(options.option_count))]
        assert len(labels) == 2 and all(MARKUP in label for label in labels)
        assert not any(raw_controls(label) for label in labels)
        allowed(app)


# -- a Slack user group as the leads ---------------------------------------------------------


@pytest.fixture
def slack() -> Iterator[MockSlack]:
    with MockSlack(token=BOT_TOKEN, users={"U0LEAD": "lena.lead@acme.example",
                                           "U0OTHER": "otto.other@acme.example"}) as mock:
        mock.workspace.groups["S0LEADS"] = ["U0LEAD"]
        yield mock


@pytest.mark.parametrize(("user", "is_lead"), [("U0LEAD", True), ("U0OTHER", False)])
async def test_a_slack_user_group_of_leads(make_services: Make, slack: MockSlack, user: str,
                                           is_lead: bool) -> None:
    services = make_services(roles={"leads": ["S0LEADS"]},
                             tui={"user": user, "refresh_seconds": 300},
                             slack={"bot_token": BOT_TOKEN, "api_url": slack.url})
    ref = an_open_ticket(services, category="defect")
    before = services.tickets.show_ticket(ref=ref, viewer=viewer(services, "U0LEAD")).ticket
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_ticket(pilot, ref)
        assert app.context.viewer.id == user and app.context.viewer.lead is is_lead
        name = "Lena.Lead" if is_lead else "Otto.Other"
        assert app.context.viewer.name == name  # from Slack's profile
        assert name in plain(app.screen.query_one("#topbar", Static))
        await pilot.press("d")
        await settle(pilot)
        if is_lead:
            allowed(app)
        else:
            refused(app, "Only command-center leads can classify tickets.")
    after = services.tickets.show_ticket(ref=ref, viewer=viewer(services, "U0LEAD")).ticket
    asked = {c.payload.get("usergroup") for c in slack.calls("usergroups.users.list")}
    assert asked == {"S0LEADS"}  # Slack said who belongs to the group
    if is_lead:
        assert after.category == "defect"
    else:
        assert (after.category, after.category_source) == \
            (before.category, before.category_source)


def test_the_held_reply_keys_are_in_the_help() -> None:
    keys = {(b.key, b.description) for title, bindings in help_sections()
            if title == "Ticket detail" for b in bindings}
    assert ("s", "Send a held reply to Odoo") in keys
    assert ("x", "Dismiss a held reply") in keys
