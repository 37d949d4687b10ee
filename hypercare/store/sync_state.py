"""Sync cursors and the record of sync runs."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlmodel import Session, col, func, select

from hypercare.store.tables import SyncCursor, SyncRun


def get_cursor(model: str, *, session: Session) -> SyncCursor | None:
    """How far ``model`` was read, or None before the first sync."""
    return session.get(SyncCursor, model)


def save_cursor(
    model: str, write_date: datetime | None, last_id: int, *, now: datetime, session: Session
) -> None:
    """Advance the cursor (in the same transaction as the page it covers)."""
    cursor = session.get(SyncCursor, model)
    if cursor is None:
        cursor = SyncCursor(model=model)
    cursor.write_date = write_date
    cursor.last_id = last_id
    cursor.updated_at = now
    session.add(cursor)


def start_run(*, started_at: datetime, reconcile: bool, session: Session) -> int:
    """Record a run as started; returns its id."""
    run = SyncRun(started_at=started_at, status="running", reconcile=reconcile)
    session.add(run)
    session.flush()
    assert run.id is not None
    return run.id


def finish_run(
    run_id: int,
    *,
    finished_at: datetime,
    status: str,
    pages: int,
    rows: Mapping[str, int],
    rpc_calls: Mapping[str, int],
    pull_seconds: float,
    derive_seconds: float,
    error: str = "",
    notes: str = "",
    session: Session,
) -> None:
    """Record how a run ended."""
    run = session.get(SyncRun, run_id)
    if run is None:  # pragma: no cover - the row is written before any work
        return
    run.finished_at = finished_at
    run.status = status
    run.pages = pages
    run.rows = dict(rows)
    run.rpc_calls = dict(rpc_calls)
    run.pull_seconds = pull_seconds
    run.derive_seconds = derive_seconds
    run.error = error
    run.notes = notes
    session.add(run)


def all_cursors(*, session: Session) -> list[SyncCursor]:
    """Every cursor, by model name."""
    return list(session.exec(select(SyncCursor).order_by(col(SyncCursor.model))))


def recent_runs(*, limit: int = 10, session: Session) -> list[SyncRun]:
    """The latest runs, newest first."""
    statement = select(SyncRun).order_by(col(SyncRun.started_at).desc()).limit(limit)
    return list(session.exec(statement))


def last_good_run(*, session: Session) -> SyncRun | None:
    """The latest run that finished without error."""
    statement = (
        select(SyncRun)
        .where(SyncRun.status == "ok")
        .order_by(col(SyncRun.started_at).desc())
        .limit(1)
    )
    return session.exec(statement).first()


def count_runs(*, session: Session) -> int:
    """How many runs were recorded (used to schedule reconciliations)."""
    return int(session.exec(select(func.count()).select_from(SyncRun)).one())
