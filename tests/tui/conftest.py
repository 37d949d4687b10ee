"""TUI fixtures: a synced go-live store built once, copied per test, with a frozen clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from hypercare.config import Settings
from hypercare.odoo.sim import OdooSimulator
from hypercare.services import Services, TicketView, Viewer
from hypercare.tui.app import HypercareApp
from hypercare.tui.launch import build_context
from tests.support import ServicesFactory, viewer, watching
from tests.sync.conftest import client_for, make_sim, odoo_settings

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # a Friday afternoon, days after go-live
LEAD = "lea"


def settings_for(sim: OdooSimulator, db: Path, model_dir: Path, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": f"sqlite:///{db}",
        "odoo": odoo_settings(sim, protocol="json2"),
        "timezone": "Europe/Brussels",
        "triage": {"model_dir": str(model_dir)},
        "sla": {"calendars": {"default": {}, "us": {"timezone": "America/Chicago"}},
                "company_calendars": {"Acme Industries US": "us"}},
        "roles": {"leads": [LEAD]},
        "tui": {"user": LEAD, "refresh_seconds": 300},
    }
    values.update(extra)
    return Settings(**values)


class World:
    """The shared simulator and the golden store file every test copies."""

    def __init__(self, sim: OdooSimulator, golden: Path, model_dir: Path) -> None:
        self.sim, self.golden, self.model_dir = sim, golden, model_dir


@pytest.fixture(scope="session")
def tui_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("tui-world")
    sim = make_sim(flavor="enterprise", version="19.0", tickets=150, days=8, now=NOW)
    golden = root / "golden.db"
    client = client_for(sim, protocol="json2")
    try:  # an HR ticket: confidential, its title shown to leads only
        client.create("helpdesk.ticket", {
            "name": "Payroll: payslip of employee 4711 shows the wrong salary",
            "description": "<p>The November payslip shows last year's salary.</p>",
            "team_id": client.search("helpdesk.team", [], limit=1)[0]})
    finally:
        client.close()
    with ServicesFactory(clock=lambda: NOW) as build:
        services = build(settings_for(sim, golden, root / "models"))
        services.sync.run_sync()
        watching(services)  # the command center has been watching since go-live
        services.sla.sweep()
        services.kpis.snapshot_adoption()  # the adoption_snapshot job, as serve runs it
        lea = viewer(services, LEAD)
        open_refs = [t.ref for t in services.tickets.list_tickets(viewer=lea, open_only=True)]
        services.known_issues.create(title="Credit note lines lose the analytic account",
                                     viewer=lea, severity=2, ticket_refs=tuple(open_refs[:3]))
    try:
        yield World(sim, golden, root / "models")
    finally:
        sim.stop()


@pytest.fixture
def make_services(tui_world: World, tmp_path: Path) -> Iterator[Callable[..., Services]]:
    """``make_services(**settings)`` -> services on a private copy of the golden store."""
    with ServicesFactory(tmp_path) as made:

        def factory(clock: Callable[[], datetime] = lambda: NOW, **extra: Any) -> Services:
            db = made.store(copy_of=tui_world.golden)
            return made(settings_for(tui_world.sim, db, tui_world.model_dir, **extra),
                        clock=clock)

        yield factory


@pytest.fixture
def services(make_services: Callable[..., Services]) -> Services:
    return make_services()


def lead(services: Services) -> Viewer:
    """The command-center lead the tests' TUI runs as (``tui.user``)."""
    return viewer(services, LEAD)


def ticket(services: Services, ref: str) -> TicketView:
    """One ticket as the services show it to the lead."""
    return services.tickets.show_ticket(ref=ref, viewer=lead(services)).ticket


def make_app(services: Services, **context: Any) -> HypercareApp:
    """The app as ``hypercare tui`` builds it (the viewer resolved from ``tui.user``);
    ``context`` overrides fields of its context."""
    ctx = build_context(services)
    for key, value in context.items():
        setattr(ctx, key, value)
    return HypercareApp(ctx, theme="dark")


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until every ticket is read, every worker (and the work its results started) is
    done, and the screen is painted."""
    context = getattr(pilot.app, "context", None)
    for _ in range(200):  # the full read starts a moment after the first paint
        if context is None or context.rows_loaded:
            break
        await pilot.pause(0.05)
    quiet = 0
    for _ in range(200):  # work a result started may start more work: wait for calm
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        busy = any(worker.is_running for worker in pilot.app.workers)
        quiet = 0 if busy else quiet + 1
        if quiet >= 3:
            break


def plain(widget: Any, width: int = 200) -> str:
    """What a Static shows, as plain text (Rich tables and Text alike)."""
    from rich.console import Console

    console = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    try:
        console.print(widget.content)
        return console.export_text()
    finally:
        console.file.close()
