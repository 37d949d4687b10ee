"""Running the named jobs: APScheduler in the background, every run recorded.

Interval jobs (sync, sweep, delivery ...) run once at start, then on their interval; daily
and weekly ones at their time.

One :class:`JobRunner` per owning ``serve`` process: a ``BackgroundScheduler`` with a memory
job store (APScheduler's job stores are never shared between processes; who may run jobs at
all is decided by the scheduler lease). Runs coalesce, one instance per job at a time; a run
more than ``jobs.misfire_grace_seconds`` late is skipped and recorded as missed, as is a run
due while the previous one still runs (an overrun). A failing job is logged with its name
and recorded; it never stops the others.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
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

log = logging.getLogger("hypercare.jobs")
WORKERS = 4


@dataclass(frozen=True)
class JobOutcome:
    name: str
    ok: bool
    result: str
    seconds: float


class JobRunner:
    """Runs ``specs`` on a schedule (``start``) or one now (``run``), recording each run."""

    def __init__(self, services: Services, specs: Sequence[JobSpec], *, owner: str) -> None:
        self._services, self._owner = services, owner
        self._specs = {spec.name: spec for spec in specs}
        self._scheduler: BackgroundScheduler | None = None

    @property
    def names(self) -> list[str]:
        return list(self._specs)

    def run(self, name: str) -> JobOutcome:
        """Run one job now; its failure is logged, recorded and returned, never raised."""
        spec = self._specs.get(name)
        if spec is None:
            raise UsageError(f"no job named {name!r}",
                             hint="Jobs: " + ", ".join(self._specs) + ".")
        records = self._services.job_records
        records.started(name=name, schedule=spec.schedule, owner=self._owner)
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
            records.finished(name=name, ok=ok, result=result)
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
        now = datetime.now(UTC)
        for spec in self._specs.values():
            first = {"next_run_time": now} if isinstance(spec.trigger, IntervalTrigger) else {}
            scheduler.add_job(self.run, trigger=spec.trigger, args=[spec.name], id=spec.name,
                              name=spec.name, replace_existing=True, **first)
        scheduler.add_listener(self._skipped, EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
        scheduler.start()
        self._scheduler = scheduler

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
        if spec is None:
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
