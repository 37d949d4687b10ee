"""Who runs each periodic job, and each job's record: what the job hosts and ``jobs list`` use.

Every named job has a **lease**: a lock on the store (:mod:`hypercare.store.ownership`) that
exactly one process holds at a time, released when it dies. Which process may take which
jobs is :data:`PROCESS_JOBS`; a running ``hypercare serve`` holds the ``serve`` lock, and
the others give their leases up when they see it. A job's **run** takes a second lock
(``run:NAME``), so work done "now" outside the schedule (the refresh behind the TUI's ``r``)
never runs beside the scheduled one. :class:`JobRecords` keeps each job's schedule, runs,
failures, misses, holder and every run with the process that ran it.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from hypercare.errors import UsageError
from hypercare.services.context import ServiceContext
from hypercare.services.system.setup import SCHEDULER_OWNER
from hypercare.store import job_records

SERVE = "serve"
"""The lock a running ``hypercare serve`` holds: while it does, it runs every job."""
COMMANDS = ("serve", "bot", "tui", "demo", "cli")
_WORKING_SET = ("sync", "triage_sweep", "writeback_retry")
PROCESS_JOBS: dict[str, tuple[str, ...] | None] = {
    "serve": None,  # every job
    "bot": ("outbox_deliver", "slack_followups", *_WORKING_SET),
    "tui": _WORKING_SET,
    "demo": _WORKING_SET,
    "cli": (),  # `jobs run NAME` runs one job now (holding its run lock), and takes no lease
}
"""The jobs each kind of process takes while no ``serve`` runs (None: all of them)."""
RUNS_KEPT = timedelta(days=7)


def process_name() -> str:
    """``host:pid``: how a process is named in logs, heartbeats and job records."""
    return f"{socket.gethostname()}:{os.getpid()}"


def jobs_for(command: str, names: list[str]) -> list[str]:
    """The jobs among ``names`` a ``command`` process takes while no serve runs."""
    if command not in PROCESS_JOBS:
        raise UsageError(f"no such kind of process: {command!r}",
                         hint="One of: " + ", ".join(COMMANDS) + ".")
    wanted = PROCESS_JOBS[command]
    return list(names) if wanted is None else [n for n in names if n in wanted]


class JobLeases:
    """This process's leases on the store's jobs (and, for a serve, the ``serve`` lock)."""

    def __init__(self, context: ServiceContext, *, command: str) -> None:
        if command not in PROCESS_JOBS:
            raise UsageError(f"no such kind of process: {command!r}")
        self._context = context
        self.command = command
        self.process = process_name()
        self._locks = context.locks()
        self._serve_beat: str | None = None

    @property
    def serving(self) -> bool:
        """True while this process holds the ``serve`` lock."""
        return self._locks.holds(SERVE)

    @property
    def held(self) -> set[str]:
        """The jobs whose lease this process holds."""
        return {n.removeprefix("lease:") for n in self._locks.names if n.startswith("lease:")}

    # -- the serve ----------------------------------------------------------------------------

    def claim_serve(self) -> bool:
        """Take the ``serve`` lock (one serve per store runs the jobs); True when ours."""
        if not self._locks.holds(SERVE):
            if not self._locks.try_acquire(SERVE):
                return False
            self._locks.hand_over(SERVE)
        now = self._context.clock()
        value = json.dumps({"owner": self.process, "heartbeat": now.isoformat()})
        with self._context.store().session() as session:
            job_records.write_state(SCHEDULER_OWNER, value, now=now, session=session)
        self._serve_beat = value
        return True

    def serve_elsewhere(self) -> bool:
        """True while another process runs ``hypercare serve`` on this store."""
        return self._locks.held_elsewhere(SERVE)

    def release_serve(self) -> None:
        if not self._locks.holds(SERVE):
            return
        try:
            if self._serve_beat is not None:
                with self._context.store().session() as session:
                    job_records.clear_state_if(SCHEDULER_OWNER, self._serve_beat,
                                               session=session)
        finally:
            self._locks.release(SERVE)

    # -- job leases ---------------------------------------------------------------------------

    def take(self, name: str) -> bool:
        """Take job ``name``'s lease if nobody holds it; True when this process does."""
        key = f"lease:{name}"
        if self._locks.holds(key):
            return True
        if not self._locks.try_acquire(key):
            return False
        self._locks.hand_over(key)
        with self._context.store().session() as session:
            job_records.job_held(name, holder=self.process, command=self.command,
                                 now=self._context.clock(), session=session)
        return True

    def give_up(self, name: str) -> None:
        """Let job ``name``'s lease go (its record is cleared when the store answers)."""
        key = f"lease:{name}"
        if not self._locks.holds(key):
            return
        try:
            with self._context.store().session() as session:
                job_records.job_let_go(name, holder=self.process, session=session)
        finally:
            self._locks.release(key)

    def beat(self) -> bool:
        """Renew the heartbeat of every lease held; False when the locks were lost (the
        store connection died): the caller stops running the jobs then."""
        if not self._locks.alive():
            return False
        now = self._context.clock()
        with self._context.store().session() as session:
            job_records.jobs_beat(sorted(self.held), holder=self.process, now=now,
                                  session=session)
            if self._serve_beat is not None and self._locks.holds(SERVE):
                value = json.dumps({"owner": self.process, "heartbeat": now.isoformat()})
                job_records.write_state(SCHEDULER_OWNER, value, now=now, session=session)
                self._serve_beat = value
        return True

    def release_all(self) -> None:
        for name in sorted(self.held):
            try:
                self.give_up(name)
            except Exception:  # the store is down: the lock goes all the same
                self._locks.release(f"lease:{name}")
        self.release_serve()

    @contextmanager
    def running(self, name: str) -> Iterator[bool]:
        """Hold job ``name``'s run lock for one run; yields False (and holds nothing) when
        another process (or thread) is running it now."""
        key = f"run:{name}"
        if not self._locks.try_acquire(key):
            yield False
            return
        try:
            yield True
        finally:
            self._locks.release(key)


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
    holder: str = ""
    """host:pid of the process holding the lease now ("" nobody)."""
    holder_command: str = ""
    holder_beat_at: datetime | None = None


@dataclass(frozen=True)
class JobRunView:
    """One recorded run of a job."""

    name: str
    host: str
    pid: int
    command: str
    started_at: datetime
    finished_at: datetime | None
    ok: bool | None
    result: str


class JobRecords:
    """Each job's record in the store, shared by every process on it."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def started(self, *, name: str, schedule: str, owner: str, command: str = "") -> int:
        """Record a run's start (by ``owner``, host:pid, holding the job's run lock); the
        run's id. Runs of the job left unfinished by a process that died are closed."""
        now = self._context.clock()
        host, _, pid = owner.rpartition(":")
        with self._context.transaction() as session:
            job_records.abandon_runs(name, now=now, session=session)
            job_records.job_started(name, schedule=schedule, owner=owner, now=now,
                                    session=session)
            job_records.prune_runs(before=now - RUNS_KEPT, session=session)
            return job_records.run_started(name, host=host, pid=int(pid or 0),
                                           command=command, now=now, session=session)

    def finished(self, *, name: str, ok: bool, result: str, run_id: int | None = None) -> None:
        now = self._context.clock()
        with self._context.transaction() as session:
            job_records.job_finished(name, ok=ok, result=result, now=now, session=session)
            if run_id is not None:
                job_records.run_finished(run_id, ok=ok, result=result, now=now,
                                         session=session)

    def missed(self, *, name: str, schedule: str, why: str) -> None:
        with self._context.store().session() as session:
            job_records.job_missed(name, schedule=schedule, why=why, session=session)

    def states(self) -> list[JobStateView]:
        with self._context.store().session() as session:
            rows = job_records.job_states(session=session)
            return [JobStateView(r.name, r.schedule, r.runs, r.failures, r.missed,
                                 r.last_started_at, r.last_finished_at, r.last_ok,
                                 r.last_result, r.running_since, r.owner, r.holder,
                                 r.holder_command, r.holder_beat_at) for r in rows]

    def runs(self, *, name: str | None = None) -> list[JobRunView]:
        """Recorded runs (the last week), oldest first."""
        with self._context.store().session() as session:
            return [JobRunView(r.name, r.host, r.pid, r.command, r.started_at, r.finished_at,
                               r.ok, r.result)
                    for r in job_records.job_runs(name=name, session=session)]

    def overlaps(self, *, name: str | None = None) -> list[tuple[JobRunView, JobRunView]]:
        """Pairs of runs of one job by two processes at the same time (there should be
        none: the leases and run locks exist to keep it so)."""
        found: list[tuple[JobRunView, JobRunView]] = []
        by_job: dict[str, list[JobRunView]] = {}
        for run in self.runs(name=name):
            by_job.setdefault(run.name, []).append(run)
        far = datetime.max.replace(tzinfo=self._context.clock().tzinfo)
        for runs in by_job.values():
            for i, first in enumerate(runs):
                for second in runs[i + 1:]:
                    if second.started_at >= (first.finished_at or far):
                        break
                    if (first.host, first.pid) != (second.host, second.pid):
                        found.append((first, second))
        return found

    def outbox_depth(self) -> dict[str, int]:
        """Outbox messages by state (pending, sending, dead, ...), sent ones left out."""
        with self._context.store().session() as session:
            return job_records.outbox_depth(session=session)
