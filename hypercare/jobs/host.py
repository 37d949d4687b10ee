"""A process's share of the periodic work: its job leases, kept by a heartbeat, and a runner.

Every process that runs periodic work (``serve``, ``bot``, ``tui``, ``demo``) starts one
:class:`JobHost`. Every ``jobs.lease_seconds`` its heartbeat thread renews the leases it holds
and settles which jobs it should hold (:data:`~hypercare.services.system.scheduling.PROCESS_JOBS`):

- a ``serve`` takes the ``serve`` lock and then every job's lease; the leases a bot or TUI
  still hold come to it as soon as they give them up (it asks again every second until then);
- a ``bot``, ``tui`` or ``demo`` takes its own jobs while no serve runs, and gives them all up
  at the first heartbeat that sees one (a run in progress finishes first: the next holder's
  run waits on the job's run lock meanwhile, so the two never overlap);
- a process that dies releases its locks with it, and the others take its jobs at their next
  heartbeat.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from hypercare.jobs.registry import Injected, JobSpec, build_jobs
from hypercare.jobs.runner import JobOutcome, JobRunner

if TYPE_CHECKING:
    from hypercare.services import Services
    from hypercare.services.system.scheduling import JobLeases

log = logging.getLogger("hypercare.jobs")
RETRY_SECONDS = 1.0
"""How soon a process asks again for leases it wants and another process still holds."""


class JobHost:
    """The jobs this process runs, and the heartbeat that decides which."""

    def __init__(self, services: Services, *, command: str, injected: Injected | None = None,
                 sync_seconds: float | None = None,
                 on_outcome: Callable[[JobOutcome], None] | None = None,
                 on_take: Callable[[str], None] | None = None,
                 say: Callable[[str], None] | None = None,
                 waiting_role: str = "waits") -> None:
        from hypercare.services.system.scheduling import jobs_for

        self.services = services
        self.leases: JobLeases = services.job_leases(command)
        specs = build_jobs(services, injected, sync_seconds=sync_seconds)
        self.eligible = jobs_for(command, [s.name for s in specs])
        self.specs: list[JobSpec] = [s for s in specs if s.name in self.eligible]
        self.runner = JobRunner(services, self.specs, leases=self.leases, on_outcome=on_outcome)
        self._on_take = on_take
        self._say = say or (lambda line: log.info("%s", line))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._serving: bool | None = None
        self._waiting_role = waiting_role
        """What a serve that is not the one running the jobs does meanwhile (it says so)."""

    @property
    def command(self) -> str:
        return self.leases.command

    def start(self) -> JobHost:
        """Schedule the jobs and start the heartbeat (the first one runs at once)."""
        self.runner.start()
        self._thread = threading.Thread(target=self._loop, name=f"jobs-{self.command}",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self, *, wait: bool = True) -> None:
        """Stop scheduling (with ``wait`` the running jobs finish) and give every lease up."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)
            self._thread = None
        self.runner.shutdown(wait=wait)
        try:
            self.leases.release_all()
        except Exception as exc:  # the locks are released all the same
            log.warning("releasing the job leases: %s", type(exc).__name__)

    def beat(self) -> bool:
        """One heartbeat: renew, then take or give up leases. True when a lease this process
        wants is still held by another one (ask again soon)."""
        if not self.leases.beat():
            self._say("lost the job leases (the store connection was lost); taking them "
                      "again when it answers")
        wanted = self._wanted()
        held = self.leases.held
        for name in sorted(held - wanted):
            self.leases.give_up(name)
        waiting = False
        for name in self.eligible:
            if name in wanted and name not in held:
                if self.leases.take(name):
                    self._took(name)
                else:
                    waiting = True
        return waiting

    def _wanted(self) -> set[str]:
        if self.command == "serve":
            serving = self.leases.claim_serve()
            if serving != self._serving:
                self._serving = serving
                if serving:
                    self._say(f"this process runs the scheduler ({len(self.eligible)} jobs: "
                              f"{', '.join(self.eligible)})")
                else:
                    owner = self.services.system.scheduler_owner() or "another serve"
                    self._say(f"the scheduler is run by {owner}; this process "
                              f"{self._waiting_role} and takes over if it stops")
            return set(self.eligible) if serving else set()
        return set() if self.leases.serve_elsewhere() else set(self.eligible)

    def _took(self, name: str) -> None:
        if self._on_take is not None:
            try:
                self._on_take(name)
            except Exception as exc:
                log.warning("job %s: taking it over: %s", name, type(exc).__name__)
        self.runner.kick(name)

    def _loop(self) -> None:
        every = self.services.context.settings.jobs.lease_seconds
        while not self._stop.is_set():
            try:
                waiting = self.beat()
            except Exception as exc:  # the store is down: try again next time
                log.warning("job leases: %s", type(exc).__name__)
                waiting = True
            self._stop.wait(min(every, RETRY_SECONDS) if waiting else every)
