"""The scheduler owner's heartbeat and each named job's record (``app_state``, ``job_state``).

Every write starts its transaction with an UPDATE (an INSERT only when no row was updated):
on SQLite a transaction that reads first and writes later fails at once with "database is
locked" when another connection wrote in between, and the owner's jobs all start together;
a first write waits its turn instead.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from hypercare.store.tables import AppState, JobState, OutboxMessage
from hypercare.store.triage_records import set_state


def _updated(session: Session, statement: Any) -> bool:
    """Run an UPDATE; True when it changed a row."""
    return bool(getattr(session.execute(statement), "rowcount", 0))


def write_state(key: str, value: str, *, now: datetime, session: Session) -> None:
    """Set app state ``key`` (update first, insert when missing)."""
    if not _updated(session, update(AppState).where(col(AppState.key) == key)
                    .values(value=value, updated_at=now)):
        set_state(key, value, now=now, session=session)


def clear_state_if(key: str, value: str, *, session: Session) -> None:
    """Remove app state ``key`` only while it still holds ``value`` (ours)."""
    session.execute(delete(AppState).where(col(AppState.key) == key,
                                           col(AppState.value) == value))


def _write_job(name: str, changes: dict[str, Any], new: dict[str, Any], *,
               session: Session) -> None:
    if not _updated(session, update(JobState).where(col(JobState.name) == name)
                    .values(**changes)):
        session.add(JobState(name=name, **new))


def job_started(name: str, *, schedule: str, owner: str, now: datetime,
                session: Session) -> None:
    values = {"schedule": schedule, "last_started_at": now, "running_since": now,
              "owner": owner}
    _write_job(name, values, values, session=session)


def job_finished(name: str, *, ok: bool, result: str, now: datetime,
                 session: Session) -> None:
    done = {"last_ok": ok, "last_result": result[:1000], "last_finished_at": now,
            "running_since": None}
    _write_job(name, {"runs": JobState.runs + 1,
                      "failures": JobState.failures + (0 if ok else 1), **done},
               {"runs": 1, "failures": 0 if ok else 1, **done}, session=session)


def job_missed(name: str, *, schedule: str, why: str, session: Session) -> None:
    _write_job(name, {"missed": JobState.missed + 1, "last_result": why[:1000]},
               {"schedule": schedule, "missed": 1, "last_result": why[:1000]},
               session=session)


def job_states(*, session: Session) -> list[JobState]:
    return list(session.exec(select(JobState).order_by(col(JobState.name))).all())


def outbox_depth(*, session: Session) -> dict[str, int]:
    """Outbox messages by state (pending, sending, dead, ...), sent ones left out."""
    statement = (select(OutboxMessage.state, func.count())
                 .where(col(OutboxMessage.state) != "sent")
                 .group_by(col(OutboxMessage.state)))
    return {str(state): int(count) for state, count in session.exec(statement)}
