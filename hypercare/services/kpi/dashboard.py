"""The command center's dashboard: KPI tiles, the SLA watch list, the category mix, the
known issues with most tickets, escalations awaiting acknowledgement, exit readiness and sync;
and the escalation levels whose alerts nobody would receive.

One call builds it all from one read of the queue rows (or the caller's), one 30-day KPI
board (shared with the readiness evaluation) and a few small queries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from hypercare.kpi.exit import Readiness
from hypercare.kpi.model import KpiBoard, KpiValue
from hypercare.services.access import Viewer
from hypercare.services.context import ServiceContext
from hypercare.services.kpi.service import KpiService
from hypercare.services.problems.known_issues import KnownIssueService, KnownIssueView
from hypercare.services.system.sync import SyncService, SyncStatus
from hypercare.services.tickets.queue import QueueFilter, QueueService, filter_rows
from hypercare.services.tickets.queue_row import QueueRow
from hypercare.services.triage import escalation_views
from hypercare.services.triage.escalation_views import EscalationView
from hypercare.services.triage.levels import unreachable_levels

TILE_KEYS = ("open_backlog", "open_s1", "inflow", "outflow", "sla_attainment", "sla_breaches",
             "mttr", "training_gap_share")
SHORT_LABELS = {"open_backlog": "Backlog", "sla_attainment": "SLA met", "sla_breaches": "Breaches",
                "training_gap_share": "Training gap"}
"""A tile's title where its metric's label does not fit (a narrow tile); the registry's label
(:data:`hypercare.kpi.registry.METRICS`) everywhere else."""
BOARD_DAYS = 30
SPARK_POINTS = 14
SLA_WATCH = 15
TOP_KNOWN_ISSUES = 5
AWAITING_SHOWN = 10


@dataclass(frozen=True)
class KpiTile:
    """One KPI as a dashboard tile."""

    key: str
    label: str
    value: float | None
    unit: str
    direction: str
    """``up`` or ``down``: which way is good."""
    target: float | None
    on_target: bool | None
    spark: tuple[float, ...]
    """The last 14 daily values of the KPI's series, oldest first."""
    week_delta: float | None
    """The series' last value minus its value 7 days before (None when there is none)."""
    definition: str
    window: str = ""
    """The days the value is for, as it reads after it (``in the last 30 days``)."""
    short_label: str = ""
    """The title of a narrow tile (:data:`SHORT_LABELS`; the label when it is short)."""


@dataclass(frozen=True)
class Dashboard:
    """Everything the dashboard screen shows, at ``now``."""

    now: datetime
    timezone: str
    tiles: tuple[KpiTile, ...]
    """In :data:`TILE_KEYS` order (those the board holds)."""
    sla_watch: tuple[QueueRow, ...]
    """Open tickets breached or at risk, most urgent first, at most 15."""
    breached: int
    at_risk: int
    category_mix: tuple[tuple[str, int], ...]
    """Open tickets by category ("unclassified" for never classified), most first."""
    known_issues: tuple[KnownIssueView, ...]
    """The five not-closed known issues with most linked tickets."""
    awaiting_ack: tuple[EscalationView, ...]
    """Escalations nobody acknowledged: open or waiting for approval, then the baseline
    ones (already past their SLA when hypercare started watching); each newest first, at
    most 10."""
    awaiting_ack_total: int
    readiness: Readiness
    sync: SyncStatus
    baseline_total: int = 0
    """How many of ``awaiting_ack_total`` are baseline escalations."""
    unreachable_levels: tuple[str, ...] = ()
    """Escalation levels whose alerts would go to dead letters, described
    (:mod:`hypercare.services.triage.levels`)."""


class DashboardService:
    """Builds the dashboard from the other services."""

    def __init__(self, context: ServiceContext, kpis: KpiService, sync: SyncService,
                 known_issues: KnownIssueService, queue: QueueService) -> None:
        self._context = context
        self._kpis = kpis
        self._sync = sync
        self._known_issues = known_issues
        self._queue = queue

    def dashboard(self, *, viewer: Viewer, rows: Sequence[QueueRow] | None = None) -> Dashboard:
        """The dashboard for ``viewer``: tickets of their companies, masked for them (the KPI
        tiles are one company's when they may see exactly one).

        ``rows``: the queue rows when the caller already holds them (saves a store read).
        """
        now = self._context.clock()
        if rows is None:
            rows = self._queue.load_rows(viewer=viewer)
        only = sorted(viewer.companies) if viewer.companies is not None else []
        board = self._kpis.board(days=BOARD_DAYS, check=False,
                                 company=only[0] if len(only) == 1 else None)
        open_rows = filter_rows(rows, QueueFilter(status="open"))
        watch = [row for row in open_rows if row.sla_state in ("breached", "at_risk")]
        breached = sum(1 for row in watch if row.sla_state == "breached")
        mix = Counter(row.category or "unclassified" for row in open_rows)
        issues = sorted(self._known_issues.list_issues(), key=lambda i: (-i.linked, i.id))
        with self._context.store().session() as session:
            awaiting, awaiting_total = escalation_views.awaiting(
                settings=self._context.settings, viewer=viewer, limit=AWAITING_SHOWN,
                session=session)
            baseline = escalation_views.baseline_count(session=session)
        return Dashboard(
            now=now,
            timezone=self._context.settings.timezone,
            tiles=tiles(board),
            sla_watch=tuple(watch[:SLA_WATCH]),
            breached=breached,
            at_risk=len(watch) - breached,
            category_mix=tuple(sorted(mix.items(), key=lambda pair: (-pair[1], pair[0]))),
            known_issues=tuple(issues[:TOP_KNOWN_ISSUES]),
            awaiting_ack=tuple(awaiting),
            awaiting_ack_total=awaiting_total,
            readiness=self._kpis.readiness(board=board),
            sync=self._sync.sync_status(limit=5),
            baseline_total=baseline,
            unreachable_levels=tuple(unreachable_levels(self._context.settings)),
        )


def tiles(board: KpiBoard) -> tuple[KpiTile, ...]:
    """The board's dashboard KPIs as tiles, in :data:`TILE_KEYS` order."""
    found = []
    for key in TILE_KEYS:
        kpi = board.get(key)
        if kpi is not None:
            found.append(tile(kpi, board.window_label))
    return tuple(found)


def tile(kpi: KpiValue, window: str = "") -> KpiTile:
    """One KPI as a tile: its last 14 daily values and its change over a week."""
    return KpiTile(
        key=kpi.key, label=kpi.label, value=kpi.value, unit=kpi.unit, direction=kpi.direction,
        target=kpi.target, on_target=kpi.on_target,
        spark=tuple(float(value) for _, value in kpi.series[-SPARK_POINTS:]),
        week_delta=week_delta(kpi), definition=kpi.definition, window=window,
        short_label=SHORT_LABELS.get(kpi.key, kpi.label))


def week_delta(kpi: KpiValue) -> float | None:
    """The last point of the series minus the point dated 7 days before it (series leave
    out days without data, so the point is found by date, not by position)."""
    if not kpi.series:
        return None
    last_day, last = kpi.series[-1]
    earlier = dict(kpi.series).get(last_day - timedelta(days=7))
    if earlier is None:
        return None
    return float(last) - float(earlier)
