"""The scheduler's owner and its jobs' record: what ``hypercare serve`` and ``jobs list`` use.

:class:`SchedulerLease` wraps the store's scheduler lock (:mod:`hypercare.store.ownership`)
and publishes the owner's heartbeat (app state ``scheduler.owner``), which the TUI and a
stand-alone bot read to leave syncing and delivery to the owner. :class:`JobRecords` keeps
each named job's schedule, runs, failures, misses and last result.
The writes themselves (update first, then insert) are :mod:`hypercare.store.job_records`'s.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime

from hypercare.services.context import ServiceContext
from hypercare.services.system.setup import SCHEDULER_OWNER
from hypercare.store import job_records
from hypercare.store.ownership import SchedulerLock


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
                    job_records.clear_state_if(SCHEDULER_OWNER, self._beat_value,
                                               session=session)
        finally:
            self._lock.release()
            self._held = False

    def _beat(self) -> None:
        now = self._context.clock()
        value = json.dumps({"owner": self.owner, "heartbeat": now.isoformat()})
        with self._context.store().session() as session:
            job_records.write_state(SCHEDULER_OWNER, value, now=now, session=session)
        self._beat_value = value


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
            job_records.job_started(name, schedule=schedule, owner=owner, now=now,
                                    session=session)
        return now

    def finished(self, *, name: str, ok: bool, result: str) -> None:
        with self._context.store().session() as session:
            job_records.job_finished(name, ok=ok, result=result, now=self._context.clock(),
                                     session=session)

    def missed(self, *, name: str, schedule: str, why: str) -> None:
        with self._context.store().session() as session:
            job_records.job_missed(name, schedule=schedule, why=why, session=session)

    def states(self) -> list[JobStateView]:
        with self._context.store().session() as session:
            rows = job_records.job_states(session=session)
            return [JobStateView(r.name, r.schedule, r.runs, r.failures, r.missed,
                                 r.last_started_at, r.last_finished_at, r.last_ok,
                                 r.last_result, r.running_since, r.owner) for r in rows]

    def outbox_depth(self) -> dict[str, int]:
        """Outbox messages by state (pending, sending, dead, ...), sent ones left out."""
        with self._context.store().session() as session:
            return job_records.outbox_depth(session=session)
