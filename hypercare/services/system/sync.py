"""Sync services: run a sync, and say how syncing has been going."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from hypercare.errors import ConfigError, HypercareError
from hypercare.services.context import ServiceContext
from hypercare.store import sync_state
from hypercare.store.engine import is_read_only
from hypercare.store.tables import SyncRun
from hypercare.store.tickets import count_tickets
from hypercare.sync import liveness

if TYPE_CHECKING:
    from hypercare.services.triage.classification import TriageService
    from hypercare.sync.runner import Progress, SyncReport

if TYPE_CHECKING:
    from hypercare.odoo import OdooClient


@dataclass(frozen=True)
class RunView:
    """One recorded sync run. ``status`` is ``running``, ``ok``, ``failed`` or ``abandoned``
    (its process died mid-run; ``notes`` say how it was found)."""

    run_id: int
    started_at: datetime | None
    finished_at: datetime | None
    status: str
    reconcile: bool
    pages: int
    rows: dict[str, int]
    rpc_calls: dict[str, int]
    pull_seconds: float
    derive_seconds: float
    error: str
    notes: str
    heartbeat_at: datetime | None = None
    """Its last sign of life (set at the start and as each page commits)."""
    pid: int | None = None
    host: str = ""

    @property
    def duration(self) -> timedelta | None:
        """Wall time of the run (None while running)."""
        if self.started_at is None or self.finished_at is None:
            return None
        return self.finished_at - self.started_at


@dataclass(frozen=True)
class CursorView:
    """How far one Odoo model has been read."""

    model: str
    write_date: datetime | None
    last_id: int


@dataclass(frozen=True)
class SyncStatus:
    """What ``sync --status`` shows."""

    runs: tuple[RunView, ...]
    cursors: tuple[CursorView, ...]
    last_good_at: datetime | None
    stale: bool
    stale_after: timedelta
    tickets: int
    open_tickets: int


class SyncService:
    """Runs syncs with one Odoo connection kept across runs (re-opened after a failure)."""

    def __init__(self, context: ServiceContext, triage: TriageService | None = None) -> None:
        self._context = context
        self._triage = triage
        self._client: OdooClient | None = None
        self._lock = threading.Lock()

    def run_sync(self, *, reconcile: bool = False, progress: Progress | None = None) -> SyncReport:
        """Pull what changed in Odoo since the last run into the store."""
        from hypercare.sync.runner import SyncEngine  # the connector loads when a sync runs

        with self._lock:
            try:
                client = self._connect()
            except HypercareError as exc:
                self._record_unreachable(exc)
                raise
            engine = SyncEngine(
                client, self._context.store(), self._context.settings.sync,
                clock=self._context.clock,
                classify=self._triage.classify_stored if self._triage else None,
            )
            try:
                report = engine.run(reconcile=reconcile, progress=progress)
            except Exception:
                self._drop_client()
                raise
        return report

    def sync_status(self, *, limit: int = 10) -> SyncStatus:
        """Recent runs, cursors, ticket counts and whether the data is stale.

        A run left ``running`` by a process that is gone is stored as ``abandoned`` (only
        shown so on a store this process may not write)."""
        settings = self._context.settings.sync
        stale_after = timedelta(minutes=settings.stale_after_minutes)
        store = self._context.store()
        now = self._context.clock()
        with store.session() as session:
            if is_read_only(store.engine):
                dead = liveness.find_abandoned(sync_state.running_runs(session=session), now=now)
            else:
                dead = liveness.abandon_dead_runs(now=now, session=session)
            runs = tuple(_run_view(run, dead.get(run.id or 0))
                         for run in sync_state.recent_runs(limit=limit, session=session))
            good = sync_state.last_good_run(session=session)
            cursors = tuple(CursorView(c.model, c.write_date, c.last_id)
                            for c in sync_state.all_cursors(session=session))
            total, open_ = count_tickets(session=session)
        last_good_at = good.finished_at if good else None
        stale = last_good_at is None or now - last_good_at > stale_after
        return SyncStatus(runs, cursors, last_good_at, stale, stale_after, total, open_)

    def close(self) -> None:
        """Close the Odoo connection."""
        with self._lock:
            self._drop_client()

    def _connect(self) -> OdooClient:
        if self._client is None:
            if self._context.connect_odoo is None:
                raise ConfigError(
                    "no Odoo is configured, so there is nothing to sync",
                    hint="Set HYPERCARE_ODOO__URL, __DB, __LOGIN and __API_KEY "
                    "(or try `hypercare demo`).",
                )
            self._client = self._context.connect_odoo()
        return self._client

    def _record_unreachable(self, exc: HypercareError) -> None:
        """A run that could not even connect is still a failed run in the record."""
        now = self._context.clock()
        here = liveness.this_process()
        with self._context.store().session() as session:
            run_id = sync_state.start_run(started_at=now, reconcile=False, pid=here.pid,
                                          host=here.host, session=session)
            sync_state.finish_run(
                run_id, finished_at=now, status="failed", pages=0, rows={}, rpc_calls={},
                pull_seconds=0.0, derive_seconds=0.0, error=exc.message, session=session,
            )

    def _drop_client(self) -> None:
        if self._client is not None:
            try:
                self._client.close()
            finally:
                self._client = None


def _run_view(run: SyncRun, abandoned: str | None = None) -> RunView:
    """``abandoned``: the note of a run found abandoned but not stored so (read-only store)."""
    assert run.id is not None
    status, finished_at, notes = run.status, run.finished_at, run.notes
    if abandoned is not None and status == "running":
        status, finished_at, notes = "abandoned", run.heartbeat_at or run.started_at, abandoned
    return RunView(
        run_id=run.id, started_at=run.started_at, finished_at=finished_at,
        status=status, reconcile=run.reconcile, pages=run.pages, rows=dict(run.rows),
        rpc_calls=dict(run.rpc_calls), pull_seconds=run.pull_seconds,
        derive_seconds=run.derive_seconds, error=run.error, notes=notes,
        heartbeat_at=run.heartbeat_at, pid=run.pid, host=run.host,
    )
