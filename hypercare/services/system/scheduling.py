"""The scheduler's owner and its jobs' record: what ``hypercare serve`` and ``jobs list`` use.

:class:`SchedulerLease` wraps the store's scheduler lock (:mod:`hypercare.store.ownership`)
and publishes the owner's heartbeat (app state ``scheduler.owner``), which the TUI and a
stand-alone bot read to leave syncing and delivery to the owner. :class:`JobRecords` keeps
each named job's schedule, runs, failures, misses and last result.

Every write here starts its transaction with an UPDATE (an INSERT only when no row was
updated): on SQLite a transaction that reads first and writes later fails at once with
"database is locked" when another connection wrote in between (the busy timeout does not
apply), and the owner's jobs all start together; a first write waits its turn instead.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import col, select

from hypercare.services.context import ServiceContext
from hypercare.services.system.setup import SCHEDULER_OWNER
from hypercare.store.ownership import SchedulerLock
from hypercare.store.tables import AppState, JobState, OutboxMessage
from hypercare.store.triage_records import set_state


def process_name() -> str:
    """``host:pid``: how a serve process is named in logs, heartbeats and job records."""
    return f"{socket.gethostname()}:{os.getpid()}"


class SchedulerLease:
    """This process's claim to run the scheduler on the store."""

    def __init__(self, context: ServiceContext, owner: str | None = None) -> None:
        self._context = context
        self.owner = owner or process_name()
        self._lock = SchedulerLock(context.store().engine)
        self._held = False
        self._beat_value: str | None = None

    @property
    def held(self) -> bool:
        return self._held

    def acquire(self) -> bool:
        """Take the scheduler if nobody runs it; True when this process owns it now."""
        if not self._held and self._lock.try_acquire():
            self._held = True
        if self._held:
            self._beat()
        return self._held

    def renew(self) -> bool:
        """Check the lock is still ours and renew the heartbeat; False when it was lost."""
        if not self._held:
            return False
        if not self._lock.held():
            self._held = False
            return False
        self._beat()
        return True

    def release(self) -> None:
        """Give the lock back and clear our heartbeat; the lock is released even when the
        store does not answer (then the heartbeat just goes stale)."""
        if not self._held:
            return
        try:
            if self._beat_value is not None:  # ours, unless another owner wrote since
                with self._context.store().session() as session:
                    session.execute(delete(AppState).where(
                        col(AppState.key) == SCHEDULER_OWNER,
                        col(AppState.value) == self._beat_value))
        finally:
            self._lock.release()
            self._held = False

    def _beat(self) -> None:
        now = self._context.clock()
        value = json.dumps({"owner": self.owner, "heartbeat": now.isoformat()})
        with self._context.store().session() as session:
            if not _updated(session, update(AppState)
                            .where(col(AppState.key) == SCHEDULER_OWNER)
                            .values(value=value, updated_at=now)):
                set_state(SCHEDULER_OWNER, value, now=now, session=session)
        self._beat_value = value


def _updated(session: Any, statement: Any) -> bool:
    """Run an UPDATE; True when it changed a row."""
    return bool(getattr(session.execute(statement), "rowcount", 0))


@dataclass(frozen=True)
class JobStateView:
    """One named job, as ``hypercare jobs list`` and ``/healthz`` show it."""

    name: str
    schedule: str
    runs: int
    failures: int
    missed: int
    last_started_at: datetime | None
    last_finished_at: datetime | None
    last_ok: bool | None
    last_result: str
    running_since: datetime | None
    owner: str


class JobRecords:
    """Each job's record in the store, shared by every process on it."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def started(self, *, name: str, schedule: str, owner: str) -> datetime:
        now = self._context.clock()
        values = {"schedule": schedule, "last_started_at": now, "running_since": now,
                  "owner": owner}
        self._write(name, values, values)
        return now

    def finished(self, *, name: str, ok: bool, result: str) -> None:
        now = self._context.clock()
        done = {"last_ok": ok, "last_result": result[:1000], "last_finished_at": now,
                "running_since": None}
        self._write(name, {"runs": JobState.runs + 1,
                           "failures": JobState.failures + (0 if ok else 1), **done},
                    {"runs": 1, "failures": 0 if ok else 1, **done})

    def missed(self, *, name: str, schedule: str, why: str) -> None:
        self._write(name, {"missed": JobState.missed + 1, "last_result": why[:1000]},
                    {"schedule": schedule, "missed": 1, "last_result": why[:1000]})

    def _write(self, name: str, changes: dict[str, Any], new: dict[str, Any]) -> None:
        """Update the job's row with ``changes``, or create it with ``new``."""
        with self._context.store().session() as session:
            if not _updated(session, update(JobState).where(col(JobState.name) == name)
                            .values(**changes)):
                session.add(JobState(name=name, **new))

    def states(self) -> list[JobStateView]:
        with self._context.store().session() as session:
            rows = session.exec(select(JobState).order_by(col(JobState.name))).all()
            return [JobStateView(r.name, r.schedule, r.runs, r.failures, r.missed,
                                 r.last_started_at, r.last_finished_at, r.last_ok,
                                 r.last_result, r.running_since, r.owner) for r in rows]

    def outbox_depth(self) -> dict[str, int]:
        """Outbox messages by state (pending, sending, dead, ...), sent ones left out."""
        statement = (select(OutboxMessage.state, func.count())
                     .where(col(OutboxMessage.state) != "sent")
                     .group_by(col(OutboxMessage.state)))
        with self._context.store().session() as session:
            return {str(state): int(count) for state, count in session.exec(statement)}
