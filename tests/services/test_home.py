"""The Slack App Home over a store synced from the Odoo simulator: a reporter's raised reports,
their company's open known issues, the headline tiles, and what only a lead sees.

The simulated world (and the services on copies of its store) is shared with ``test_digest``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hypercare.config import Settings
from hypercare.odoo.sim import OdooSimulator
from hypercare.services import RaisedView, RaiseRequest, Services
from tests.support import Clock, ServicesFactory, viewer, watching
from tests.sync.conftest import client_for, make_sim, odoo_settings

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # a Friday afternoon, days after go-live
LEAD = "lea"
PAYROLL_TITLE = "Payroll: payslip of employee 4711 shows the wrong salary"
REPORTER = "U0REPORTER"
GROUP_LEAD = "U0GROUPLEAD"
"""A lead through a Slack user group: not listed in roles.leads by id."""
LEADS_GROUP = "S0LEADS"
"""The Slack user group GROUP_LEAD belongs to."""
STANDUPS = [{"name": "all"}, {"name": "be-finance", "company": "Acme Industries BE",
                              "team": "Finance & Accounting", "time": "09:30",
                              "timezone": "America/Chicago", "channel": "C0FIN"}]


@dataclass
class World:
    """A simulator and the store synced (and swept) from it, which every test copies."""

    sim: OdooSimulator
    golden: Path
    model_dir: Path


def running_world(root: Path, *, tickets: int = 60, days: int = 6) -> Iterator[World]:
    """A simulated go-live plus one confidential payroll ticket, synced and swept at NOW;
    the simulator stops when the generator is closed (a fixture's teardown)."""
    sim = make_sim(flavor="enterprise", version="19.0", tickets=tickets, days=days, now=NOW)
    client = client_for(sim, protocol="json2")
    try:
        client.create("helpdesk.ticket", {
            "name": PAYROLL_TITLE, "description": "<p>November shows last year's salary.</p>",
            "team_id": client.search("helpdesk.team", [], limit=1)[0]})
    finally:
        client.close()
    yield from synced(World(sim, root / "golden.db", root / "models"), NOW)


def synced(world: World, now: datetime) -> Iterator[World]:
    """Sync and sweep the world's golden store at ``now``, then yield the world; its
    simulator stops when the generator is closed (a fixture's teardown)."""
    with ServicesFactory(clock=lambda: now) as build:
        services = build(settings_for(world, world.golden))
        services.sync.run_sync()
        watching(services)  # the command center has been watching since go-live
        services.sla.sweep()
    try:
        yield world
    finally:
        world.sim.stop()


def settings_for(world: World, db: Path, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": f"sqlite:///{db}", "odoo": odoo_settings(world.sim, protocol="json2"),
        "timezone": "Europe/Brussels", "triage": {"model_dir": str(world.model_dir)},
        "roles": {"leads": [LEAD, "U0LEAD"]}, "slack": {"standup_channel": "C0STANDUP"},
        "standups": STANDUPS}
    values.update(extra)
    return Settings(**values)


def frozen_clock() -> Clock:
    """The services' clock, at NOW until a test moves it."""
    return Clock(NOW)


def services_factory(tmp_path: Path, clock: Clock,
                     default: World | None = None) -> Iterator[Callable[..., Services]]:
    """Yields ``factory(world=default, **settings)``: services on a private copy of the
    world's store; closes them all afterwards."""
    with ServicesFactory(tmp_path, clock=clock) as made:

        def factory(world: World | None = None, **extra: Any) -> Services:
            world = world or default
            assert world is not None
            return made(settings_for(world, made.store(copy_of=world.golden), **extra))

        yield factory


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from running_world(tmp_path_factory.mktemp("home-world"))


@pytest.fixture
def clock() -> Clock:
    return frozen_clock()


@pytest.fixture
def open_services(world: World, tmp_path: Path,
                  clock: Clock) -> Iterator[Callable[..., Services]]:
    """``open_services(**settings)``: services on a private copy of the world's store."""
    yield from services_factory(tmp_path, clock, world)


@pytest.fixture
def services(open_services: Callable[..., Services]) -> Services:
    return open_services()


def raise_one(services: Services, title: str, *, reporter: str = REPORTER) -> RaisedView:
    request = RaiseRequest(title=title, what_happened="It shows an error.", app="Accounting",
                           reporter_email="anna@acme.example")
    return services.raising.raise_issue(request=request, idempotency_key=f"{title}:{reporter}",
                                        viewer=viewer(services, reporter), channel="C1")


def test_a_reporter_sees_their_reports_newest_first(services: Services, clock: Clock,
                                                    world: World) -> None:
    first = raise_one(services, "Cannot post invoices (home 1)")
    clock.advance(minutes=2)
    other = raise_one(services, "Someone else's report (home 2)", reporter="U0OTHER")
    clock.advance(minutes=2)
    second = raise_one(services, "Bank statement import fails (home 3)")
    clock.advance(minutes=2)
    third = raise_one(services, "Reconciliation is slow (home 4)")
    assert second.odoo_id is not None and second.state == "created"
    world.sim.advance(timedelta(minutes=5))  # a later write_date, so the next sync sees it
    client = client_for(world.sim, protocol="json2")
    try:  # the second report is solved in Odoo
        solved = client.search("helpdesk.stage", [("fold", "=", True)], limit=1)[0]
        client.write("helpdesk.ticket", [second.odoo_id], {"stage_id": solved})
    finally:
        client.close()
    services.sync.run_sync()
    lea = viewer(services, LEAD)
    assert services.tickets.show_ticket(ref=f"#{second.odoo_id}", viewer=lea).ticket.is_closed
    home = services.home.home(viewer=viewer(services, REPORTER))
    assert (home.user, home.is_lead) == (REPORTER, False)
    assert [r.id for r in home.raised] == [third.id, second.id, first.id]
    shown = home.raised[1]
    assert (shown.state, shown.odoo_ref, shown.title) == (
        "created", second.odoo_ref, "Bank statement import fails (home 3)")
    assert shown.odoo_ref and shown.severity
    assert [r.id for r in services.home.home(viewer=viewer(services, "U0OTHER")).raised] == [
        other.id]
    assert services.home.home(viewer=viewer(services, "U0NOBODY")).raised == ()


def test_at_most_ten_reports_are_shown(world: World, clock: Clock,
                                       open_services: Callable[..., Services]) -> None:
    services = open_services(odoo=odoo_settings(world.sim, protocol="json2", write_mode="off"))
    raised = []
    for number in range(12):
        raised.append(raise_one(services, f"Kept report {number}"))
        clock.advance(minutes=1)
    home = services.home.home(viewer=viewer(services, REPORTER))
    assert [r.id for r in home.raised] == [r.id for r in reversed(raised)][:10]
    assert {r.state for r in home.raised} == {"kept"}


def test_company_and_its_open_known_issues(services: Services) -> None:
    lea = viewer(services, LEAD)
    tickets = services.tickets.list_tickets(viewer=lea)
    email = Counter(t.partner_email.lower() for t in tickets
                    if t.partner_email and t.company).most_common(1)[0][0]
    companies = Counter(t.company for t in tickets
                        if t.partner_email.lower() == email and t.company)
    company = sorted(companies.items(), key=lambda pair: (-pair[1], pair[0]))[0][0]
    mine = [t.ref for t in tickets if t.company == company and not t.confidential]
    theirs = [t.ref for t in tickets if t.company and t.company != company]
    assert len(mine) >= 5 and theirs

    def issue(title: str, refs: list[str], workaround: str = "", status: str = "") -> int:
        made = services.known_issues.create(title=title, viewer=lea, ticket_refs=tuple(refs))
        if workaround:
            services.known_issues.set_workaround(known_issue_id=made.id, text=workaround,
                                                 viewer=lea)
        if status:
            services.known_issues.set_status(known_issue_id=made.id, status=status, viewer=lea)
        return made.id

    helped = issue("Credit notes lose the analytic account", mine[:1], "Set it again")
    busy = issue("Bank import rejects CODA files", mine[1:3])
    elsewhere = issue("US sales tax rounding", theirs[:1], "Round per line")
    issue("Lot numbers missing on slips", mine[3:4], status="fix_released")
    issue("Old report layout", mine[4:5], status="closed")
    home = services.home.home(viewer=viewer(services, REPORTER, email=f"  {email.upper()} "))
    assert home.company == company
    assert [i.id for i in home.known_issues] == [helped, busy]
    assert home.known_issues[0].workaround == "Set it again"
    anyone = services.home.home(viewer=viewer(services, REPORTER))
    assert anyone.company == ""
    assert [i.id for i in anyone.known_issues] == [helped, elsewhere, busy]
    nobody = viewer(services, REPORTER, email="nobody@example.org")
    assert services.home.home(viewer=nobody).company == ""


def test_headline_is_the_dashboards_first_four_tiles(services: Services) -> None:
    home = services.home.home(viewer=viewer(services, REPORTER))
    assert home.headline == services.dashboard.dashboard(viewer=viewer(services, LEAD)).tiles[:4]
    assert [tile.key for tile in home.headline] == ["open_backlog", "open_s1", "inflow",
                                                    "outflow"]


class LeadsGroup:
    """Slack's side of the access authority (the seam the bot's client fills): LEADS_GROUP
    holds GROUP_LEAD."""

    def members(self, group: str) -> frozenset[str]:
        return frozenset({GROUP_LEAD}) if group == LEADS_GROUP else frozenset()

    def person(self, user: str) -> tuple[str, str]:
        return user, ""


def test_only_a_lead_sees_pending_acks_and_approvals(
        open_services: Callable[..., Services], clock: Clock) -> None:
    services = open_services(roles={"leads": [LEAD, "U0LEAD", LEADS_GROUP]})
    services.context.use_directory(LeadsGroup())
    lea = viewer(services, LEAD)
    payroll = next(t for t in services.tickets.list_tickets(viewer=lea)
                   if t.title == PAYROLL_TITLE)
    for _ in range(3):  # L1 and L2 are open, L3 waits for a lead's approval
        clock.advance(minutes=1)
        services.sla.escalate(ref=payroll.ref, viewer=lea, reason="payroll run tonight")
    listed = services.sla.list_escalations(viewer=lea)
    pending = [e.id for e in listed if e.status == "open"]
    approvals = [e.id for e in listed if e.status == "pending_approval"]
    assert len(pending) > 10 and len(approvals) == 1
    agent = services.home.home(viewer=viewer(services, "U0AGENT", email="x@example.org"))
    assert (agent.pending_acks, agent.approvals, agent.is_lead) == ((), (), False)
    for lead in ("U0LEAD", GROUP_LEAD):
        home = services.home.home(viewer=viewer(services, lead))
        assert home.is_lead
        assert [e.id for e in home.pending_acks] == pending[:10]
        assert [e.id for e in home.approvals] == approvals
        assert {e.title for e in home.pending_acks[:2] + home.approvals} == {PAYROLL_TITLE}
        assert {e.status for e in home.pending_acks} == {"open"}
