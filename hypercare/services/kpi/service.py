"""KPI services: the board, daily snapshots, adoption and watch KPIs, the exit readiness.

The board is computed from one joined SQL select turned into numpy columns (no ORM
loops), so it stays fast on a big store. Each day's values are stored as snapshots, so
trends survive later edits in Odoo and the weekly pack can compare weeks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypercare.errors import HypercareError, UsageError
from hypercare.kpi.exit import CriterionInput, Readiness, evaluate_exit
from hypercare.kpi.model import KpiBoard, KpiValue
from hypercare.kpi.registry import LEVELS, MONEY, SIGNALS, SNAPSHOT_DAYS, Window, parse_week
from hypercare.kpi.tickets import RecordCounts, ticket_board
from hypercare.services.access import Viewer
from hypercare.services.context import ServiceContext
from hypercare.services.kpi.inputs import as_columns
from hypercare.services.outbox import notifications
from hypercare.store import kpi_records, problems
from hypercare.store.sync_state import last_good_run, recent_runs

ADOPTION_KEYS = ("active_users", "quotations_created", "orders_confirmed", "invoices_posted")
ADOPTION_READ_AT = "kpi.adoption_read_at"
PER_CURRENCY = ("receivables_overdue_amount", "dso_days")
"""Signals kept per currency: stored as ``<key>:<currency code>``, never added."""
@dataclass(frozen=True)
class WatchView:
    name: str
    value: float | None
    threshold: float
    direction: str
    breached: bool
    error: str


@dataclass(frozen=True)
class AdoptionReport:
    days: int
    notes: tuple[str, ...]
    active_users_today: int | None
    internal_users: int


class KpiService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    # -- the board ---------------------------------------------------------------------------

    def board(self, *, days: int = 14, company: str | None = None, team: str | None = None,
              window: Window | None = None, check: bool = True) -> KpiBoard:
        """Every metric of the registry (:mod:`hypercare.kpi.registry`) for ``window`` (else
        the last ``days`` local days) and a scope (every company, ``company``, its
        ``team``), series from the go-live on: the one path every front end's numbers take.

        ``company``/``team`` are names (any case) of a synced ticket's company or team, else
        a UsageError listing the known ones (:mod:`hypercare.services.tickets.scopes`);
        ``check=False`` for a name the settings give (a viewer's company), which reads as a
        company without tickets."""
        if window is None and days < 1:
            raise UsageError("--days must be at least 1")
        from hypercare.services.tickets.scopes import resolve_scope
        from hypercare.services.triage.calendars import build_calendars

        now = self._context.clock()
        settings = self._context.settings
        if window is None:
            window = Window.last_days(days, now.astimezone(ZoneInfo(settings.timezone)).date())
        with self._context.store().session() as session:
            if check:
                scope = resolve_scope(company=company, team=team, session=session)
                company, team = scope.company, scope.team
            columns = as_columns(kpi_records.ticket_columns(session=session))
            records = self._records(session, now)
        board = ticket_board(columns, now=now, timezone=settings.timezone, window=window,
                             calendar=build_calendars(settings)["default"], company=company,
                             team=team, records=records, go_live=settings.go_live_of(company))
        return self._with_adoption(board, window.days)

    def window(self, *, days: int | None = None, week: str | None = None,
               day: date | None = None) -> Window:
        """The window a front end asked for: an ISO week (``2026-W49``), one local day, or
        the last ``days`` days (14 when nothing is given)."""
        today = self._context.clock().astimezone(ZoneInfo(self._context.settings.timezone)
                                                 ).date()
        if week is not None:
            monday, _ = parse_week(week)
            if monday > today:
                raise UsageError(f"{week} has not started yet",
                                 hint="Leave --week out for the last days.")
            return Window.week(monday, today)
        if day is not None:
            return Window.day(day, today)
        return Window.last_days(days or 14, today)

    def snapshot(self) -> int:
        """Store today's value of every KPI (all companies, and each company): the history."""
        now = self._context.clock()
        today = now.astimezone(ZoneInfo(self._context.settings.timezone)).date()
        boards = [self.board(days=SNAPSHOT_DAYS)]
        with self._context.store().session() as session:
            companies = sorted({str(c) for c in as_columns(
                kpi_records.ticket_columns(session=session)).company if c})
        boards.extend(self.board(days=SNAPSHOT_DAYS, company=c, check=False) for c in companies)
        rows = [{"day": today, "company": board.company or "", "key": kpi.key,
                 "value": kpi.value, "unit": kpi.unit, "taken_at": now}
                for board in boards for kpi in board.kpis]
        with self._context.store().session() as session:
            kpi_records.save_snapshots(rows, session=session)
        return len(rows)

    def history(self, *, key: str, days: int = 60, company: str = "") -> list[tuple[date, float]]:
        """Stored daily values of one KPI, oldest first (days are the command center's)."""
        zone = ZoneInfo(self._context.settings.timezone)
        today = self._context.clock().astimezone(zone).date()
        with self._context.store().session() as session:
            return kpi_records.snapshot_history(key, company=company,
                                                since=today - timedelta(days=days),
                                                session=session)

    # -- exit ----------------------------------------------------------------------------------

    def readiness(self, *, board: KpiBoard | None = None) -> Readiness:
        """Exit criteria's status, value and trend, forecast exit. Their history is one
        meaning per point: the daily snapshot (a level at the day's end, or a window metric
        over the :data:`SNAPSHOT_DAYS` days to that day), today's from a board of the same
        window (``board`` is reused when it is one)."""
        if board is None or board.days != SNAPSHOT_DAYS or board.company is not None:
            board = self.board(days=SNAPSHOT_DAYS, check=False)
        now = self._context.clock()
        today = now.astimezone(ZoneInfo(self._context.settings.timezone)).date()
        with self._context.store().session() as session:
            done = kpi_records.exit_records(session=session)
        criteria = []
        for c in self._context.settings.kpi.exit_criteria:
            record = done.get(c.key)
            criteria.append(CriterionInput(
                key=c.key, kind=c.kind, label=c.label, metric=c.metric, op=c.op,
                target=c.target, for_days=c.for_days, due=c.due, owner=c.owner,
                done_on=record.done_on if record else None,
                done_by=record.done_by if record else ""))
        start = self._context.settings.go_live_of(board.company) or date.min
        history = {kpi.key: [(d, v) for d, v in
                             _merged(self.history(key=kpi.key), kpi, today) if d >= start]
                   for kpi in board.kpis}
        return evaluate_exit(criteria, history=history, today=today, now=now)

    def record_exit(self, *, key: str, viewer: Viewer, done_on: date | None = None,
                    note: str = "") -> None:
        """Record a milestone reached or a sign-off given (leads)."""
        self._context.access.require(viewer, "exit")
        known = {c.key: c for c in self._context.settings.kpi.exit_criteria}
        if key not in known or known[key].kind == "metric":
            choices = ", ".join(k for k, c in known.items() if c.kind != "metric")
            raise UsageError(f"{key!r} is not a milestone or sign-off criterion",
                             hint=f"Known ones: {choices or 'none configured'}.")
        now = self._context.clock()
        day = done_on or now.astimezone(ZoneInfo(self._context.settings.timezone)).date()
        with self._context.store().session() as session:
            kpi_records.record_exit(key, done_on=day, done_by=viewer.name, note=note, now=now,
                                    session=session)

    # -- Odoo signals ----------------------------------------------------------------------------

    def read_adoption(self, *, days: int = 14) -> AdoptionReport:
        """Adoption and business signals from Odoo for the last ``days`` days, stored."""
        from hypercare.odoo.adoption import read_adoption

        client = self._client()
        now = self._context.clock()
        zone = self._context.settings.timezone
        end = now.astimezone(ZoneInfo(zone)).date()
        start = end - timedelta(days=days - 1)
        snapshot = read_adoption(client, models=self._context.settings.kpi.apps_in_scope,
                                 start=start, end=end, timezone=zone, now=now)
        rows: list[dict[str, Any]] = []
        for day, users in snapshot.active_users.items():
            rows.append({"day": day, "key": "active_users", "value": float(users),
                         "taken_at": now})
        for day, by_model in snapshot.active_users_by_model.items():
            rows.extend({"day": day, "key": f"active_users:{model}", "value": float(users),
                         "taken_at": now} for model, users in by_model.items())
        for daily in snapshot.signals:
            rows.extend({"day": daily.day, "key": key, "value": value, "taken_at": now}
                        for key, value in daily.values.items())
        at_now = {"receivables_overdue_count": snapshot.receivables_overdue_count,
                  "overdue_activities": snapshot.overdue_activities,
                  "late_deliveries": snapshot.late_deliveries,
                  "login_active": snapshot.login_active,
                  "internal_users": snapshot.internal_users}
        rows.extend({"day": end, "key": key, "value": float(value), "taken_at": now}
                    for key, value in at_now.items() if value is not None)
        per_currency = {"receivables_overdue_amount": snapshot.receivables_overdue_amount,
                        "dso_days": snapshot.dso_days}
        rows.extend({"day": end, "key": f"{key}:{code}", "value": float(value), "taken_at": now}
                    for key, amounts in per_currency.items()
                    for code, value in (amounts or {}).items())
        with self._context.store().session() as session:
            for key, amounts in per_currency.items():
                if amounts is not None:  # this read's currencies replace the day's
                    kpi_records.clear_adoption(key, day=end, session=session)
            kpi_records.save_adoption(rows, session=session)
        return AdoptionReport(days, tuple(f"{n.signal}: {n.reason}" for n in snapshot.notes),
                              snapshot.active_users.get(end), snapshot.internal_users)

    def snapshot_adoption(self) -> AdoptionReport:
        """The ``adoption_snapshot`` job's read of Odoo's adoption signals (the only one):
        the last 14 days the first time, the last 2 after that."""
        from hypercare.store.triage_records import get_state, set_state

        now = self._context.clock()
        with self._context.store().session() as session:
            last = get_state(ADOPTION_READ_AT, session=session)
        report = self.read_adoption(days=14 if last is None else 2)
        with self._context.store().session() as session:
            set_state(ADOPTION_READ_AT, now.isoformat(), now=now, session=session)
        return report

    def watch(self, *, alert: bool = True) -> list[WatchView]:
        """Evaluate the watch KPIs; a crossed threshold queues one alert per KPI and day."""
        from hypercare.odoo.watch import WatchSpec, evaluate_watch

        specs = [WatchSpec(w.name, w.model, w.domain, w.measure, w.field, w.threshold,
                           w.direction) for w in self._context.settings.kpi.watch]
        if not specs:
            return []
        now = self._context.clock()
        results = evaluate_watch(self._client(), specs, now=now)
        if alert:
            with self._context.store().session() as session:
                for result in results:
                    if result.breached:
                        notifications.enqueue(
                            session, self._context.settings, kind="watch_kpi",
                            key=f"watch:{result.name}:{now.date().isoformat()}",
                            recipient="L2", now=now,
                            payload={"name": result.name, "value": result.value,
                                     "threshold": result.threshold,
                                     "direction": result.direction})
        return [WatchView(r.name, r.value, r.threshold, r.direction, r.breached, r.error)
                for r in results]

    def check_odoo(self) -> bool:
        """Queue an S1-level alert when no sync reached Odoo for ``kpi.odoo_down_minutes``.

        Returns True when Odoo counts as down."""
        now = self._context.clock()
        limit = timedelta(minutes=self._context.settings.kpi.odoo_down_minutes)
        with self._context.store().session() as session:
            good = last_good_run(session=session)
            runs = recent_runs(limit=1, session=session)
            if not runs or runs[0].status != "failed":
                return False
            since = good.finished_at if good and good.finished_at else runs[0].started_at
            if since is None or now - since < limit:
                return False
            notifications.enqueue(
                session, self._context.settings, kind="odoo_unreachable",
                key=f"odoo_down:{since.isoformat()}", recipient="L2", now=now, urgent=True,
                payload={"since": since.isoformat(), "error": runs[0].error,
                         "minutes": int((now - since).total_seconds() // 60)})
            return True

    # -- helpers -------------------------------------------------------------------------------

    def _client(self) -> Any:
        if self._context.connect_odoo is None:
            raise HypercareError("no Odoo is configured to read signals from",
                                 hint="Set HYPERCARE_ODOO__URL and friends.")
        return self._context.connect_odoo()

    def _records(self, session: Any, now: datetime) -> RecordCounts:
        today = now.astimezone(ZoneInfo(self._context.settings.timezone)).date()
        issues = problems.known_issues(session=session)
        linked = problems.linked_counts(session=session)
        open_decisions = problems.decisions(session=session, status="open")
        return RecordCounts(
            known_issues_open=len(issues),
            tickets_behind_known_issues=sum(linked.get(i.id or 0, 0) for i in issues),
            decisions_open=len(open_decisions),
            decisions_overdue=sum(1 for d in open_decisions
                                  if d.due_date is not None and d.due_date < today),
            standup_items_decided=tuple(kpi_records.standup_throughput(session=session)))

    def _with_adoption(self, board: KpiBoard, days: int) -> KpiBoard:
        """Add the adoption KPIs from the stored Odoo signals (absent until first read)."""
        today = board.now.astimezone(ZoneInfo(board.timezone)).date()
        since = today - timedelta(days=days)
        with self._context.store().session() as session:
            users = kpi_records.adoption_history("active_users", since=since, session=session)
            internal = kpi_records.adoption_history("internal_users", since=since,
                                                    session=session)
        signals = self._signal_kpis(since)
        if not users:
            return board.with_kpis((*board.kpis, *signals)) if signals else board
        licensed = self._context.settings.kpi.licensed_users or (internal[-1][1] if internal
                                                                else None)
        latest = users[-1][0]
        per_app: list[tuple[str, float]] = []
        with self._context.store().session() as session:
            for model in self._context.settings.kpi.apps_in_scope:
                found = kpi_records.adoption_history(f"active_users:{model}", since=latest,
                                                     session=session)
                if found:
                    per_app.append((model, found[-1][1]))
        extra = [_signal("active_users", users[-1][1], series=tuple(users),
                         breakdown=tuple(sorted(per_app, key=lambda p: -p[1])))]
        if licensed:
            share = [(d, round(100 * v / licensed, 1)) for d, v in users]
            extra.append(_signal("active_user_share", share[-1][1], series=tuple(share)))
        return board.with_kpis((*board.kpis, *extra, *signals))

    def _signal_kpis(self, since: date) -> list[KpiValue]:
        """Business signals read from Odoo, against the pre-go-live baseline when set."""
        baseline = self._context.settings.kpi.baseline
        found = []
        with self._context.store().session() as session:
            for key in SIGNALS:
                if key in ("active_users", "active_user_share"):
                    continue  # read with the users above
                if key in PER_CURRENCY:
                    kpi = _per_currency(key, kpi_records.adoption_histories(
                        key, since=since, session=session), target=baseline.get(key))
                    found.extend([kpi] if kpi is not None else [])
                    continue
                series = kpi_records.adoption_history(key, since=since, session=session)
                if series:
                    found.append(_signal(key, series[-1][1], series=tuple(series),
                                         target=baseline.get(key)))
        return found


def _per_currency(key: str, histories: dict[str, list[tuple[date, float]]], *,
                  target: float | None) -> KpiValue | None:
    """A signal stored per currency (``receivables_overdue_amount:EUR``), for the currencies
    of the latest read: in one currency its value (money with that currency's code as its
    unit), in several no value and a breakdown per currency. Never a sum across currencies
    (nor a mixed target: a baseline is one number, so it only applies to one currency)."""
    if not histories:
        return None
    latest = max(series[-1][0] for series in histories.values())
    current = {code: series for code, series in sorted(histories.items())
               if series[-1][0] == latest}
    if len(current) == 1:
        [(code, series)] = current.items()
        unit = code if SIGNALS[key].unit == MONEY else SIGNALS[key].unit
        return _signal(key, series[-1][1], series=tuple(series), target=target, unit=unit)
    return _signal(key, None, series=(), breakdown=tuple(
        (code, series[-1][1]) for code, series in current.items()))


def _signal(key: str, value: float | None, *, series: tuple[tuple[date, float], ...],
            breakdown: tuple[tuple[str, float], ...] = (),
            target: float | None = None, unit: str | None = None) -> KpiValue:
    """A business signal as the registry defines it (``unit``: a currency's code for money
    in one currency)."""
    spec = SIGNALS[key]
    return KpiValue(key, spec.label, value, unit or spec.unit, spec.direction,
                    target if target is not None else spec.target, spec.definition,
                    series=series, breakdown=breakdown)


def _merged(stored: list[tuple[date, float]], kpi: KpiValue,
            today: date) -> list[tuple[date, float]]:
    """Stored snapshots with today's value from the live board (same window); a level's
    earlier days without a snapshot are filled from the board's series (a level's daily
    series value is what its snapshot would have been; a window metric's is not)."""
    by_day = dict(stored)
    if kpi.key in LEVELS:
        for day, value in kpi.series:
            by_day.setdefault(day, value)
        if kpi.series and kpi.series[-1][0] == today:
            by_day[today] = kpi.series[-1][1]  # as of the board's moment (a pack's week end)
        elif kpi.value is not None and not kpi.series:
            by_day[today] = kpi.value
    elif kpi.value is not None:
        by_day[today] = kpi.value
    return sorted(by_day.items())
