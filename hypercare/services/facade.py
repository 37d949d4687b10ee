"""The facade front ends hold: one attribute per service area, each built on first use."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from hypercare.services.context import ServiceContext

if TYPE_CHECKING:
    from hypercare.services.intake.affected import AffectedService
    from hypercare.services.intake.raising import RaiseService
    from hypercare.services.intake.threads import ThreadService
    from hypercare.services.kpi.dashboard import DashboardService
    from hypercare.services.kpi.digest import DigestService
    from hypercare.services.kpi.home import HomeService
    from hypercare.services.kpi.service import KpiService
    from hypercare.services.outbox.delivery import DeliveryService
    from hypercare.services.outbox.writeback import WritebackService
    from hypercare.services.packs.notice import PackNotices
    from hypercare.services.packs.weekly import PackService
    from hypercare.services.problems.backlog import BacklogService
    from hypercare.services.problems.decisions import DecisionService
    from hypercare.services.problems.known_issues import KnownIssueService
    from hypercare.services.standup.meeting import StandupService
    from hypercare.services.system.refresh import RefreshService
    from hypercare.services.system.runbooks import RunbookService
    from hypercare.services.system.scheduling import JobLeases, JobRecords
    from hypercare.services.system.setup import SystemService
    from hypercare.services.system.sync import SyncService
    from hypercare.services.tickets.queue import QueueService
    from hypercare.services.tickets.service import TicketService
    from hypercare.services.triage.classification import TriageService
    from hypercare.services.triage.sla import SlaService


class Services:
    """The facade front ends hold: one attribute per service area.

    Each service is built on first use, so a command imports only what it calls
    (``hypercare classify`` never loads the Odoo connector).
    """

    def __init__(self, context: ServiceContext) -> None:
        self.context = context

    @cached_property
    def system(self) -> SystemService:
        from hypercare.services.system.setup import SystemService

        return SystemService(self.context)

    @cached_property
    def triage(self) -> TriageService:
        from hypercare.services.triage.classification import TriageService

        return TriageService(self.context)

    @cached_property
    def sync(self) -> SyncService:
        from hypercare.services.system.sync import SyncService

        return SyncService(self.context, self.triage)

    @cached_property
    def refresh(self) -> RefreshService:
        from hypercare.services.system.refresh import RefreshService

        return RefreshService(self.context, self.sync, self.sla)

    @cached_property
    def sla(self) -> SlaService:
        from hypercare.services.triage.sla import SlaService

        return SlaService(self.context)

    @cached_property
    def writeback(self) -> WritebackService:
        from hypercare.services.outbox.writeback import WritebackService

        return WritebackService(self.context)

    @cached_property
    def known_issues(self) -> KnownIssueService:
        from hypercare.services.problems.known_issues import KnownIssueService

        return KnownIssueService(self.context)

    @cached_property
    def decisions(self) -> DecisionService:
        from hypercare.services.problems.decisions import DecisionService

        return DecisionService(self.context)

    @cached_property
    def standup(self) -> StandupService:
        from hypercare.services.standup.meeting import StandupService

        return StandupService(self.context)

    @cached_property
    def kpis(self) -> KpiService:
        from hypercare.services.kpi.service import KpiService

        return KpiService(self.context)

    @cached_property
    def tickets(self) -> TicketService:
        from hypercare.services.tickets.service import TicketService

        return TicketService(self.context, self.writeback)

    @cached_property
    def queue(self) -> QueueService:
        from hypercare.services.tickets.queue import QueueService

        return QueueService(self.context)

    @cached_property
    def dashboard(self) -> DashboardService:
        from hypercare.services.kpi.dashboard import DashboardService

        return DashboardService(self.context, self.kpis, self.sync, self.known_issues,
                                self.queue)

    @cached_property
    def runbooks(self) -> RunbookService:
        from hypercare.services.system.runbooks import RunbookService

        return RunbookService(self.context)

    @cached_property
    def raising(self) -> RaiseService:
        from hypercare.services.intake.raising import RaiseService

        return RaiseService(self.context, refresh=self.refresh, tickets=self.tickets,
                            known_issues=self.known_issues, threads=self.threads)

    @cached_property
    def delivery(self) -> DeliveryService:
        from hypercare.services.outbox.delivery import DeliveryService

        return DeliveryService(self.context)

    @cached_property
    def digest(self) -> DigestService:
        from hypercare.services.kpi.digest import DigestService

        return DigestService(self.context, queue=self.queue, standup=self.standup,
                             dashboard=self.dashboard)

    @cached_property
    def home(self) -> HomeService:
        from hypercare.services.kpi.home import HomeService

        return HomeService(self.context, raising=self.raising, tickets=self.tickets,
                           known_issues=self.known_issues, dashboard=self.dashboard,
                           sla=self.sla)

    @cached_property
    def backlog(self) -> BacklogService:
        from hypercare.services.problems.backlog import BacklogService

        return BacklogService(self.context)

    @cached_property
    def packs(self) -> PackService:
        from hypercare.services.packs.weekly import PackService

        return PackService(self.context, kpis=self.kpis, decisions=self.decisions,
                           known_issues=self.known_issues, backlog=self.backlog,
                           sla=self.sla, tickets=self.tickets, runbooks=self.runbooks)

    @cached_property
    def pack_notices(self) -> PackNotices:
        from hypercare.services.packs.notice import PackNotices

        return PackNotices(self.context)

    @cached_property
    def job_records(self) -> JobRecords:
        from hypercare.services.system.scheduling import JobRecords

        return JobRecords(self.context)

    def job_leases(self, command: str) -> JobLeases:
        """This process's leases on the store's jobs, as a ``command`` process (``serve``,
        ``bot``, ``tui``, ``demo``; ``cli`` takes none)."""
        from hypercare.services.system.scheduling import JobLeases

        return JobLeases(self.context, command=command)

    @cached_property
    def threads(self) -> ThreadService:
        from hypercare.services.intake.threads import ThreadService

        return ThreadService(self.context, tickets=self.tickets, triage=self.triage,
                             writeback=self.writeback, affected=self.affected)

    @cached_property
    def affected(self) -> AffectedService:
        from hypercare.services.intake.affected import AffectedService

        return AffectedService(self.context, writeback=self.writeback)

    def close(self) -> None:
        """Release resources (Odoo connection, store connections)."""
        if "sync" in self.__dict__:
            self.sync.close()
        self.context.close()
