"""Read models of the KPI board: a definition, a computed value and the board holding them.

Every KPI carries its definition string, unit, direction ("up" is good or "down" is good) and
an optional target, so a front end can render and judge it without knowing the KPI.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from hypercare.kpi.registry import Scope, Window

Direction = Literal["up", "down"]


@dataclass(frozen=True)
class KpiDefinition:
    """What a KPI means: ``direction`` says which way is good; ``target`` is optional."""

    key: str
    label: str
    definition: str
    unit: str
    direction: Direction
    target: float | None = None


@dataclass(frozen=True)
class KpiValue:
    """One computed KPI. ``value`` is None when there is nothing to measure.

    ``series``: daily values over the window (oldest first), when the KPI has one; days
    without data are left out rather than given NaN. ``breakdown``: (label, value) pairs,
    sorted by value descending (aging buckets keep their natural order).
    """

    key: str
    label: str
    value: float | None
    unit: str
    direction: Direction
    target: float | None
    definition: str
    series: tuple[tuple[date, float], ...] = ()
    breakdown: tuple[tuple[str, float], ...] = ()

    @property
    def on_target(self) -> bool | None:
        """True when the value is at or on the good side of the target; None without one."""
        if self.target is None or self.value is None:
            return None
        if self.direction == "up":
            return self.value >= self.target
        return self.value <= self.target


@dataclass(frozen=True)
class KpiBoard:
    """All KPIs at ``now`` over the last ``days`` local days in ``timezone``."""

    now: datetime
    timezone: str
    company: str | None
    days: int
    kpis: tuple[KpiValue, ...]
    window: Window | None = None
    """The local days the values are for (named wherever they are shown)."""
    scope: Scope | None = None
    """Whose tickets (all companies, a company, a team)."""
    go_live: date | None = None
    """Series start here (no pre-go-live zeros)."""

    @property
    def window_label(self) -> str:
        """``in the last 14 days``, ``this week``..."""
        return self.window.label if self.window else f"in the last {self.days} days"

    @property
    def scope_label(self) -> str:
        return self.scope.label if self.scope else (self.company or "all companies")

    def with_kpis(self, kpis: tuple[KpiValue, ...]) -> KpiBoard:
        """The same board (window, scope) holding ``kpis``."""
        return KpiBoard(self.now, self.timezone, self.company, self.days, kpis, self.window,
                        self.scope, self.go_live)

    def get(self, key: str) -> KpiValue | None:
        """The KPI with ``key``, or None when the board does not hold it."""
        for kpi in self.kpis:
            if kpi.key == key:
                return kpi
        return None

    def keys(self) -> tuple[str, ...]:
        """The keys on the board, in board order."""
        return tuple(kpi.key for kpi in self.kpis)
