"""A person escalates a ticket by hand; escalations listed for a ticket and for the dashboard.

Mixed into :class:`hypercare.services.triage.sla.SlaService`, whose ``_escalate`` records the
escalation and queues its messages exactly as the sweep does (approval first from
``escalation.approval_from_level``), in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hypercare.errors import TicketNotFoundError, UsageError
from hypercare.services.access import Viewer
from hypercare.services.context import ServiceContext
from hypercare.services.triage import escalation_views
from hypercare.services.triage.escalation_views import EscalationView
from hypercare.store import alerts
from hypercare.store.tables import Escalation, Ticket, TicketClassification
from hypercare.store.tickets import find_ticket, ticket_by_id
from hypercare.store.triage_records import classifications_for
from hypercare.triage.escalation import TOP_LEVEL, NewEscalation


class ManualEscalation:
    """``escalate``, ``escalations_for``, ``awaiting_acknowledgement`` and
    ``list_escalations``."""

    _context: ServiceContext

    def _escalate(self, session: Any, ticket: Ticket, verdict: TicketClassification | None,
                  new: NewEscalation, now: datetime, *,
                  clock: dict[str, Any] | None = None) -> tuple[Escalation, list[str]]:
        raise NotImplementedError

    def escalate(self, *, ref: str, viewer: Viewer, reason: str = "") -> EscalationView:
        """Escalate an open ticket one level above its current one (L1 when it has none).

        Levels from ``escalation.approval_from_level`` (L3 by default) wait for a lead's
        approval: an approval request goes to L2 instead of the level's contacts.
        """
        self._context.access.require(viewer, "escalate")
        now = self._context.clock()
        settings = self._context.settings
        with self._context.store().session() as session:
            ticket = _ticket(session, ref, viewer)
            if ticket.is_closed:
                raise UsageError(f"{ticket.ref} is closed: there is nothing to escalate",
                                 hint="Reopen it in Odoo first if the problem is back.")
            subject = f"ticket:{ticket.odoo_id}"
            existing = alerts.escalations_for([subject], session=session)[subject]
            current = max((e.level for e in existing if e.status != "superseded"), default=0)
            if current >= TOP_LEVEL:
                raise UsageError(f"{ticket.ref} is already at the top level (L{TOP_LEVEL})",
                                 hint="Acknowledge or approve its open escalations instead.")
            level = current + 1
            key = f"manual:{level}"
            status = ("pending_approval" if level >= settings.escalation.approval_from_level
                      else "open")
            new = NewEscalation(level, "manual", key, status,
                                reason or f"escalated by {viewer.name}", (key,),
                                update=any(e.level == level for e in existing))
            verdict = classifications_for([ticket.odoo_id], session=session).get(ticket.odoo_id)
            row, _ = self._escalate(session, ticket, verdict, new, now)
            return escalation_views.views([row], settings=settings, viewer=viewer,
                                          session=session)[0]

    def claim(self, *, escalation_id: int, viewer: Viewer) -> str:
        """Someone takes it on (the escalation's recipient or a lead): recorded as the claim
        and as the acknowledgement. Returns the escalated ticket's reference (``""`` for a
        known issue or a decision)."""
        now = self._context.clock()
        by = viewer.name
        with self._context.store().session() as session:
            row = session.get(Escalation, escalation_id)
            if row is None:
                raise UsageError(f"no escalation #{escalation_id}")
            self._context.access.require(viewer, "claim", recipients=row.notified)
            if row.claimed_by and row.claimed_by != by:
                raise UsageError(f"{row.claimed_by} has claimed it already",
                                 hint="Ask them, or escalate if it is stuck.")
            row.claimed_by, row.claimed_at = by, now
            if row.status == "open":
                row.status, row.acknowledged_by, row.acknowledged_at = "acknowledged", by, now
            session.add(row)
            ticket = (ticket_by_id(row.ticket_odoo_id, session=session)
                      if row.ticket_odoo_id is not None else None)
            return ticket.ref if ticket is not None else ""

    def escalations_for(self, *, ref: str, viewer: Viewer) -> list[EscalationView]:
        """Every escalation of one ticket, oldest first."""
        with self._context.store().session() as session:
            ticket = _ticket(session, ref, viewer)
            subject = f"ticket:{ticket.odoo_id}"
            rows = alerts.escalations_for([subject], session=session)[subject]
            rows.sort(key=lambda e: (e.created_at or now_floor(), e.id or 0))
            return escalation_views.views(rows, settings=self._context.settings,
                                          viewer=viewer, session=session)

    def awaiting_acknowledgement(self, *, viewer: Viewer, limit: int = 50) -> list[EscalationView]:
        """Escalations still open or waiting for approval, newest first."""
        with self._context.store().session() as session:
            found, _ = escalation_views.awaiting(settings=self._context.settings,
                                                 viewer=viewer, limit=limit, session=session)
            return found

    def list_escalations(self, *, viewer: Viewer, include_done: bool = False,
                         limit: int = 200) -> list[EscalationView]:
        """Every escalation still open or waiting for approval, newest first; with
        ``include_done`` also the acknowledged and superseded ones (after them)."""
        with self._context.store().session() as session:
            return escalation_views.listing(settings=self._context.settings, viewer=viewer,
                                            include_done=include_done, limit=limit,
                                            session=session)


def now_floor() -> datetime:
    """The earliest aware moment (sorts rows without a time first)."""
    from datetime import UTC

    return datetime.min.replace(tzinfo=UTC)


def _ticket(session: Any, ref: str, viewer: Viewer) -> Ticket:
    ticket = find_ticket(ref, session=session)
    if ticket is None or not viewer.sees_company(ticket.company):
        raise TicketNotFoundError(f"no synced ticket you may see has the reference {ref!r}")
    return ticket

