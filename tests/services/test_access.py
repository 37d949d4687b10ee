"""The one access authority through the real services (``hypercare.services.access``): who a
viewer is (names, Slack user groups, roles), every rule of ``RULES`` refused for the wrong
person with the store left as it was, confidential tickets masked, companies kept apart, and
thread replies from people who may not raise held for a lead."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select as select_rows
from sqlmodel import SQLModel, col, select

from hypercare.config import (
    EscalationLevel,
    EscalationSettings,
    OdooSettings,
    RolesSettings,
    Settings,
    TriageSettings,
)
from hypercare.errors import AccessDeniedError, HypercareError, TicketNotFoundError, UsageError
from hypercare.odoo.sim import OdooSimulator
from hypercare.services import (
    MASKED_TEXT,
    MASKED_TITLE,
    RULES,
    RaiseRequest,
    ServiceContext,
    Services,
    Viewer,
)
from hypercare.services.access import GROUP_TTL_SECONDS, Access
from hypercare.services.intake.threads import HELD_MESSAGE
from hypercare.services.kpi.digest import digest_payload
from hypercare.store.tables import (
    AffectedSignal,
    OutboxMessage,
    RaisedIssue,
    SlackPost,
    TicketEvent,
    WritebackTask,
)
from tests.services.conftest import NOW, seed_world
from tests.support import Clock, ServicesFactory, viewer
from tests.sync.conftest import client_for, make_sim, odoo_settings

# -- the people --------------------------------------------------------------------------------

LEA = "lea"
"""A lead by TUI name."""
SAM = "sam"
"""A super-user by TUI name, no lead."""
TOM = "tom"
"""Nobody: no role at all."""
SUPER = "U0SUPER"
"""A super-user by Slack id; the L1 contact; the reporter of the raised report."""
ANNA, BOB = "U0ANNA", "U0BOB"
"""Slack users without a role (they may not raise: ``roles.super_users`` is set)."""
JANE = "U0JANE"
"""The confidential ticket's reporter (its partner e-mail is her Slack profile's)."""
BELGIUM = "U0BE"
"""Sees Acme BE only."""
FINANCE = "U0FIN"
"""Owns the invoicing process."""
GROUPS = {"S0LEADS": frozenset({"U0GROUPLEAD"}), "S0SUPERS": frozenset({"U0MEMBER"}),
          "S0US": frozenset({"U0USA"}), "S0FIN": frozenset({"U0CLERK"})}
PEOPLE = {ANNA: ("Anna Peeters", "anna@acme.example"),
          BOB: ("Bob Martens", "bob@acme.example"),
          JANE: ("Jane Doe", "jane@example.com")}
ROLES = RolesSettings(leads=[LEA, "U0LEAD", "S0LEADS"], super_users=[SAM, SUPER, "S0SUPERS"],
                      companies={BELGIUM: ["Acme BE"]}, process_owners={"invoicing": [FINANCE]})
LEVELS = [EscalationLevel(level=1, name="super-user", contacts=[SUPER]),
          EscalationLevel(level=2, name="functional lead", contacts=["U0FUNC"]),
          EscalationLevel(level=3, name="partner", contacts=["U0PARTNER"]),
          EscalationLevel(level=4, name="sponsor", contacts=["U0SPONSOR"])]
PAYSLIP = "Payslip of Jane Doe"
"""The confidential ticket HT00005's title starts so."""
SALARY = "net salary is 4,200 instead of 3,900"
"""A message in its chatter."""


class Slack:
    """What Slack tells the access authority (the seam the bot's client fills): user-group
    members and people's names and e-mails. ``down`` makes every question fail; ``asked``
    lists the groups it was asked about."""

    def __init__(self, groups: dict[str, frozenset[str]] | None = None,
                 people: dict[str, tuple[str, str]] | None = None) -> None:
        self.groups = dict(GROUPS if groups is None else groups)
        self.people = dict(PEOPLE if people is None else people)
        self.asked: list[str] = []
        self.down = False

    def members(self, group: str) -> frozenset[str]:
        self.asked.append(group)
        if self.down:
            raise HypercareError("Slack did not answer usergroups.users.list")
        return self.groups.get(group, frozenset())

    def person(self, user: str) -> tuple[str, str]:
        if self.down or user not in self.people:
            raise HypercareError(f"Slack has no profile for {user}")
        return self.people[user]


# -- who a viewer is ---------------------------------------------------------------------------

Authority = Callable[..., Services]


@pytest.fixture
def authority(tmp_path: Path) -> Iterator[Authority]:
    """``authority(slack, **roles)``: services whose ServiceContext reads Slack through
    ``slack`` (None: no Slack), with ``[roles]`` from ``roles``."""
    made: list[Services] = []

    def build(slack: Slack | None = None, **roles: Any) -> Services:
        settings = Settings(database_url=f"sqlite:///{tmp_path / 'roles.db'}",
                            roles=RolesSettings.model_validate(roles))
        services = Services(ServiceContext(settings=settings, directory=slack))
        made.append(services)
        return services

    yield build
    for services in made:
        services.close()


def test_leads_by_name_id_and_slack_user_group(authority: Authority) -> None:
    services = authority(Slack(), leads=[LEA, "U0LEAD", "S0LEADS"], super_users=[SUPER])
    for who in (LEA, "U0LEAD", "U0GROUPLEAD"):
        lead = viewer(services, who)
        assert (lead.lead, lead.super_user, lead.may_raise) == (True, True, True), who
    assert viewer(services, "U0GROUPLEAD").groups == {"S0LEADS"}
    for who in (SAM, "U0OTHER"):
        assert not viewer(services, who).lead, who
    assert not services.context.access.everyone_leads


def test_without_roles_leads_everyone_is_a_lead(authority: Authority) -> None:
    services = authority(Slack())
    anyone = viewer(services, "U0ANYONE")
    assert (anyone.lead, anyone.super_user, anyone.may_raise) == (True, True, True)
    assert anyone.companies is None and anyone.sees_company("Acme US")
    assert services.context.access.everyone_leads
    assert services.context.access.allows(anyone, "approve")


def test_super_users_and_who_may_raise(authority: Authority) -> None:
    roles: dict[str, Any] = {"leads": [LEA], "super_users": [SAM, SUPER, "S0SUPERS"]}
    services = authority(Slack(), **roles)
    assert services.context.settings.roles.raising == "super_users"  # the default, then
    expected = {SAM: True, SUPER: True, "U0MEMBER": True, LEA: True, ANNA: False, TOM: False}
    assert {who: (viewer(services, who).super_user, viewer(services, who).may_raise)
            for who in expected} == {who: (yes, yes) for who, yes in expected.items()}

    everyone = authority(Slack(), **roles, **{"raise": "everyone"})
    anna = viewer(everyone, ANNA)
    assert (anna.super_user, anna.may_raise) == (False, True)
    assert not everyone.context.access.allows(anna, "link")  # still no super-user

    nobody_listed = authority(Slack(), leads=[LEA])
    assert nobody_listed.context.settings.roles.raising == "everyone"
    anna = viewer(nobody_listed, ANNA)
    assert (anna.lead, anna.super_user, anna.may_raise) == (False, True, True)


def test_companies_unset_means_all(authority: Authority) -> None:
    services = authority(Slack(), leads=[LEA],
                         companies={BELGIUM: ["Acme BE"], "S0US": ["Acme US"],
                                    "U0USA": ["Acme NL"], SAM: ["Acme BE"]})
    belgium = viewer(services, BELGIUM)
    assert belgium.companies == frozenset({"Acme BE"})
    assert belgium.sees_company("Acme BE") and not belgium.sees_company("Acme US")
    assert viewer(services, "U0USA").companies == frozenset({"Acme US", "Acme NL"})
    assert viewer(services, SAM).companies == frozenset({"Acme BE"})  # a TUI name
    lea = viewer(services, LEA)
    assert lea.companies is None and lea.sees_company("Acme US")


def test_process_owners_by_id_and_user_group(authority: Authority) -> None:
    services = authority(Slack(), leads=[LEA],
                         process_owners={"invoicing": [FINANCE, "S0FIN"], "stock": [FINANCE]})
    assert viewer(services, FINANCE).processes == {"invoicing", "stock"}
    assert viewer(services, "U0CLERK").processes == {"invoicing"}
    assert viewer(services, TOM).processes == frozenset()


def test_slack_users_are_named_from_their_profile(authority: Authority) -> None:
    services = authority(Slack(), leads=[LEA])
    anna = viewer(services, ANNA)
    assert (anna.id, anna.name, anna.email) == (ANNA, "Anna Peeters", "anna@acme.example")
    assert viewer(services, ANNA, email="anna@other.example").email == "anna@other.example"
    assert (viewer(services, "U0GHOST").name, viewer(services, "U0GHOST").email) == (
        "U0GHOST", "")  # no profile: named by the id
    assert viewer(services, TOM).name == TOM  # a TUI name is no Slack user
    assert viewer(authority(None, leads=[LEA]), ANNA).name == ANNA  # no Slack configured


def test_a_failing_directory_makes_group_members_unknown(authority: Authority) -> None:
    slack = Slack()
    slack.down = True
    services = authority(slack, leads=[LEA, "S0LEADS"], super_users=["S0SUPERS"])
    member = viewer(services, "U0GROUPLEAD")  # no crash
    assert (member.lead, member.super_user, member.groups) == (False, False, frozenset())
    assert member.name == "U0GROUPLEAD"
    assert viewer(services, LEA).lead  # named leads do not need Slack
    slack.down = False
    assert viewer(services, "U0GROUPLEAD").lead  # the failure was not remembered


def test_group_members_are_kept_five_minutes_and_survive_a_later_failure(
        authority: Authority) -> None:
    slack = Slack()
    services = authority(slack, leads=["S0LEADS"])
    assert viewer(services, "U0GROUPLEAD").lead
    slack.down = True
    assert viewer(services, "U0GROUPLEAD").lead
    assert slack.asked.count("S0LEADS") == 1  # the second answer came from the cache

    now = [0.0]  # the same authority on a clock the test moves
    slack = Slack()
    access = Access(services.context.settings.roles, slack, clock=lambda: now[0])
    assert access.viewer("U0GROUPLEAD").lead
    slack.groups["S0LEADS"] = frozenset({"U0NEWLEAD"})
    now[0] = GROUP_TTL_SECONDS - 1
    assert access.viewer("U0GROUPLEAD").lead and not access.viewer("U0NEWLEAD").lead
    now[0] = GROUP_TTL_SECONDS + 1  # stale: asked again
    assert access.viewer("U0NEWLEAD").lead and not access.viewer("U0GROUPLEAD").lead
    slack.down = True
    now[0] = 3 * GROUP_TTL_SECONDS  # stale, and Slack fails: the last answer stands
    assert access.viewer("U0NEWLEAD").lead
    assert slack.asked.count("S0LEADS") == 3


# -- the world the services run on (SQLite and PostgreSQL) -------------------------------------

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def services(request: pytest.FixtureRequest, tmp_path: Path, model_dir: Path,
             clock: Clock) -> Iterator[Services]:
    """The seeded world (``tests/services/conftest.py``) with ROLES, Slack as ``Slack()``,
    the escalation matrix LEVELS and ``odoo.write_mode = "full"`` (no Odoo: writes queue)."""
    url = (f"sqlite:///{tmp_path / 'access.db'}" if request.param == "sqlite"
           else request.getfixturevalue("pg_url"))
    settings = Settings(database_url=url, timezone="Europe/Brussels",
                        triage=TriageSettings(model_dir=model_dir), roles=ROLES,
                        odoo=OdooSettings(write_mode="full"),
                        escalation=EscalationSettings(levels=LEVELS, quiet_hours=None))
    with ServicesFactory(clock=clock) as build:
        built = build(settings)
        built.context.use_directory(Slack())
        if request.param == "postgres":
            built.system.upgrade_db()
        seed_world(built)
        yield built


def store(services: Services) -> dict[str, list[str]]:
    """Every row of every table, as text: what a refused call must leave as it was."""
    with services.context.store().session() as session:
        return {table.name: sorted(repr(tuple(row)) for row in session.execute(select_rows(table)))
                for table in SQLModel.metadata.sorted_tables}


def report(services: Services, *, odoo_id: int | None = 1, state: str = "created",
           reporter: str = SUPER) -> int:
    """A report raised from Slack, followed in the thread (C0RAISE, 1700000000.100)."""
    with services.context.store().session() as session:
        row = RaisedIssue(idempotency_key=f"raise:{reporter}:{odoo_id}", state=state,
                          request={"title": "Invoices fail"}, odoo_id=odoo_id,
                          reporter=reporter, channel="C0RAISE", thread_ts="1700000000.100",
                          created_at=NOW, updated_at=NOW)
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


def reply(services: Services, who: str, text: str, event_id: str) -> str:
    """A reply by ``who`` in the report's thread; returns what became of it."""
    return services.threads.note_from_thread(
        channel="C0RAISE", thread_ts="1700000000.100", event_id=event_id,
        viewer=viewer(services, who), text=text).state


def notes(services: Services) -> list[WritebackTask]:
    """The internal notes queued for Odoo."""
    with services.context.store().session() as session:
        return list(session.exec(select(WritebackTask)
                                 .where(WritebackTask.operation == "post_note")
                                 .order_by(col(WritebackTask.id))))


def signals(services: Services) -> dict[str, int]:
    """The held replies' ids by who replied."""
    with services.context.store().session() as session:
        return {row.who: int(row.id or 0) for row in session.exec(select(AffectedSignal))}


# -- each rule: the right person may, the wrong one changes nothing ---------------------------

def held_signal(services: Services) -> int:
    report(services)
    assert reply(services, ANNA, "Same here", "Ev-held") == "held"
    return signals(services)[ANNA]


def escalated(services: Services, ref: str) -> int:
    return services.sla.escalate(ref=ref, viewer=viewer(services, LEA)).id


def tracked_alert(services: Services) -> tuple[str, str]:
    """An alert delivered to SUPER's Slack DM (channel, ts)."""
    with services.context.store().session() as session:
        message = OutboxMessage(kind="escalation", idempotency_key="esc:1", recipients=[SUPER],
                                payload={"escalation_id": 1}, state="sent", created_at=NOW)
        session.add(message)
        session.flush()
        session.add(SlackPost(subject="escalation:1", recipient=SUPER, outbox_id=message.id,
                              channel="D0SUPER", ts="1700000000.200", updated_at=NOW))
    return "D0SUPER", "1700000000.200"


def raise_request() -> RaiseRequest:
    return RaiseRequest(title="Cannot post invoices", what_happened="An error on Confirm.",
                        app="Accounting", reporter_email="sam@acme.example")


@dataclass(frozen=True)
class Case:
    """One guarded call: who may make it, who may not, and the call."""

    right: str
    wrong: str
    act: Callable[[Services, Viewer, Any], object]
    setup: Callable[[Services], Any] = lambda services: None


CASES: dict[str, Case] = {
    "raise": Case(SAM, ANNA, lambda s, v, _: s.raising.raise_issue(
        request=raise_request(), idempotency_key=f"view:{v.id}", viewer=v)),
    "note": Case(SAM, TOM, lambda s, v, _: s.tickets.add_note(
        ref="HT00001", body="Called the customer", viewer=v)),
    "link": Case(SAM, TOM, lambda s, v, issue: s.known_issues.link(
        known_issue_id=issue, ref="HT00002", viewer=v),
        lambda s: s.known_issues.create(title="VAT", viewer=viewer(s, LEA)).id),
    "classify": Case(LEA, SAM, lambda s, v, _: s.triage.decide(
        ref="HT00004", viewer=v, category="defect")),
    "severity": Case(LEA, SAM, lambda s, v, _: s.triage.decide(
        ref="HT00004", viewer=v, severity=1)),
    "escalate": Case(LEA, SAM, lambda s, v, _: s.sla.escalate(ref="HT00002", viewer=v)),
    "approve": Case(LEA, SAM, lambda s, v, pending: s.sla.approve(
        escalation_id=pending, viewer=v), lambda s: escalated(s, "HT00001")),
    "decide": Case(LEA, SAM, lambda s, v, decision: s.triage.undo_decision(
        decision_id=decision, viewer=v, within=timedelta(minutes=1)),
        lambda s: s.triage.decide(ref="HT00004", viewer=viewer(s, LEA),
                                  category="defect").decision_id),
    "assign": Case(LEA, SAM, lambda s, v, _: s.tickets.assign(
        ref="HT00003", user_odoo_id=8, viewer=v)),
    "known_issue": Case(LEA, SAM, lambda s, v, _: s.known_issues.create(
        title="VAT rounding", viewer=v)),
    "backlog": Case(LEA, SAM, lambda s, v, _: s.backlog.add(
        type="fix", title="Fix the VAT rounding", viewer=v)),
    "standup": Case(LEA, SAM, lambda s, v, _: s.standup.start(viewer=v)),
    "exit": Case(LEA, SAM, lambda s, v, _: s.kpis.record_exit(key="first_payroll", viewer=v)),
    "held_reply": Case(LEA, SAM, lambda s, v, signal: s.affected.send(
        signal_id=signal, viewer=v), held_signal),
    "acknowledge": Case(SUPER, SAM, lambda s, v, alert: s.sla.acknowledge(
        escalation_id=alert, viewer=v), lambda s: escalated(s, "HT00002")),
    "claim": Case(SUPER, SAM, lambda s, v, alert: s.sla.claim(
        escalation_id=alert, viewer=v), lambda s: escalated(s, "HT00002")),
    "snooze": Case(SUPER, SAM, lambda s, v, post: s.delivery.snooze(
        channel=post[0], ts=post[1], viewer=v), tracked_alert),
    "ask_policy": Case(LEA, SAM, lambda s, v, _: s.decisions.create(
        question="Who approves credit notes?", owner="invoicing", viewer=v)),
    "policy": Case(FINANCE, SAM, lambda s, v, question: s.decisions.decide(
        decision_id=question, outcome="The controller", viewer=v),
        lambda s: s.decisions.create(question="Who approves credit notes?", owner="invoicing",
                                     viewer=viewer(s, LEA)).id),
    "resolve": Case(SUPER, SAM, lambda s, v, raised: s.threads.resolve(
        raised_id=raised, viewer=v), lambda s: report(s, odoo_id=None, state="kept")),
}


def test_every_rule_has_a_case() -> None:
    assert set(CASES) == set(RULES)


@pytest.mark.parametrize("action", sorted(CASES))
def test_the_wrong_person_is_refused_and_nothing_changes(services: Services,
                                                         action: str) -> None:
    case = CASES[action]
    context = case.setup(services)
    wrong, right = viewer(services, case.wrong), viewer(services, case.right)
    assert not services.context.access.allows(wrong, action, recipients=[SUPER],
                                              owner="invoicing", reporter=SUPER)
    before = store(services)
    with pytest.raises(AccessDeniedError) as refused:
        case.act(services, wrong, context)
    assert refused.value.exit_code == 3 and refused.value.hint
    assert refused.value.message.startswith(("Only ", "You can "))
    assert store(services) == before

    case.act(services, right, context)
    assert store(services) != before  # the right person's call does write


# -- confidential tickets ----------------------------------------------------------------------

def test_a_confidential_ticket_is_masked_for_others(services: Services) -> None:
    with services.context.store().session() as session:
        session.add(TicketEvent(ticket_odoo_id=5, source_key="msg:1", kind="customer_message",
                                at=NOW - timedelta(hours=1), actor="Jane Doe",
                                body=f"My {SALARY}."))
    escalated(services, "HT00005")
    for who in (TOM, ANNA, SAM):
        other = viewer(services, who)
        row = {r.ref: r for r in services.queue.load_rows(viewer=other)}["HT00005"]
        ticket = {t.ref: t for t in services.tickets.list_tickets(viewer=other)}["HT00005"]
        detail = services.tickets.show_ticket(ref="HT00005", viewer=other)
        assert row.title == ticket.title == detail.ticket.title == MASKED_TITLE
        assert ticket.description == detail.ticket.description == MASKED_TEXT
        assert ticket.masked and detail.ticket.masked and ticket.confidential
        assert [e.body for e in detail.events if e.body] == [MASKED_TEXT]
        views = [*services.sla.list_escalations(viewer=other),
                 *services.sla.escalations_for(ref="HT00005", viewer=other),
                 *services.sla.awaiting_acknowledgement(viewer=other)]
        assert {e.title for e in views if e.ref == "HT00005"} == {MASKED_TITLE}
        home = services.home.home(viewer=other)
        seen = repr((row, ticket, detail, views, home))
        assert PAYSLIP not in seen and SALARY not in seen, who


def test_leads_and_its_reporter_see_a_confidential_ticket(services: Services) -> None:
    with services.context.store().session() as session:
        session.add(TicketEvent(ticket_odoo_id=5, source_key="msg:1", kind="customer_message",
                                at=NOW - timedelta(hours=1), actor="Jane Doe",
                                body=f"My {SALARY}."))
    escalated(services, "HT00005")
    lead, reporter = viewer(services, LEA), viewer(services, JANE)
    assert reporter.email == "jane@example.com" and not reporter.lead
    by_email = viewer(services, TOM, email="Jane@Example.com")  # the TUI, told her e-mail
    for who in (lead, reporter, by_email):
        row = {r.ref: r for r in services.queue.load_rows(viewer=who)}["HT00005"]
        ticket = {t.ref: t for t in services.tickets.list_tickets(viewer=who)}["HT00005"]
        detail = services.tickets.show_ticket(ref="HT00005", viewer=who)
        assert row.title.startswith(PAYSLIP) and ticket.title.startswith(PAYSLIP)
        assert detail.ticket.description.endswith("Please help.") and not detail.ticket.masked
        assert [e.body for e in detail.events if e.body] == [f"My {SALARY}."]
        titles = {e.title for e in services.sla.list_escalations(viewer=who)
                  if e.ref == "HT00005"}
        assert len(titles) == 1 and titles.pop().startswith(PAYSLIP)
    home = services.home.home(viewer=lead)
    assert {e.title for e in home.pending_acks if e.ref == "HT00005"} == {
        next(t.title for t in services.tickets.list_tickets(viewer=lead) if t.odoo_id == 5)}


def test_packs_digests_and_minutes_always_mask(services: Services) -> None:
    lea = viewer(services, LEA)
    escalated(services, "HT00005")
    digest = services.digest.build()
    item = next(i for i in digest.top if i.ref == "HT00005")
    assert (item.title, item.confidential) == (MASKED_TITLE, True)
    assert PAYSLIP not in json.dumps(digest_payload(digest))
    weekly, handover = services.packs.weekly(), services.packs.handover()
    assert weekly.confidential_count >= 1 and handover.confidential_count >= 1
    assert PAYSLIP not in repr(weekly) and PAYSLIP not in repr(handover)
    assert MASKED_TITLE in repr(handover)  # its open-tickets row, masked
    agenda = services.standup.agenda()
    assert {i.title for i in agenda.items() if i.ref == "HT00005"} == {MASKED_TITLE}
    standup = services.standup.start(viewer=lea)
    services.standup.record(standup_id=standup, item_ref="HT00005", viewer=lea, severity=1)
    minutes = services.standup.end(standup_id=standup, viewer=lea).minutes
    assert f"HT00005 {MASKED_TITLE}" in minutes and PAYSLIP not in minutes


# -- companies ---------------------------------------------------------------------------------

def test_a_viewer_limited_to_a_company_sees_only_its_tickets(services: Services) -> None:
    escalated(services, "HT00002")  # Acme US; HT00001 (Acme BE) is escalated already
    belgium, lea = viewer(services, BELGIUM), viewer(services, LEA)
    mine = {"HT00001", "HT00003", "HT00005", "HT00007"}
    assert {r.ref for r in services.queue.load_rows(viewer=belgium)} == mine
    assert {t.ref for t in services.tickets.list_tickets(viewer=belgium)} == mine
    assert {e.ref for e in services.sla.list_escalations(viewer=belgium)} == {"HT00001"}
    assert {e.ref for e in services.sla.awaiting_acknowledgement(viewer=belgium)} == {
        "HT00001"}
    assert {e.ref for e in services.sla.list_escalations(viewer=lea)} == {"HT00001",
                                                                          "HT00002"}
    assert len(services.tickets.list_tickets(viewer=lea)) == 8
    assert services.tickets.show_ticket(ref="HT00001", viewer=belgium).ticket.ref == "HT00001"
    with pytest.raises(TicketNotFoundError):
        services.tickets.show_ticket(ref="HT00002", viewer=belgium)
    with pytest.raises(TicketNotFoundError):
        services.sla.escalations_for(ref="HT00002", viewer=belgium)


# -- replies from people who may not raise ------------------------------------------------------

def test_a_reply_from_someone_who_may_not_raise_is_held_for_a_lead(services: Services) -> None:
    lea, tom = viewer(services, LEA), viewer(services, TOM)
    report(services)
    outcome = services.threads.note_from_thread(
        channel="C0RAISE", thread_ts="1700000000.100", event_id="Ev01",
        viewer=viewer(services, ANNA), text="  Same here: our invoices fail too ")
    assert (outcome.state, outcome.message) == ("held", HELD_MESSAGE)
    assert reply(services, BOB, "Also blocked in Ghent", "Ev02") == "held"
    assert reply(services, ANNA, "Same here: our invoices fail too", "Ev01") == "duplicate"
    assert notes(services) == []  # nothing queued for Odoo

    detail = services.tickets.show_ticket(ref="HT00001", viewer=lea)
    assert (detail.also_affected, detail.also_affected_names) == (
        2, ("Anna Peeters", "Bob Martens"))
    detail = services.tickets.show_ticket(ref="HT00001", viewer=tom)
    assert (detail.also_affected, detail.also_affected_names) == (2, ())
    held = services.affected.held(viewer=lea)
    assert [(h.ref, h.who, h.who_name, h.text, h.state) for h in held] == [
        ("HT00001", ANNA, "Anna Peeters", "Same here: our invoices fail too", "held"),
        ("HT00001", BOB, "Bob Martens", "Also blocked in Ghent", "held")]
    assert services.affected.held(viewer=lea, ref="HT00001") == held
    assert services.affected.held(viewer=lea, ref="HT00002") == []

    anna, bob = signals(services)[ANNA], signals(services)[BOB]
    before = store(services)
    for refused in (lambda: services.affected.held(viewer=tom),
                    lambda: services.affected.send(signal_id=anna, viewer=tom),
                    lambda: services.affected.dismiss(signal_id=bob, viewer=tom)):
        with pytest.raises(AccessDeniedError, match="Only command-center leads"):
            refused()
    assert store(services) == before

    sent = services.affected.send(signal_id=anna, viewer=lea)
    assert (sent.id, sent.state) == (anna, "sent")
    [note] = notes(services)
    assert (note.ticket_odoo_id, note.idempotency_key) == (1, f"affected:{anna}")
    assert note.payload["text"] == ("[hypercare] Anna Peeters in Slack (also affected; sent by "
                                    "lea): Same here: our invoices fail too")
    with pytest.raises(UsageError, match="already sent by lea"):
        services.affected.send(signal_id=anna, viewer=lea)
    assert len(notes(services)) == 1

    assert services.affected.dismiss(signal_id=bob, viewer=lea).state == "dismissed"
    with pytest.raises(UsageError, match="already dismissed"):
        services.affected.send(signal_id=bob, viewer=lea)
    assert len(notes(services)) == 1 and services.affected.held(viewer=lea) == []
    assert services.tickets.show_ticket(ref="HT00001", viewer=lea).also_affected == 2

    assert reply(services, SUPER, "Workaround: post from the list", "Ev03") == "queued"
    assert [n.payload["text"] for n in notes(services)][1:] == [
        f"[hypercare] {SUPER} in Slack: Workaround: post from the list"]


def test_a_held_reply_reaches_odoo_only_when_a_lead_sends_it(tmp_path: Path,
                                                            model_dir: Path) -> None:
    sim: OdooSimulator = make_sim(flavor="enterprise", version="19.0", tickets=15)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'odoo.db'}",
                        triage=TriageSettings(model_dir=model_dir), roles=ROLES,
                        odoo=odoo_settings(sim, protocol="json2"))
    try:
        with ServicesFactory(clock=sim.now) as build:
            services = build(settings)
            services.context.use_directory(Slack())
            services.sync.run_sync()
            lea = viewer(services, LEA)
            ticket = services.tickets.list_tickets(viewer=lea)[0]
            report(services, odoo_id=ticket.odoo_id)
            assert reply(services, ANNA, "Same here in Antwerp", "Ev01") == "held"
            assert reply(services, BOB, "Bob was here", "Ev02") == "held"

            def chatter() -> list[str]:
                client = client_for(sim, protocol="json2")
                try:
                    rows = client.search_read(
                        "mail.message", [("model", "=", "helpdesk.ticket"),
                                         ("res_id", "=", ticket.odoo_id)], ["body"])
                finally:
                    client.close()
                return [str(r["body"]) for r in rows]

            assert not [b for b in chatter() if "Antwerp" in b or "Bob was here" in b]
            services.affected.dismiss(signal_id=signals(services)[BOB], viewer=lea)
            services.affected.send(signal_id=signals(services)[ANNA], viewer=lea)
            services.writeback.deliver()
            assert sum("Anna Peeters in Slack (also affected; sent by lea): Same here in "
                       "Antwerp" in b for b in chatter()) == 1
            assert not [b for b in chatter() if "Bob was here" in b]
            shown = services.tickets.fetch_chatter(ref=ticket.ref, viewer=lea)
            assert sum("Same here in Antwerp" in m.body for m in shown) == 1
    finally:
        sim.stop()
