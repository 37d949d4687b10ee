"""Running the named jobs: APScheduler in the background, every run recorded.

Interval jobs (sync, sweep, delivery ...) run once at start, then on their interval; daily
and weekly ones at their time.

One :class:`JobRunner` per process that runs jobs (:mod:`hypercare.jobs.host`): a
``BackgroundScheduler`` with a memory job store (APScheduler's job stores are never shared
between processes). It schedules every job the process may take, and a scheduled run goes
ahead only while this process holds the job's lease; every run, scheduled or asked for,
holds the job's run lock, so no job runs in two processes at once
(:mod:`hypercare.services.system.scheduling`). Runs coalesce, one instance per job at a
time; a run more than ``jobs.misfire_grace_seconds`` late is skipped and recorded as missed,
as is a run due while the previous one still runs (an overrun). A failing job is logged with
its name and recorded; it never stops the others.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from apscheduler.events import (
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from hypercare.errors import HypercareError, UsageError
from hypercare.jobs.registry import JobSpec

if TYPE_CHECKING:
    from hypercare.services import Services
    from hypercare.services.system.scheduling import JobLeases

log = logging.getLogger("hypercare.jobs")
WORKERS = 4


@dataclass(frozen=True)
class JobOutcome:
    name: str
    ok: bool
    result: str
    seconds: float
    ran: bool = True
    """False when the job was running in another process (or thread) and this run did not."""


class JobRunner:
    """Runs ``specs`` on a schedule (``start``) or one now (``run``), recording each run."""

    def __init__(self, services: Services, specs: Sequence[JobSpec], *,
                 leases: JobLeases,
                 on_outcome: Callable[[JobOutcome], None] | None = None) -> None:
        self._services, self._leases = services, leases
        self._owner = leases.process
        self._specs = {spec.name: spec for spec in specs}
        self._scheduler: BackgroundScheduler | None = None
        self._on_outcome = on_outcome

    @property
    def names(self) -> list[str]:
        return list(self._specs)

    def run(self, name: str) -> JobOutcome:
        """Run one job now; its failure is logged, recorded and returned, never raised."""
        spec = self._specs.get(name)
        if spec is None:
            raise UsageError(f"no job named {name!r}",
                             hint="Jobs: " + ", ".join(self._specs) + ".")
        with self._leases.running(name) as free:
            if not free:
                return JobOutcome(name, True, "skipped: it is running in another process",
                                  0.0, ran=False)
            outcome = self._run(spec)
        if self._on_outcome is not None:
            self._on_outcome(outcome)
        return outcome

    def _run(self, spec: JobSpec) -> JobOutcome:
        name, records = spec.name, self._services.job_records
        run_id = records.started(name=name, schedule=spec.schedule, owner=self._owner,
                                 command=self._leases.command)
        started = time.perf_counter()
        try:
            result, ok = spec.run(), True
        except HypercareError as exc:
            result, ok = f"failed: {exc.message}", False
            log.warning("job %s failed: %s", name, exc.message)
        except Exception as exc:  # one failing job never stops the others
            result, ok = f"failed: {type(exc).__name__}: {exc}", False
            log.exception("job %s failed", name)
        seconds = time.perf_counter() - started
        try:
            records.finished(name=name, ok=ok, result=result, run_id=run_id)
        except Exception:  # the store is down: the log keeps it
            log.exception("job %s: its result could not be recorded", name)
        log.info("job %s %s in %.1f s: %s", name, "done" if ok else "FAILED", seconds, result)
        return JobOutcome(name, ok, result, seconds)

    def start(self) -> None:
        """Schedule every job in a background thread."""
        settings = self._services.context.settings
        scheduler = BackgroundScheduler(
            timezone=settings.timezone, jobstores={"default": MemoryJobStore()},
            executors={"default": ThreadPoolExecutor(WORKERS)},
            job_defaults={"coalesce": True, "max_instances": 1,
                          "misfire_grace_time": settings.jobs.misfire_grace_seconds})
        for spec in self._specs.values():
            scheduler.add_job(self._scheduled, trigger=spec.trigger, args=[spec.name],
                              id=spec.name, name=spec.name, replace_existing=True)
        scheduler.add_listener(self._skipped, EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
        scheduler.start()
        self._scheduler = scheduler

    def _scheduled(self, name: str) -> None:
        """A scheduled run: only while this process holds the job's lease."""
        if name in self._leases.held:
            self.run(name)

    def kick(self, name: str) -> None:
        """Run an interval job soon (its lease was just taken); daily ones keep their time."""
        spec = self._specs.get(name)
        if self._scheduler is not None and spec is not None \
                and isinstance(spec.trigger, IntervalTrigger):
            self._scheduler.modify_job(name, next_run_time=datetime.now(UTC))

    def next_runs(self) -> dict[str, datetime | None]:
        if self._scheduler is None:
            return {}
        return {job.id: job.next_run_time for job in self._scheduler.get_jobs()}

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop scheduling; with ``wait`` the running jobs finish first."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=wait)
            self._scheduler = None

    def _skipped(self, event: JobEvent) -> None:
        spec = self._specs.get(str(event.job_id))
        if spec is None or spec.name not in self._leases.held:  # not ours to run now
            return
        if event.code == EVENT_JOB_MAX_INSTANCES:
            why = "overran: still running when its next run was due (skipped)"
        else:
            when: Any = getattr(event, "scheduled_run_time", None)
            why = f"missed its run at {when:%Y-%m-%d %H:%M %Z} (asleep or busy)" if when \
                else "missed a run"
        log.warning("job %s %s", spec.name, why)
        try:
            self._services.job_records.missed(name=spec.name, schedule=spec.schedule, why=why)
        except Exception:
            log.exception("job %s: the miss could not be recorded", spec.name)
