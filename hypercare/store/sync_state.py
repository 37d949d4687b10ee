"""Sync cursors and the record of sync runs."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import update
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


def start_run(*, started_at: datetime, reconcile: bool, session: Session,
              pid: int | None = None, host: str = "") -> int:
    """Record a run as started by process ``pid`` on ``host``; returns its id."""
    run = SyncRun(started_at=started_at, status="running", reconcile=reconcile,
                  heartbeat_at=started_at, pid=pid, host=host)
    session.add(run)
    session.flush()
    assert run.id is not None
    return run.id


def beat(run_id: int, *, now: datetime, pages: int, rows: Mapping[str, int],
         session: Session) -> None:
    """The run is alive at ``now`` (written in the transaction of the page it just stored),
    with what it has saved so far."""
    session.execute(update(SyncRun).where(col(SyncRun.id) == run_id)
                    .values(heartbeat_at=now, pages=pages, rows=dict(rows)))


def running_runs(*, session: Session) -> list[SyncRun]:
    """Runs recorded as ``running`` (alive, or their process died), oldest first."""
    statement = select(SyncRun).where(col(SyncRun.status) == "running").order_by(
        col(SyncRun.id))
    return list(session.exec(statement))


def mark_abandoned(run_id: int, *, finished_at: datetime | None, note: str,
                   session: Session) -> bool:
    """Record that a ``running`` run's process is gone: ``abandoned``, ended at its last sign
    of life, ``note`` saying why. A run that ended meanwhile is left as it ended (the update
    is conditional, so it never overwrites a concurrent :func:`finish_run`). True when
    recorded."""
    result = session.execute(
        update(SyncRun)
        .where(col(SyncRun.id) == run_id, col(SyncRun.status) == "running")
        .values(status="abandoned", finished_at=finished_at, notes=note))
    return bool(getattr(result, "rowcount", 0))


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
