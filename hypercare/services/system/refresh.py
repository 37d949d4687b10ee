"""Fresh data now: sync from Odoo, then sweep the clocks of the tickets that changed.

The one "sync then sweep": the ``sync`` job runs it on its schedule, and whatever needs fresh
data at once (the raise flow after creating a ticket, the TUI's ``ctrl+s``) calls it too. It
holds the ``sync`` job's run lock (:mod:`hypercare.services.system.scheduling`), so it never
runs beside a scheduled sync in this or another process: it waits for that one instead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hypercare.errors import HypercareError
from hypercare.services.context import ServiceContext
from hypercare.services.system.sync import SyncService
from hypercare.services.triage.sla import SlaService, SweepReport
from hypercare.sync.report import SyncReport

if TYPE_CHECKING:
    from hypercare.sync.runner import Progress

RUN_LOCK = "run:sync"
POLL_SECONDS = 0.2
WHOLE_SWEEP_FROM = 500
"""From this many changed tickets a refresh sweeps every open ticket (one read, not a list
of references as long as the sync)."""


class SyncBusyError(HypercareError):
    """Another process is syncing and did not finish in time."""


@dataclass(frozen=True)
class RefreshReport:
    """What one refresh did: the sync, and the sweep of what changed (None: nothing did)."""

    sync: SyncReport
    sweep: SweepReport | None

    @property
    def escalations(self) -> int:
        return sum(self.sweep.new_escalations.values()) if self.sweep else 0

    def summary(self) -> str:
        swept = self.sweep.tickets if self.sweep else 0
        return (f"{self.sync.changed_tickets} tickets changed, {swept} swept, "
                f"{self.escalations} escalations")


class RefreshService:
    """Sync, then sweep what changed, one at a time per store."""

    def __init__(self, context: ServiceContext, sync: SyncService, sla: SlaService) -> None:
        self._context, self._sync, self._sla = context, sync, sla

    def refresh(self, *, wait_seconds: float = 60.0, reconcile: bool = False,
                progress: Progress | None = None) -> RefreshReport:
        """Sync and sweep the changed tickets; waits up to ``wait_seconds`` for a sync that
        is running elsewhere to finish first."""
        locks = self._context.locks()
        deadline = time.monotonic() + wait_seconds
        while not locks.try_acquire(RUN_LOCK):
            if time.monotonic() >= deadline:
                raise SyncBusyError("a sync is running in another hypercare process",
                                    hint="It brings the same data: try again in a minute.")
            time.sleep(POLL_SECONDS)
        try:
            report = self._sync.run_sync(reconcile=reconcile, progress=progress)
            refs = list(report.changed_refs)
            if not refs:
                sweep = None
            else:  # many changed (a first sync): one sweep of all reads them at once
                sweep = self._sla.sweep(refs=refs if len(refs) <= WHOLE_SWEEP_FROM else None)
        finally:
            locks.release(RUN_LOCK)
        return RefreshReport(report, sweep)
