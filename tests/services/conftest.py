"""Fixtures: services on a fresh SQLite store with a settable clock, and a small seeded world.

The world is written straight into the store (as ``bench/standup_bench.py`` does), so each
test knows exactly which ticket is breached, confidential, escalated or linked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hypercare.config import OdooSettings, RolesSettings
from hypercare.services import Services
from hypercare.store.tables import Escalation, SlaClock, Ticket, TicketClassification
from hypercare.store.tickets import upsert_rows
from tests.support import Clock, ServicesFactory, sqlite_settings

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # a Monday morning
LEAD = "lea"
OTHER_LEAD = "marc"
AGENT = "sam"
"""Not a lead (``roles.leads`` is LEAD and OTHER_LEAD); a super-user, as everyone is."""


@dataclass(frozen=True)
class Seed:
    """One seeded ticket."""

    odoo_id: int
    title: str
    company: str = "Acme BE"
    team: str = "Finance"
    app: str = "Accounting"
    category: str | None = "defect"
    """None: never classified."""
    severity: int = 3
    state: str | None = "on_track"
    """None: no SLA clock."""
    minutes: float | None = 240.0
    assignee: str = ""
    assignee_id: int | None = None
    closed: bool = False
    confidential: bool = False
    age_hours: float = 24.0
    partner: str = "Ann Customer"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ref(self) -> str:
        return f"HT{self.odoo_id:05d}"


#: The seeded world: what each ticket is there to prove is in its title.
WORLD: tuple[Seed, ...] = (
    Seed(1, "Invoice posting fails with VAT error", state="breached", minutes=-120.0,
         severity=2, assignee="Marc Dupont", assignee_id=7, age_hours=50),
    Seed(2, "Delivery slip prints the wrong lot number", company="Acme US", team="Logistics",
         app="Inventory", category="training_gap", state="at_risk", minutes=30.0,
         assignee="Julie Martin", assignee_id=8, age_hours=30),
    Seed(3, "Credit note approval unclear for returns", category="policy_ambiguity",
         state="at_risk", minutes=30.0, severity=1, age_hours=20),
    Seed(4, "Quotation template missing the logo", company="Acme US", team="Sales",
         app="Sales", category="unclassified", state="on_track", minutes=600.0, severity=4,
         assignee="Julie Martin", assignee_id=8, age_hours=10),
    Seed(5, "Payslip of Jane Doe shows the wrong salary", team="HR", app="Payroll",
         confidential=True, state="breached", minutes=-30.0, severity=2, age_hours=40,
         partner="Jane Doe"),
    Seed(6, "Stock move stuck in waiting", company="Acme US", team="Logistics",
         app="Inventory", category=None, state=None, minutes=None, severity=0, age_hours=5),
    Seed(7, "Vendor bill matching question", category="training_gap", state="met",
         minutes=None, closed=True, assignee="Marc Dupont", assignee_id=7, age_hours=200),
    Seed(8, "Work order routing wrong", company="Acme US", team="Manufacturing",
         app="Manufacturing", state="breached", minutes=-500.0, severity=3, age_hours=90),
)


def seed_world(services: Services, world: tuple[Seed, ...] = WORLD) -> None:
    """Write the tickets, their verdicts and SLA clocks, and escalate ticket 1 to L2."""
    tickets, verdicts, clocks = [], [], []
    for seed in world:
        created = NOW - timedelta(hours=seed.age_hours)
        closed_at = created + timedelta(hours=8) if seed.closed else None
        tickets.append({
            "odoo_id": seed.odoo_id, "ref": seed.ref, "title": seed.title,
            "description": f"{seed.title}. Please help.", "company": seed.company,
            "team": seed.team, "stage": "Solved" if seed.closed else "In Progress",
            "is_closed": seed.closed, "assignee": seed.assignee,
            "assignee_odoo_id": seed.assignee_id, "partner_name": seed.partner,
            "partner_email": f"{seed.partner.split()[0].lower()}@example.com",
            "created_at": created, "updated_at": closed_at or created,
            "closed_at": closed_at, "tags": [], "priority": 1, "synced_at": NOW,
            **seed.extra})
        if seed.category is not None:
            verdicts.append({
                "ticket_odoo_id": seed.odoo_id, "category": seed.category,
                "guess": seed.category, "confidence": 0.9, "probabilities": {},
                "explanation": [], "source": "model", "severity": seed.severity or 3,
                "severity_reasons": [], "severity_source": "auto", "app": seed.app,
                "change_request": False, "confidential": seed.confidential, "model_hash": "",
                "classified_at": NOW})
        if seed.state is not None:
            clocks.append({
                "ticket_odoo_id": seed.odoo_id, "state": seed.state,
                "due_at": NOW + timedelta(minutes=seed.minutes or 0),
                "business_minutes_left": seed.minutes, "worst_state": seed.state,
                "clocks": [], "policy": "", "calendar": "default", "evaluated_at": NOW})
    with services.context.store().session() as session:
        upsert_rows(Ticket, tickets, session=session)
        upsert_rows(TicketClassification, verdicts, session=session, key=("ticket_odoo_id",))
        upsert_rows(SlaClock, clocks, session=session, key=("ticket_odoo_id",))
        session.add(Escalation(subject="ticket:1", ticket_odoo_id=1, level=2, trigger="breach",
                               trigger_key="breach:resolution", status="open",
                               notified=["L2"], created_at=NOW - timedelta(hours=1),
                               detail="resolution target breached"))


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("service-models")


MakeServices = Callable[..., Services]


@pytest.fixture
def clock() -> Clock:
    """The services' clock: NOW until a test moves it."""
    return Clock(NOW)


@pytest.fixture
def make_services(tmp_path: Path, model_dir: Path, clock: Clock) -> Iterator[MakeServices]:
    """Factory: services on one fresh SQLite store; ``write_mode`` sets odoo.write_mode, and
    further keyword arguments are settings (they win)."""
    with ServicesFactory(tmp_path, clock=clock) as built:

        def factory(write_mode: str = "create_and_note", **extra: Any) -> Services:
            values: dict[str, Any] = {"timezone": "Europe/Brussels",
                                      "roles": RolesSettings(leads=[LEAD, OTHER_LEAD]),
                                      "odoo": OdooSettings(write_mode=write_mode), **extra}
            return built(sqlite_settings(built.store("services.db"), model_dir=model_dir,
                                         **values))

        yield factory


@pytest.fixture
def services(make_services: MakeServices) -> Services:
    """Services over the seeded world (odoo.write_mode = create_and_note)."""
    built = make_services()
    seed_world(built)
    return built
