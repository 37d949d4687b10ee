"""The ticket KPI board: every KPI of :data:`DEFINITIONS` from columnar ticket data.

Pure and columnar: whole numpy arrays in, a frozen :class:`KpiBoard` out, no per-ticket
Python objects (only the optional tags of tickets created in the window are walked).
Days are local days in ``timezone``; the window is the last ``days`` of them, today
(up to ``now``) included. See :mod:`hypercare.kpi.definitions` for each KPI's rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt

from hypercare.kpi.columns import RecordCounts, TicketColumns
from hypercare.kpi.days import window as day_grid
from hypercare.kpi.definitions import DEFINITIONS
from hypercare.kpi.flow import effective_close, flows, open_count, sla_and_reopen
from hypercare.kpi.measure import Measure
from hypercare.kpi.mix import POLICY, categories, loads, tops
from hypercare.kpi.model import KpiBoard, KpiValue
from hypercare.kpi.registry import Scope, Window
from hypercare.kpi.timing import aging, durations
from hypercare.triage.calendar import BusinessCalendar

__all__ = ["DEFINITIONS", "RecordCounts", "TicketColumns", "company_mask", "ticket_board"]


def company_mask(companies: npt.NDArray[np.object_], company: str) -> npt.NDArray[np.bool_]:
    """Rows whose company equals ``company`` ignoring case and surrounding blanks."""
    wanted = company.strip().casefold()
    if companies.size == 0:
        return np.zeros(0, dtype=np.bool_)
    names, inverse = np.unique(companies.astype(str), return_inverse=True)
    hits = np.array([name.strip().casefold() == wanted for name in names.tolist()])
    result: npt.NDArray[np.bool_] = hits[inverse.reshape(-1)]
    return result


def _records(records: RecordCounts, first: dt.date, today: dt.date) -> dict[str, Measure]:
    held = tuple(sorted((d, float(n)) for d, n in records.standup_items_decided
                        if first <= d <= today))
    throughput = sum(n for _, n in held) / len(held) if held else None
    return {
        "known_issues_open": Measure(float(records.known_issues_open)),
        "tickets_behind_known_issues": Measure(float(records.tickets_behind_known_issues)),
        "decisions_overdue": Measure(
            float(records.decisions_overdue),
            breakdown=(("open", float(records.decisions_open)),
                       ("overdue", float(records.decisions_overdue))),
        ),
        "standup_throughput": Measure(throughput, held),
    }


def ticket_board(
    columns: TicketColumns,
    *,
    now: dt.datetime,
    timezone: str,
    days: int = 14,
    calendar: BusinessCalendar | None = None,
    company: str | None = None,
    records: RecordCounts = RecordCounts(),  # noqa: B008 - frozen, never mutated
    targets: Mapping[str, float] | None = None,
    window: Window | None = None,
    team: str | None = None,
    go_live: dt.date | None = None,
) -> KpiBoard:
    """Compute the board at ``now`` (timezone-aware) over the last ``days`` local days, or
    over ``window`` (read at its end).

    ``company`` (and ``team``) keep only those tickets (case-insensitive); ``records`` are
    taken as given. ``targets`` override the default targets of :data:`DEFINITIONS`.
    ``go_live``: series points before it are left out (a go-live has no history before).
    Raises ValueError for a naive ``now``, an unknown timezone or ``days < 1``.
    """
    try:
        tz = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown timezone {timezone!r}") from exc
    if window is not None:
        now, days = window.end(now, tz), window.days
    if days < 1:
        raise ValueError(f"days must be at least 1, not {days}")
    if window is None:
        window = Window.last_days(days, now.astimezone(tz).date())
    cols = columns if company is None else columns.select(company_mask(columns.company, company))
    if team is not None:
        cols = cols.select(company_mask(cols.team, team))
    grid, ends = day_grid(now, tz, days)
    close = effective_close(cols)
    every = np.ones(len(cols), dtype=np.bool_)
    measures: dict[str, Measure] = {
        "open_backlog": open_count(cols, grid, ends, close, every),
        "open_s1": open_count(cols, grid, ends, close, cols.severity == 1),
        "policy_open": open_count(cols, grid, ends, close, cols.category == POLICY),
        "aging": aging(cols, now, tz, calendar),
    }
    measures.update(flows(cols, grid))
    measures.update(sla_and_reopen(cols, grid))
    measures.update(durations(cols, grid))
    measures.update(categories(cols, grid))
    measures.update(tops(cols, grid))
    measures.update(loads(cols))
    measures.update(_records(records, grid.first, grid.dates()[-1]))
    chosen = dict(targets or {})
    kpis = []
    start = go_live if go_live is not None else _first_day(cols, tz)
    for key, spec in DEFINITIONS.items():
        measure = measures[key]
        series = measure.series if start is None else tuple(
            (d, v) for d, v in measure.series if d >= start)
        kpis.append(KpiValue(
            key=key, label=spec.label, value=measure.value, unit=spec.unit,
            direction=spec.direction, target=chosen.get(key, spec.target),
            definition=spec.definition, series=series, breakdown=measure.breakdown,
        ))
    return KpiBoard(now=now, timezone=timezone, company=company, days=days, kpis=tuple(kpis),
                    window=window, scope=Scope(company, team), go_live=start)


def _first_day(columns: TicketColumns, tz: ZoneInfo) -> dt.date | None:
    """The local day the first ticket was created (the go-live, when none is configured)."""
    known = columns.created[~np.isnan(columns.created)]
    if known.size == 0:
        return None
    return dt.datetime.fromtimestamp(float(known.min()), tz).date()
