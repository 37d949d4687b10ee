""""Also affected" signals: thread replies from people ``roles.raise`` does not let write to
Odoo.

Such a reply is not lost and not posted: it is kept on the report's ticket (who, what,
when). Everyone sees how many people said they are affected; leads see who and what, and
decide per reply: send it to Odoo as an internal note, or dismiss it. Who may do what is
:mod:`hypercare.services.access`'s (the ``held_reply`` rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from hypercare.errors import TicketNotFoundError
from hypercare.services.access import Viewer
from hypercare.services.context import ServiceContext
from hypercare.store import Session
from hypercare.store import affected as queries
from hypercare.store.tables import AffectedSignal, RaisedIssue
from hypercare.store.tickets import find_ticket

if TYPE_CHECKING:
    from hypercare.services.outbox.writeback import WritebackService


@dataclass(frozen=True)
class AffectedSummary:
    """How many people said a ticket affects them too, and (for leads) who."""

    count: int
    names: tuple[str, ...]
    """Empty for a viewer who is not a lead."""


@dataclass(frozen=True)
class HeldReply:
    """One reply kept for a lead to send to Odoo or dismiss."""

    id: int
    ref: str
    """The ticket's reference, or ``HC-<n>`` while the report is not in Odoo."""
    who: str
    who_name: str
    text: str
    at: datetime | None
    state: str
    """held, sent or dismissed."""


class AffectedService:
    """Keeps, lists and decides "also affected" signals."""

    def __init__(self, context: ServiceContext, *, writeback: WritebackService) -> None:
        self._context = context
        self._writeback = writeback

    def hold(self, *, raised_id: int, viewer: Viewer, text: str, event_key: str) -> bool:
        """Keep a reply as a signal (once per ``event_key``); True when it is new."""
        with self._context.store().session() as session:
            report = session.get(RaisedIssue, raised_id)
            odoo_id = report.odoo_id if report is not None else None
            _, fresh = queries.add_signal(raised_id=raised_id, ticket_odoo_id=odoo_id,
                                          who=viewer.id, who_name=viewer.name, text=text,
                                          event_key=event_key, at=self._context.clock(),
                                          session=session)
        return fresh

    def attach(self, *, raised_id: int) -> None:
        """The report reached Odoo: its signals belong to that ticket from now on."""
        with self._context.store().session() as session:
            report = session.get(RaisedIssue, raised_id)
            if report is not None and report.odoo_id is not None:
                queries.attach_ticket(raised_id=raised_id, ticket_odoo_id=report.odoo_id,
                                      session=session)

    def summary(self, *, odoo_ids: list[int], viewer: Viewer) -> dict[int, AffectedSummary]:
        """Per ticket: how many people are also affected (and who, for a lead)."""
        with self._context.store().session() as session:
            found = queries.signal_summary(odoo_ids, session=session)
        return {odoo_id: AffectedSummary(count, names if viewer.lead else ())
                for odoo_id, (count, names) in found.items()}

    def held(self, *, viewer: Viewer, ref: str = "") -> list[HeldReply]:
        """Replies waiting for a lead (of one ticket with ``ref``), oldest first."""
        self._context.access.require(viewer, "held_reply")
        with self._context.store().session() as session:
            odoo_ids = None
            if ref:
                ticket = find_ticket(ref, session=session)
                if ticket is None or not viewer.sees_company(ticket.company):
                    raise TicketNotFoundError(f"no synced ticket you may see has the "
                                              f"reference {ref!r}")
                odoo_ids = [ticket.odoo_id]
            rows = queries.signals(ticket_odoo_ids=odoo_ids, session=session)
            return [self._view(session, row) for row in rows
                    if self._visible(session, row, viewer)]

    def send(self, *, signal_id: int, viewer: Viewer) -> HeldReply:
        """A lead agrees: the reply goes to the ticket in Odoo as an internal note."""
        self._context.access.require(viewer, "held_reply")
        now = self._context.clock()
        with self._context.transaction() as session:  # the decision and its note together
            row = queries.decide_signal(signal_id, state="sent", by=viewer.name, at=now,
                                        session=session)
            odoo_id = row.ticket_odoo_id
            view = self._view(session, row)
            note = {"key": f"affected:{signal_id}",
                    "text": f"[hypercare] {view.who_name} in Slack (also affected; sent by "
                            f"{viewer.name}): {view.text}"}
            if odoo_id is None:  # the report waits for Odoo: the note follows it there
                report = session.get(RaisedIssue, row.raised_id)
                if report is not None:
                    report.pending_notes = [*report.pending_notes, note]
                    session.add(report)
            else:
                self._writeback.queue(ticket_odoo_id=odoo_id, operation="post_note",
                                      payload={"text": note["text"]}, key=note["key"])
        if odoo_id is not None:
            self._writeback.deliver(limit=20)
        return view

    def dismiss(self, *, signal_id: int, viewer: Viewer) -> HeldReply:
        """A lead keeps the reply out of Odoo (it still counts as a signal)."""
        self._context.access.require(viewer, "held_reply")
        with self._context.store().session() as session:
            row = queries.decide_signal(signal_id, state="dismissed", by=viewer.name,
                                        at=self._context.clock(), session=session)
            return self._view(session, row)

    # -- helpers ----------------------------------------------------------------------------

    @staticmethod
    def _ref(session: Session, row: AffectedSignal) -> tuple[str, str]:
        """The ticket's reference and company (``HC-<n>`` and "" before Odoo has it)."""
        if row.ticket_odoo_id is not None:
            ticket = find_ticket(f"#{row.ticket_odoo_id}", session=session)
            if ticket is not None:
                return ticket.ref, ticket.company
        return f"HC-{row.raised_id}", ""

    def _visible(self, session: Session, row: AffectedSignal, viewer: Viewer) -> bool:
        _, company = self._ref(session, row)
        return not company or viewer.sees_company(company)

    def _view(self, session: Session, row: AffectedSignal) -> HeldReply:
        ref, _ = self._ref(session, row)
        return HeldReply(id=int(row.id or 0), ref=ref, who=row.who, who_name=row.who_name,
                         text=row.text, at=row.created_at, state=row.state)
