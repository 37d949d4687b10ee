"""Hand-built ticket columns for the KPI tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from hypercare.kpi.tickets import TicketColumns

NAN = float("nan")
UTC = dt.UTC


def ts(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> float:
    """Epoch seconds of a UTC wall time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp()


@dataclass
class Row:
    created: float
    company: str = "Acme"
    team: str = ""
    assignee: str = ""
    app: str = ""
    category: str = ""
    severity: int = 3
    assigned: float = NAN
    first_response: float = NAN
    closed: float = NAN
    is_closed: bool = False
    reopen_count: int = 0
    sla_state: str = ""
    workaround: float = NAN
    tags: tuple[str, ...] = field(default=())


def columns(rows: list[Row], with_tags: bool = True) -> TicketColumns:
    def text(name: str) -> np.ndarray:
        return np.array([getattr(r, name) for r in rows], dtype=object)

    def moments(name: str) -> np.ndarray:
        return np.array([getattr(r, name) for r in rows], dtype=np.float64)

    return TicketColumns(
        odoo_id=np.arange(1, len(rows) + 1, dtype=np.int64),
        company=text("company"), team=text("team"), assignee=text("assignee"),
        app=text("app"), category=text("category"),
        severity=np.array([r.severity for r in rows], dtype=np.int64),
        created=moments("created"), assigned=moments("assigned"),
        first_response=moments("first_response"), closed=moments("closed"),
        is_closed=np.array([r.is_closed for r in rows], dtype=np.bool_),
        reopen_count=np.array([r.reopen_count for r in rows], dtype=np.int64),
        sla_state=text("sla_state"), workaround=moments("workaround"),
        tags=tuple(r.tags for r in rows) if with_tags else (),
    )


# Now: Thursday 2025-06-12 10:00 Brussels (08:00 UTC). Window of 4 days: Jun 9..12 local.
NOW = dt.datetime(2025, 6, 12, 8, 0, tzinfo=UTC)
TICKETS = [
    Row(created=ts(2025, 6, 10, 7), team="Finance", assignee="ann", app="Accounting",
        category="defect", severity=1, assigned=ts(2025, 6, 10, 9),
        first_response=ts(2025, 6, 10, 8), sla_state="on_track",
        workaround=ts(2025, 6, 10, 10), tags=("invoice",)),
    # 23:30 UTC on Jun 10 is 01:30 on Jun 11 in Brussels
    Row(created=ts(2025, 6, 10, 23, 30), company="acme", team="Finance", assignee="ann",
        app="Accounting", category="training_gap", severity=3,
        assigned=ts(2025, 6, 11, 3, 30), first_response=ts(2025, 6, 11, 1, 30),
        closed=ts(2025, 6, 11, 12), is_closed=True, sla_state="met"),
    Row(created=ts(2025, 6, 5, 8), company="Beta", team="Sales", assignee="bob", app="Sales",
        category="policy_ambiguity", severity=2, first_response=ts(2025, 6, 5, 9),
        sla_state="breached", tags=("pricing", "invoice")),
    Row(created=ts(2025, 6, 12, 7), team="Sales", assignee="", app="Inventory",
        category="training_gap", severity=4, sla_state="on_track",
        workaround=ts(2025, 6, 11, 7), tags=("stock",)),
    Row(created=ts(2025, 6, 8, 8), team="Finance", assignee="ann", app="Accounting",
        category="defect", severity=2, closed=ts(2025, 6, 10, 8), is_closed=True,
        reopen_count=1, sla_state="breached", workaround=ts(2025, 6, 8, 14)),
]
