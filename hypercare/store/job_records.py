"""Each named job's record, its lease holder and its runs (``job_state``, ``job_run``).

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

from hypercare.store.tables import AppState, JobRun, JobState, OutboxMessage
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


def job_held(name: str, *, holder: str, command: str, now: datetime,
             session: Session) -> None:
    """``holder`` took the job's lease."""
    values = {"holder": holder, "holder_command": command, "held_since": now,
              "holder_beat_at": now}
    _write_job(name, values, values, session=session)


def jobs_beat(names: list[str], *, holder: str, now: datetime, session: Session) -> None:
    """``holder`` still holds these jobs' leases."""
    if names:
        session.execute(update(JobState).where(col(JobState.name).in_(names),
                                               col(JobState.holder) == holder)
                        .values(holder_beat_at=now))


def job_let_go(name: str, *, holder: str, session: Session) -> None:
    """``holder`` gave the job's lease up (a newer holder's record stays)."""
    session.execute(update(JobState).where(col(JobState.name) == name,
                                           col(JobState.holder) == holder)
                    .values(holder="", holder_command="", held_since=None,
                            holder_beat_at=None))


def run_started(name: str, *, host: str, pid: int, command: str, now: datetime,
                session: Session) -> int:
    """Record that this process started a run of ``name``; its id."""
    row = JobRun(name=name, host=host, pid=pid, command=command, started_at=now)
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def abandon_runs(name: str, *, now: datetime, session: Session) -> int:
    """Close the runs of ``name`` left unfinished (their process died mid-run): called by the
    process that now holds the job's run lock, which proves none of them still runs."""
    result = session.execute(update(JobRun).where(col(JobRun.name) == name,
                                                  col(JobRun.finished_at).is_(None))
                             .values(finished_at=now, ok=False,
                                     result="abandoned: its process stopped mid-run"))
    return int(getattr(result, "rowcount", 0) or 0)


def run_finished(run_id: int, *, ok: bool, result: str, now: datetime,
                 session: Session) -> None:
    session.execute(update(JobRun).where(col(JobRun.id) == run_id)
                    .values(finished_at=now, ok=ok, result=result[:500]))


def prune_runs(*, before: datetime, session: Session) -> int:
    """Forget finished runs that started before ``before``; how many."""
    result = session.execute(delete(JobRun).where(col(JobRun.started_at) < before,
                                                  col(JobRun.finished_at).is_not(None)))
    return int(getattr(result, "rowcount", 0) or 0)


def job_runs(*, name: str | None = None, session: Session) -> list[JobRun]:
    """Recorded runs, oldest first (of one job, or all)."""
    statement = select(JobRun).order_by(col(JobRun.started_at), col(JobRun.id))
    if name is not None:
        statement = statement.where(col(JobRun.name) == name)
    return list(session.exec(statement).all())


def job_states(*, session: Session) -> list[JobState]:
    return list(session.exec(select(JobState).order_by(col(JobState.name))).all())


def outbox_depth(*, session: Session) -> dict[str, int]:
    """Outbox messages by state (pending, sending, dead, ...), sent ones left out."""
    statement = (select(OutboxMessage.state, func.count())
                 .where(col(OutboxMessage.state) != "sent")
                 .group_by(col(OutboxMessage.state)))
    return {str(state): int(count) for state, count in session.exec(statement)}
