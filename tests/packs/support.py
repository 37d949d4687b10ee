"""Shared by the weekly-pack tests: the simulated world (sixteen days after go-live, a
confidential payroll ticket, two tickets either side of the Sunday/Monday boundary in
Europe/Brussels) and expectations counted independently from the services' listings."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hypercare.services import Services, TicketView
from hypercare.services.packs.model import KpiLine, Pack
from tests.services.test_home import LEAD, World, synced
from tests.support import viewer
from tests.sync.conftest import client_for, make_sim

ZONE = ZoneInfo("Europe/Brussels")
SIM_NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # Friday of 2026-W47
NOW = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)  # Monday 09:30 local, 2026-W48
PAYROLL_TITLE = "Payroll: payslip of employee 4711 shows the wrong salary"
SUNDAY_TITLE = "Boundary Sunday late: cannot print the invoice"
MONDAY_TITLE = "Boundary Monday early: cannot print the invoice"
W46, W47, W48 = date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)
SECTIONS = ["executive", "decisions", "known_issues", "backlog", "training", "defects"]
MASKED_REF = "(confidential)"



def pack_world(root: Path) -> Iterator[World]:
    """Sixteen simulated days to Friday 2026-11-20, a payroll ticket, a ticket at Sunday
    23:30 and one at Monday 00:10 local; synced and swept on Monday 09:30."""
    sim = make_sim(flavor="enterprise", version="19.0", tickets=150, days=16, now=SIM_NOW)
    client = client_for(sim, protocol="json2")
    try:
        team = client.search("helpdesk.team", [], limit=1)[0]
        client.create("helpdesk.ticket", {
            "name": PAYROLL_TITLE, "description": "<p>November shows last year's salary.</p>",
            "team_id": team})
        for moment, title in ((local(date(2026, 11, 22), 23, 30), SUNDAY_TITLE),
                              (local(date(2026, 11, 23), 0, 10), MONDAY_TITLE)):
            sim.set_now(moment)
            client.create("helpdesk.ticket", {"name": title, "team_id": team})
        sim.set_now(NOW)
    finally:
        client.close()
    yield from synced(World(sim, root / "golden.db", root / "models"), NOW)



def local(day: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE).astimezone(UTC)


def bounds(monday: date) -> tuple[datetime, datetime]:
    return local(monday), local(monday + timedelta(days=7))


def inside(moment: datetime | None, start: datetime, end: datetime) -> bool:
    return moment is not None and start <= moment < end


def open_at(t: TicketView, moment: datetime) -> bool:
    created = t.created_at is None or t.created_at < moment
    return created and (not t.is_closed or (t.closed_at is not None and t.closed_at >= moment))


def closed_between(t: TicketView, start: datetime, end: datetime) -> bool:
    return t.is_closed and inside(t.closed_at, start, end)


def line(pack: Pack, key: str) -> KpiLine:
    return next(k for k in pack.headline if k.key == key)


def rows(pack: Pack, section: str, name: str) -> list[dict[str, Any]]:
    found = next(t for t in pack.section(section).tables if t.name == name)
    keys = [c.key for c in found.columns]
    return [dict(zip(keys, row, strict=True)) for row in found.rows]


def note(pack: Pack, section: str, name: str) -> str:
    return next(t for t in pack.section(section).tables if t.name == name).note


def strings(value: Any) -> Iterator[str]:
    """Every string held anywhere in a pack."""
    if isinstance(value, str):
        yield value
    elif is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            yield from strings(getattr(value, f.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from strings(item)


def payroll(services: Services) -> TicketView:
    found = next(t for t in services.tickets.list_tickets(viewer=viewer(services, LEAD))
                 if t.title == PAYROLL_TITLE)
    assert found.confidential
    return found


# -- tests -----------------------------------------------------------------------------------

