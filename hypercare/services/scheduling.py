"""The scheduler's owner and its jobs' record: what ``hypercare serve`` and ``jobs list`` use.

:class:`SchedulerLease` wraps the store's scheduler lock (:mod:`hypercare.store.ownership`)
and publishes the owner's heartbeat (app state ``scheduler.owner``), which the TUI and a
stand-alone bot read to leave syncing and delivery to the owner. :class:`JobRecords` keeps
each named job's schedule, runs, failures, misses and last result.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select

from hypercare.services.context import ServiceContext
from hypercare.services.system import SCHEDULER_OWNER
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
        if not self._held:
            return
        with self._context.store().session() as session:
            row = session.get(AppState, SCHEDULER_OWNER)
            if row is not None and json.loads(row.value or "{}").get("owner") == self.owner:
                session.delete(row)
        self._lock.release()
        self._held = False

    def _beat(self) -> None:
        now = self._context.clock()
        value = json.dumps({"owner": self.owner, "heartbeat": now.isoformat()})
        with self._context.store().session() as session:
            set_state(SCHEDULER_OWNER, value, now=now, session=session)


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
        with self._context.store().session() as session:
            row = session.get(JobState, name) or JobState(name=name)
            row.schedule, row.last_started_at, row.running_since = schedule, now, now
            row.owner = owner
            session.add(row)
        return now

    def finished(self, *, name: str, ok: bool, result: str) -> None:
        now = self._context.clock()
        with self._context.store().session() as session:
            row = session.get(JobState, name) or JobState(name=name)
            row.runs += 1
            row.failures += 0 if ok else 1
            row.last_ok, row.last_result = ok, result[:1000]
            row.last_finished_at, row.running_since = now, None
            session.add(row)

    def missed(self, *, name: str, schedule: str, why: str) -> None:
        with self._context.store().session() as session:
            row = session.get(JobState, name) or JobState(name=name, schedule=schedule)
            row.missed += 1
            row.last_result = why[:1000]
            session.add(row)

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
