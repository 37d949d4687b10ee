"""What every pack writer shares: cells and KPIs as display text, trends, names, sparklines.

Display rules (Markdown and HTML): ints with thousands separators, floats with up to two
decimals, percent columns (fractions) as ``93 %``, dates ISO, datetimes ``YYYY-MM-DD HH:MM``
in the pack's timezone. A KPI with unit ``%`` holds 0-100 values (as the KPI board does), so
its change is in percentage points.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hypercare.services.packs.model import Cell, ColumnKind, KpiLine, Pack, Section, Series

NUMERIC_KINDS: frozenset[str] = frozenset({"int", "float", "percent"})
SPARKS = "▁▂▃▄▅▆▇█"


def zone_of(pack: Pack) -> ZoneInfo | None:
    """The pack's timezone (None when the name is unknown: datetimes are shown as given)."""
    try:
        return ZoneInfo(pack.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def localized(moment: datetime, zone: ZoneInfo | None) -> datetime:
    """An aware datetime in ``zone``; a naive one unchanged (taken as local already)."""
    if moment.tzinfo is None or zone is None:
        return moment
    return moment.astimezone(zone)


def number(value: float, decimals: int = 2) -> str:
    """``1,234``, ``12.5``, ``-0.25``: up to ``decimals`` decimals, trailing zeros dropped."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if float(value).is_integer():
        return f"{int(value):,}"
    text = f"{value:,.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def display(value: Cell, kind: ColumnKind, zone: ZoneInfo | None = None) -> str:
    """A cell as display text (empty for None)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return localized(value, zone).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        if kind == "percent":
            return f"{number(value * 100, 1)} %"
        return number(value, 0 if kind == "int" else 2)
    return str(value)


def kpi_text(value: float | None, unit: str) -> str:
    """``93.5 %``, ``42 tickets``, ``n/a`` when unknown."""
    shown, unit_shown = kpi_parts(value, unit)
    return f"{shown} {unit_shown}".rstrip()


def kpi_parts(value: float | None, unit: str) -> tuple[str, str]:
    """(number, unit) of :func:`kpi_text`: ``("42", "tickets")``, ``("n/a", "")``."""
    if value is None:
        return "n/a", ""
    return number(value, 1), unit if unit == "%" else singular(unit, value)


def singular(unit: str, value: float) -> str:
    """``tickets`` -> ``ticket`` (and ``tickets/day`` -> ``ticket/day``) for exactly one."""
    first, sep, rest = unit.partition("/")
    if (abs(value) != 1 or not first.isalpha() or len(first) < 3 or not first.endswith("s")
            or first.endswith(("ss", "us", "is"))):
        return unit
    return first[:-1] + sep + rest


@dataclass(frozen=True)
class Trend:
    """A KPI's week-over-week change, ready to show."""

    arrow: str
    """``▲``, ``▼``, ``=`` or empty when unknown."""
    delta: str
    """``+3 tickets``, ``-2.5 pts``, ``no change``, ``n/a``."""
    verdict: str
    """``better``, ``worse``, ``same`` or empty (unknown change or direction)."""

    @property
    def text(self) -> str:
        """``▲ +3 tickets (worse)``."""
        parts = [p for p in (self.arrow, self.delta) if p]
        verdict = f" ({self.verdict})" if self.verdict in ("better", "worse") else ""
        return " ".join(parts) + verdict


def trend(line: KpiLine) -> Trend:
    """The change of ``line`` and whether it is good, given the KPI's direction."""
    change = line.change
    if change is None:
        return Trend("", "n/a", "")
    if abs(change) < 1e-9:
        return Trend("=", "no change", "same")
    unit = "pts" if line.unit == "%" else singular(line.unit, round(abs(change), 1))
    sign = "+" if change > 0 else "-"
    delta = f"{sign}{number(abs(change), 1)} {unit}".rstrip()
    verdict = ""
    if line.direction in ("up", "down"):
        verdict = "better" if (change > 0) == (line.direction == "up") else "worse"
    return Trend("▲" if change > 0 else "▼", delta, verdict)


def target_text(line: KpiLine) -> str:
    """``90 % (met)``, ``0 tickets (missed)``, empty without a target."""
    if line.target is None:
        return ""
    judged = "" if line.on_target is None else (" (met)" if line.on_target else " (missed)")
    return kpi_text(line.target, line.unit) + judged


def period_text(pack: Pack) -> str:
    """``Week 2026-W48 · 2026-11-23 to 2026-11-29``."""
    return (f"Week {pack.week} · {pack.period_start.isoformat()} to "
            f"{pack.period_end.isoformat()}")


def generated_text(pack: Pack) -> str:
    """``Generated 2026-11-30 08:00 (Europe/Brussels)``."""
    moment = localized(pack.generated_at, zone_of(pack))
    return f"Generated {moment.strftime('%Y-%m-%d %H:%M')} ({pack.timezone})"


def confidential_text(pack: Pack) -> str:
    """The line about confidential tickets, empty when there are none."""
    if pack.confidential_count <= 0:
        return ""
    noun = "ticket" if pack.confidential_count == 1 else "tickets"
    return (f"{pack.confidential_count} confidential {noun} counted in the figures, "
            "not shown.")


EMPTY_TITLE = "No data for this period."
EMPTY_DETAIL = "No tickets, KPIs or records were found for these dates."
EMPTY_TEXT = f"{EMPTY_TITLE} {EMPTY_DETAIL}"


def numbered(sections: tuple[Section, ...]) -> list[tuple[int, Section]]:
    """Sections with their 1-based numbers."""
    return list(enumerate(sections, start=1))


def slug(text: str, fallback: str = "item") -> str:
    """A file- and anchor-safe name: ``Known issues`` -> ``known-issues``."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "-", text.strip()).strip("-.")
    return cleaned.lower() or fallback


def stem(pack: Pack) -> str:
    """``hypercare-weekly-2026-W48``: the base name of a pack's files."""
    return f"hypercare-{slug(pack.kind, 'pack')}-{re.sub(r'[^A-Za-z0-9-]+', '-', pack.week)}"


def sparkline(values: tuple[float, ...]) -> str:
    """``▁▃▅█``: one block per value, scaled between the series' min and max."""
    if not values:
        return ""
    low, high = min(values), max(values)
    span = high - low
    if span <= 0:
        return SPARKS[3] * len(values)
    return "".join(SPARKS[round((v - low) / span * (len(SPARKS) - 1))] for v in values)


def series_summary(series: Series) -> str:
    """``last 30 tickets · min 12 · max 30`` (empty series: ``no data``)."""
    if not series.values:
        return "no data"
    unit = f" {series.unit}" if series.unit else ""
    if series.kind == "bar":
        top = max(range(len(series.values)), key=lambda i: series.values[i])
        label = series.labels[top] if top < len(series.labels) else ""
        return f"largest: {label} {number(series.values[top])}{unit}"
    return (f"last {number(series.values[-1])}{unit} · min {number(min(series.values))} · "
            f"max {number(max(series.values))}")
