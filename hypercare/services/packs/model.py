"""The weekly steering pack and the handover pack as data: what every writer renders.

Built by :mod:`hypercare.services.packs.weekly` from the store; written as Markdown, HTML,
XLSX and CSV by :mod:`hypercare.export`. Every table is a :class:`Table` (typed columns, so
the XLSX writer can give cells real types and the CSV writer one file per table). Nothing
here holds the text of a confidential ticket: confidential tickets are counted, never shown
(their refs, titles and descriptions stay out).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

ColumnKind = Literal["text", "int", "float", "percent", "date", "datetime"]
Cell = str | int | float | date | datetime | None


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: ColumnKind = "text"
    """``percent`` values are fractions (0.93 shows as 93 %)."""


@dataclass(frozen=True)
class Table:
    """A named table: ``name`` is a file-safe slug (``kpis``, ``decisions_requested``)."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""
    """One line under the table (e.g. "3 confidential tickets counted, not shown")."""

    def column(self, key: str) -> list[Cell]:
        index = [c.key for c in self.columns].index(key)
        return [row[index] for row in self.rows]


@dataclass(frozen=True)
class Series:
    """A chart's data: labelled points (a line over days, or bars by category)."""

    title: str
    labels: tuple[str, ...]
    values: tuple[float, ...]
    unit: str = ""
    kind: Literal["line", "bar"] = "line"


@dataclass(frozen=True)
class KpiLine:
    """A KPI with its week-over-week change."""

    key: str
    label: str
    value: float | None
    previous: float | None
    """Its value a week earlier (None when unknown)."""
    unit: str
    direction: str
    """``up`` or ``down``: which way is good."""
    target: float | None
    on_target: bool | None

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass(frozen=True)
class Section:
    """One numbered section of a pack: a lead paragraph, tables, charts and warnings."""

    key: str
    title: str
    summary: tuple[str, ...] = ()
    """Sentences a reader takes in first."""
    tables: tuple[Table, ...] = ()
    charts: tuple[Series, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pack:
    """A pack: the weekly steering pack (``kind="weekly"``) or the handover pack."""

    kind: Literal["weekly", "handover"]
    title: str
    week: str
    """ISO week, ``2026-W48`` (the handover pack: the week it was written)."""
    period_start: date
    period_end: date
    """The week's Monday and Sunday (local dates, command center's timezone)."""
    generated_at: datetime
    timezone: str
    headline: tuple[KpiLine, ...]
    sections: tuple[Section, ...]
    confidential_count: int = 0
    """Confidential tickets in the period: counted in the figures, never shown."""
    empty: bool = False
    """True when the week has no data at all (the pack says so instead of empty tables)."""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def tables(self) -> Sequence[Table]:
        return [table for section in self.sections for table in section.tables]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)
