"""The weekly steering pack and the handover pack as :mod:`~hypercare.services.packs.model` data.

``weekly(week=...)`` covers one ISO week (Monday to Sunday, the command center's timezone):
the executive summary (KPIs against the week before, exit criteria, forecast, charts), the
decisions requested and taken, known issues, the prioritized backlog with the fit-to-standard
guard, training themes, and defects with SLA performance and escalations. ``handover()`` is
what business-as-usual support gets when hypercare ends (see
:mod:`hypercare.services.packs.handover`).

KPIs of a past week come from the KPI service with its clock stopped at the week's end (so
the board, the history and the exit criteria are the ones of that moment); "open" means open
at that instant by the board's history rule. Week-over-week: a point-in-time KPI's previous
value is the stored daily snapshot of the week before when there is one, else recomputed;
windowed KPIs (inflow, MTTR, SLA attainment...) are always recomputed over the earlier week.
Statuses and scores of records are their current ones. Confidential tickets are counted in
every figure and never shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from hypercare.errors import UsageError
from hypercare.kpi.definitions import DEFINITIONS
from hypercare.kpi.model import KpiBoard, KpiDefinition, KpiValue
from hypercare.kpi.registry import Window, format_value, parse_week, value_text
from hypercare.services.access import AUDIENCE
from hypercare.services.context import ServiceContext
from hypercare.services.kpi.service import KpiService
from hypercare.services.packs import sections as ps
from hypercare.services.packs.model import KpiLine, Pack, Section, Series
from hypercare.services.packs.sections import Period, table
from hypercare.services.problems.backlog import BacklogService
from hypercare.services.problems.decisions import DecisionService
from hypercare.services.problems.known_issues import KnownIssueService
from hypercare.services.system.runbooks import RunbookService
from hypercare.services.tickets.service import TicketService
from hypercare.services.triage.sla import SlaService
from hypercare.store import kpi_records, problems
from hypercare.store.engine import Store

_TICK = timedelta(microseconds=1)
How = Literal["point", "sum", "value", "records", "snapshot", "weekdays"]
#: The headline KPIs: key, unit shown (empty: the board's), how the week's value is read:
#: ``point`` the daily series at the week's end, ``sum`` its total over the week,
#: ``weekdays`` its mean over the week's Monday to Friday, ``value`` the 7-day board's value,
#: ``records`` counted from the records' lifetimes, ``snapshot`` the stored snapshot only.
HEADLINE: tuple[tuple[str, str, How], ...] = (
    ("open_backlog", "", "point"), ("open_s1", "", "point"),
    ("inflow", "tickets/week", "sum"), ("outflow", "tickets/week", "sum"),
    ("net_flow", "tickets/week", "sum"), ("sla_attainment", "", "value"),
    ("mttr", "", "value"), ("mtta_response", "", "value"), ("reopen_rate", "", "value"),
    ("training_gap_share", "", "value"), ("policy_open", "", "point"),
    ("sla_breaches", "", "snapshot"), ("known_issues_open", "", "records"),
    ("decisions_overdue", "", "records"), ("active_user_share", "%", "weekdays"),
)
_POINT_IN_TIME = ("point", "records", "snapshot")


@dataclass
class _AsOf(ServiceContext):
    """The same settings and open store, with the clock stopped at one moment."""

    base: ServiceContext | None = None

    def store(self) -> Store:
        assert self.base is not None
        return self.base.store()


@dataclass(frozen=True)
class _Records:
    """Known issues' and decisions' lifetimes, for counts at past moments."""

    issues: tuple[tuple[int, datetime | None, datetime | None], ...]
    """(id, created, closed)."""
    decisions: tuple[tuple[int, datetime | None, datetime | None, date | None], ...]
    """(id, created, decided, due)."""

    def count(self, key: str, moment: datetime, day: date) -> float:
        if key == "known_issues_open":
            return float(sum(1 for _, made, closed in self.issues if ps.before(made, moment)
                             and not ps.before(closed or moment, moment)))
        return float(sum(1 for _, made, decided, due in self.decisions
                         if ps.before(made, moment) and not ps.before(decided or moment, moment)
                         and due is not None and due < day))


class PackService:
    """``weekly`` and ``handover``: packs as data, for the writers of :mod:`hypercare.export`."""

    def __init__(self, context: ServiceContext, *, kpis: KpiService,
                 decisions: DecisionService, known_issues: KnownIssueService,
                 backlog: BacklogService, sla: SlaService, tickets: TicketService,
                 runbooks: RunbookService) -> None:
        self._context = context
        self._kpis = kpis
        self._decisions = decisions
        self._known_issues = known_issues
        self._backlog = backlog
        self._sla = sla
        self._tickets = tickets
        self._runbooks = runbooks

    @property
    def _zone(self) -> ZoneInfo:
        return ZoneInfo(self._context.settings.timezone)

    def weekly(self, *, week: str | None = None) -> Pack:
        """The steering pack of ``week`` (``2026-W48``); None: the last complete week."""
        now = self._context.clock()
        today = now.astimezone(self._zone).date()
        if week is None:
            monday = today - timedelta(days=today.weekday() + 7)
        else:
            monday, _ = parse_week(week)
        period = Period.of(monday, self._zone, now)
        if period.start > now:
            raise UsageError(f"{period.week} has not started yet",
                             hint="Leave --week out for the last complete week.")
        tickets = self._tickets.list_tickets(viewer=AUDIENCE)
        records = self._records()
        decisions = self._decisions.list_decisions()
        scored = self._backlog.scored(include_closed=True)
        issues = self._known_issues.list_issues(include_closed=True, with_tickets=True)
        escalations = self._sla.list_escalations(viewer=AUDIENCE, include_done=True,
                                                 limit=1_000_000)
        secret = {t.ref for t in tickets if t.confidential}
        headline = self._headline(period, records)
        sections = (
            self._executive(period, headline),
            ps.decisions_section(period, decisions, {i: made for i, made, _, _ in
                                                     records.decisions}),
            ps.known_issues_section(period, issues, {i: closed for i, _, closed in
                                                     records.issues}, secret),
            ps.backlog_section(period, scored, self._backlog.guard().seeds),
            ps.training_section(period, tickets),
            ps.defects_section(period, tickets, escalations),
        )
        counted = [t for t in tickets if ps.in_period(t, period)]
        activity = ("decisions_requested", "decisions_taken", "known_issues", "backlog",
                    "backlog_changes", "escalations")
        empty = not counted and not any(t.rows for s in sections for t in s.tables
                                        if t.name in activity)
        if empty:
            sections = (_nothing(sections[0], period), *sections[1:])
        notes = ["Open counts are at the week's end; statuses and scores are current."]
        if period.cut < period.end:
            notes.append(f"{period.week} is still running: figures up to "
                         f"{now.astimezone(self._zone):%Y-%m-%d %H:%M}.")
        return Pack(kind="weekly", title=f"Hypercare steering pack {period.week}",
                    week=period.week, period_start=period.first, period_end=period.last,
                    generated_at=now, timezone=self._context.settings.timezone,
                    headline=headline, sections=sections,
                    confidential_count=sum(1 for t in counted if t.confidential),
                    empty=empty, notes=tuple(notes))

    def handover(self) -> Pack:
        """What business-as-usual support needs the day hypercare ends."""
        from hypercare.services.packs.handover import HandoverInputs, build_handover
        from hypercare.services.system.runbooks import RunbooksMissingError

        now = self._context.clock()
        today = now.astimezone(self._zone).date()
        try:
            books, problem = self._runbooks.list_runbooks(), ""
        except RunbooksMissingError as exc:
            books, problem = [], exc.message
        return build_handover(HandoverInputs(
            now=now, period=Period.of(today - timedelta(days=today.weekday()), self._zone, now),
            settings=self._context.settings,
            headline=self._headline(Period.of(today - timedelta(days=6), self._zone, now),
                                    self._records()),
            tickets=self._tickets.list_tickets(viewer=AUDIENCE, open_only=True),
            issues=self._known_issues.list_issues(with_tickets=True),
            decisions=self._decisions.list_decisions(), scored=self._backlog.scored(),
            guard=self._backlog.guard(), runbooks=books, runbooks_problem=problem,
            readiness=self._kpis.readiness()))

    # -- KPIs ------------------------------------------------------------------------------

    def _kpis_at(self, moment: datetime) -> KpiService:
        """The KPI service with its clock stopped at ``moment``."""
        frozen: Callable[[], datetime] = lambda: moment  # noqa: E731
        return KpiService(_AsOf(settings=self._context.settings, check_schema=False,
                                clock=frozen, base=self._context))

    def _headline(self, period: Period, records: _Records) -> tuple[KpiLine, ...]:
        """The headline KPIs of ``period`` against the seven days before."""
        before = period.previous()
        days = (period.as_of - period.first).days + 1  # a week still running: its days
        now_board = self._kpis_at(period.cut - _TICK).board(days=days)
        then_board = self._kpis_at(before.cut - _TICK).board(days=7)
        lines = []
        for key, unit, how in HEADLINE:
            meta: KpiValue | KpiDefinition | None = (
                now_board.get(key) or then_board.get(key) or DEFINITIONS.get(key))
            if meta is None:
                continue
            value = self._read(key, how, period, now_board, records)
            previous = self._snapshot(key, before) if how in _POINT_IN_TIME else None
            if previous is None:
                previous = self._read(key, how, before, then_board, records)
            if value is None and previous is None and how == "snapshot":
                continue
            target = meta.target if how != "sum" or key == "net_flow" else None
            lines.append(KpiLine(key, meta.label, value, previous, unit or meta.unit,
                                 meta.direction, target, _judge(value, target, meta.direction)))
        return tuple(lines)

    def _read(self, key: str, how: How, period: Period, board: KpiBoard,
              records: _Records) -> float | None:
        if how == "records":
            return records.count(key, period.cut, period.as_of)
        if how == "snapshot":
            return self._snapshot(key, period)
        kpi = board.get(key)
        if kpi is None:
            return None
        if how == "value":
            return _rounded(kpi.value)
        inside = [v for d, v in kpi.series if period.first <= d <= period.as_of]
        if how == "sum":  # no day of the week after the go-live: no value, not 0
            return _rounded(sum(inside)) if inside else None
        if how == "weekdays":
            worked = [v for d, v in kpi.series
                      if period.first <= d <= period.as_of and d.weekday() < 5]
            return _rounded(sum(worked) / len(worked)) if worked else None
        return _rounded(inside[-1]) if inside else None

    def _snapshot(self, key: str, period: Period) -> float | None:
        """The last daily snapshot of ``key`` (all companies) taken during ``period``."""
        with self._context.store().session() as session:
            found = kpi_records.snapshot_history(key, since=period.first, session=session)
        inside = [v for d, v in found if d <= period.as_of]
        return _rounded(inside[-1]) if inside else None

    def _records(self) -> _Records:
        with self._context.store().session() as session:
            issues = tuple((i.id or 0, i.created_at, i.closed_at)
                           for i in problems.known_issues(session=session, include_closed=True))
            decisions = tuple((d.id or 0, d.created_at, d.decided_at, d.due_date)
                              for d in problems.decisions(session=session))
        return _Records(issues, decisions)

    # -- the executive summary -----------------------------------------------------------

    def _executive(self, period: Period, lines: tuple[KpiLine, ...]) -> Section:
        kpis = self._kpis_at(period.cut - _TICK)
        board = kpis.board(days=30)
        readiness = kpis.readiness(board=board)
        first = period.as_of - timedelta(days=27)
        charts = tuple(_series(board, key, title, first)
                       for key, title in (("open_backlog", "Open backlog per day"),
                                          ("inflow", "Inflow per day"),
                                          ("outflow", "Outflow per day")))
        by_key = {line.key: line for line in lines}
        summary = []
        backlog, inflow, outflow = (by_key.get(k) for k in ("open_backlog", "inflow", "outflow"))
        if backlog and inflow and outflow:
            change = (f" ({backlog.change:+g} on the week before)"
                      if backlog.change is not None else "")
            summary.append(f"Open backlog {_show(backlog.value)} at the week's end{change}; "
                           f"{_show(inflow.value)} tickets raised and {_show(outflow.value)} "
                           "closed during the week.")
        today = self._context.clock().astimezone(period.zone).date()
        window = Window.week(period.first, today)
        for key in ("sla_attainment", "training_gap_share"):
            line = by_key.get(key)
            if line is None:
                continue
            target = f" (target {format_value(line.target, line.unit)})" if line.target else ""
            summary.append(f"{line.label} {value_text(line.value, line.unit, window)}{target}."
                           if line.value is not None else
                           f"{line.label}: no value {window.label}.")
        met = sum(1 for c in readiness.criteria if c.status == "met")
        summary.append(f"Exit criteria: {met} of {len(readiness.criteria)} met"
                       f"{' (ready to exit)' if readiness.ready else ''}, judged on the daily "
                       f"values to {period.as_of:%a %-d %b} (each row names its days).")
        summary.append(f"Forecast: {readiness.forecast.explanation}.")
        return Section("executive", "Executive summary", tuple(summary), (
            table("kpis", "KPIs against the week before",
                  [("label", "KPI", "text"), ("value", "This week", "float"),
                   ("previous", "Week before", "float"), ("change", "Change", "float"),
                   ("unit", "Unit", "text"), ("target", "Target", "float"),
                   ("on_target", "On target", "text")],
                  [(k.label, k.value, k.previous, _rounded(k.change), k.unit, k.target,
                    "" if k.on_target is None else ("yes" if k.on_target else "no"))
                   for k in lines]),
            table("exit_criteria", "Exit criteria",
                  [("criterion", "Criterion", "text"), ("status", "Status", "text"),
                   ("value", "Value", "text"), ("trend", "Trend", "text"),
                   ("detail", "Detail", "text")],
                  [(c.label, c.status.replace("_", " "), c.value, c.trend, c.detail)
                   for c in readiness.criteria])), charts)


def _nothing(section: Section, period: Period) -> Section:
    sentence = (f"Nothing to report for {period.week}: no ticket was open, raised or closed, "
                "and no decision, known issue, backlog item or escalation was active.")
    return Section(section.key, section.title, (sentence, *section.summary), section.tables,
                   section.charts, section.warnings)


def _series(board: KpiBoard, key: str, title: str, first: date) -> Series:
    kpi = board.get(key)
    points = [(d, v) for d, v in (kpi.series if kpi else ()) if d >= first]
    return Series(title, tuple(d.isoformat() for d, _ in points),
                  tuple(float(v) for _, v in points), "tickets", "line")


def _judge(value: float | None, target: float | None, direction: str) -> bool | None:
    if value is None or target is None:
        return None
    return value >= target if direction == "up" else value <= target


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def _show(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}"

