"""Ticket services: list and show synced tickets as read models."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from hypercare.errors import ConfigError, TicketNotFoundError, UsageError
from hypercare.services.access import MASKED_TEXT, Viewer
from hypercare.services.context import ServiceContext
from hypercare.services.tickets.queue_order import by_urgency
from hypercare.services.tickets.scopes import Scope, resolve_scope
from hypercare.services.tickets.views import (
    ChatterView,
    EventView,
    TicketDetail,
    TicketView,
    event_view,
    known_issue_link,
    sla_extras,
    sla_views,
    ticket_view,
)
from hypercare.store import tickets as queries
from hypercare.store.tables import Ticket
from hypercare.store.triage_records import classifications_for

if TYPE_CHECKING:
    from hypercare.services.outbox.writeback import WritebackService

NOTE_LIMIT = 20_000
"""Longest internal note (characters) hypercare posts to a ticket's chatter."""

TicketOrder = Literal["newest", "urgency"]
"""``newest``: by creation, newest first; ``urgency``: the queue's urgency order
(:func:`~hypercare.services.tickets.queue_order.by_urgency`)."""


class TicketService:
    """Reads tickets from the store; notes and assignments go to Odoo via the write-back
    queue; the live chatter is read from Odoo."""

    def __init__(self, context: ServiceContext,
                 writeback: WritebackService | None = None) -> None:
        self._context = context
        self._writeback = writeback

    def list_tickets(
        self,
        *,
        viewer: Viewer,
        open_only: bool = False,
        company: str | None = None,
        include_archived: bool = False,
        limit: int | None = None,
        order: TicketOrder = "newest",
    ) -> list[TicketView]:
        """Synced tickets ``viewer`` may see (deleted ones left out; archived ones unless
        asked), masked for them, newest first or in the queue's urgency ``order``; with
        ``limit``, the first that many in that order. ``company``: a name (any case) or Odoo
        id of a company they may see, else a UsageError listing those they may see."""
        now = self._context.clock()
        with self._context.store().session() as session:
            scope = resolve_scope(company=company, session=session, viewer=viewer)
            rows = queries.list_tickets(
                session=session, open_only=open_only, company=scope.company,
                include_archived=include_archived, limit=limit if order == "newest" else None,
            )
            rows = [row for row in rows if viewer.sees_company(row.company)]
            ids = [row.odoo_id for row in rows]
            verdicts = classifications_for(ids, session=session)
            extras = sla_extras(ids, session)
            views = [ticket_view(row, now, verdicts.get(row.odoo_id),
                                 extras.get(row.odoo_id, {}), viewer) for row in rows]
        if order == "urgency":
            views = by_urgency(views, minutes="sla_business_minutes_left")[:limit or None]
        return views

    def check_scope(self, *, company: str | None = None, team: str | None = None,
                    viewer: Viewer | None = None) -> Scope:
        """``company`` and ``team`` as the synced tickets spell them, or a UsageError listing
        the known names (those ``viewer`` may see): :mod:`hypercare.services.tickets.scopes`."""
        with self._context.store().session() as session:
            return resolve_scope(company=company, team=team, session=session, viewer=viewer)

    def show_ticket(self, *, ref: str, viewer: Viewer) -> TicketDetail:
        """One ticket by reference (``HT00042``, ``#42``, or its Odoo id) with its event log,
        SLA clocks, escalations (oldest first) and known issue, as ``viewer`` may see it."""
        from hypercare.services.triage.escalation_views import views as escalation_views
        from hypercare.services.triage.manual_escalation import now_floor
        from hypercare.store.affected import signal_summary
        from hypercare.store.alerts import escalations_for
        from hypercare.store.problems import known_issue_links

        now = self._context.clock()
        with self._context.store().session() as session:
            row = self._visible(ref, viewer, session)
            log = queries.events_for([row.odoo_id], session=session)[row.odoo_id]
            verdict = classifications_for([row.odoo_id], session=session).get(row.odoo_id)
            extras = sla_extras([row.odoo_id], session).get(row.odoo_id, {})
            ticket = ticket_view(row, now, verdict, extras, viewer)
            count, names = signal_summary([row.odoo_id], session=session).get(
                row.odoo_id, (0, ()))
            reporter = dict(reporter_email=row.partner_email)
            events = tuple(replace(event, body=viewer.text(
                event.body, confidential=ticket.confidential, **reporter)) if event.body
                else event for event in map(event_view, log))
            events = _with_standup_history(events, row.ref, session)
            subject = f"ticket:{row.odoo_id}"
            escalated = sorted(escalations_for([subject], session=session)[subject],
                               key=lambda e: (e.created_at or now_floor(), e.id or 0))
            escalations = escalation_views(escalated, settings=self._context.settings,
                                           viewer=viewer, session=session)
            issue = known_issue_links([row.odoo_id], session=session).get(row.odoo_id)
            return TicketDetail(ticket, events, also_affected=count,
                                also_affected_names=names if viewer.lead else (),
                                sla=sla_views(ticket), escalations=tuple(escalations),
                                known_issue=known_issue_link(issue))

    def list_reported_by(self, *, viewer: Viewer, limit: int = 10) -> list[TicketView]:
        """The tickets ``viewer`` reported (their Odoo partner has the viewer's e-mail,
        case-insensitive): open ones first, newest first within each (deleted and archived
        ones left out)."""
        wanted = viewer.email.strip().casefold()
        if not wanted:
            return []
        now = self._context.clock()
        with self._context.store().session() as session:
            rows = [row for row in queries.reported_by(wanted, limit=limit, session=session)
                    if viewer.sees_company(row.company)]
            ids = [row.odoo_id for row in rows]
            verdicts = classifications_for(ids, session=session)
            extras = sla_extras(ids, session)
            return [ticket_view(row, now, verdicts.get(row.odoo_id), extras.get(row.odoo_id, {}),
                          viewer) for row in rows]

    # -- Odoo: chatter, notes, assignment -------------------------------------------------

    def fetch_chatter(self, *, ref: str, viewer: Viewer) -> list[ChatterView]:
        """The ticket's chatter as Odoo has it now, oldest first (one round trip); a
        confidential ticket's messages masked unless ``viewer`` may read it."""
        from hypercare.odoo.messages import ChatterReader

        detail = self.show_ticket(ref=ref, viewer=viewer)
        odoo_id, masked = detail.ticket.odoo_id, detail.ticket.masked
        if self._context.connect_odoo is None:
            raise ConfigError("no Odoo is configured to read the chatter from",
                              hint="Set HYPERCARE_ODOO__URL, __DB, __LOGIN and __API_KEY "
                              "(or try `hypercare demo`).")
        client = self._context.connect_odoo()
        try:
            batch = ChatterReader(client).read([odoo_id])
        finally:
            client.close()
        messages = sorted(batch.messages, key=lambda m: (m.date is None, m.date, m.id))
        return [ChatterView(
            at=m.date, kind=m.kind, author=m.author.name if m.author else "",
            internal=m.author_is_internal,
            body=MASKED_TEXT if masked else m.body_text or "\n".join(
                f"{t.field}: {t.old_value or '-'} -> {t.new_value or '-'}" for t in m.tracking),
        ) for m in messages]

    def add_note(self, *, ref: str, body: str, viewer: Viewer) -> str:
        """Queue an internal note on the ticket's chatter (posted by the write-back job)."""
        self._context.access.require(viewer, "note")
        if self._context.settings.odoo.write_mode == "off":
            raise UsageError("notes go to Odoo's chatter, and odoo.write_mode is off",
                             hint='Set odoo.write_mode = "create_and_note" (or "full") to let '
                             "hypercare post internal notes.")
        text = body.strip()
        if not text:
            raise UsageError("the note is empty", hint="Write something to post.")
        if len(text) > NOTE_LIMIT:
            raise UsageError(f"the note has {len(text):,} characters; the limit is "
                             f"{NOTE_LIMIT:,}", hint="Shorten it or attach the text in Odoo.")
        odoo_id, ticket_ref = self._find(ref, viewer)
        self._queue().queue(ticket_odoo_id=odoo_id, operation="post_note",
                            payload={"text": f"[hypercare] {viewer.name}: {text}"},
                            key=f"note:{odoo_id}:{uuid.uuid4().hex}")
        return f"note queued for {ticket_ref}"

    def assignees(self) -> list[tuple[int, str]]:
        """(Odoo user id, name) of everyone tickets are assigned to, by name."""
        from hypercare.store.queue_rows import distinct_assignees

        with self._context.store().session() as session:
            found = dict(distinct_assignees(session=session))
        return sorted(found.items(), key=lambda pair: (pair[1].casefold(), pair[0]))

    def assign(self, *, ref: str, user_odoo_id: int, viewer: Viewer) -> str:
        """Assign the ticket (0: unassign): shown at once here, written to Odoo by the
        write-back queue (needs ``odoo.write_mode = "full"``)."""
        self._context.access.require(viewer, "assign")
        mode = self._context.settings.odoo.write_mode
        if mode != "full":
            raise UsageError(f"assigning writes to Odoo, and odoo.write_mode is {mode!r}",
                             hint='Set odoo.write_mode = "full" to let hypercare assign tickets.')
        name = self._user_name(user_odoo_id) if user_odoo_id else ""
        with self._context.transaction() as session:  # shown here only once queued for Odoo
            ticket = self._visible(ref, viewer, session)
            ticket.assignee_odoo_id, ticket.assignee = user_odoo_id or None, name
            session.add(ticket)
            odoo_id, ticket_ref = ticket.odoo_id, ticket.ref
            self._queue().queue(ticket_odoo_id=odoo_id, operation="assign",
                                payload={"user_id": user_odoo_id or None, "by": viewer.name},
                                key=f"assign:{odoo_id}:{uuid.uuid4().hex}")
        return (f"{ticket_ref} assigned to {name} (queued for Odoo)" if name
                else f"{ticket_ref} unassigned (queued for Odoo)")

    def _user_name(self, user_odoo_id: int) -> str:
        with self._context.store().session() as session:
            known = queries.user_name(user_odoo_id, session=session)
            if known is not None:
                return known
        name = dict(self.assignees()).get(user_odoo_id)
        if name is None:
            raise UsageError(f"no Odoo user #{user_odoo_id} is known here",
                             hint="Pick someone from the list, or run `hypercare sync`.")
        return name

    def _find(self, ref: str, viewer: Viewer) -> tuple[int, str]:
        """(Odoo id, reference) of a synced ticket ``viewer`` may see."""
        with self._context.store().session() as session:
            row = self._visible(ref, viewer, session)
            return row.odoo_id, row.ref

    @staticmethod
    def _visible(ref: str, viewer: Viewer, session: Any) -> Ticket:
        """The synced ticket ``ref`` if ``viewer`` may see its company (a ticket of another
        company is "not found" for them: its existence is not theirs to know)."""
        row = queries.find_ticket(ref, session=session)
        if row is None or not viewer.sees_company(row.company):
            raise TicketNotFoundError(f"no synced ticket you may see has the reference {ref!r}")
        return row

    def _queue(self) -> WritebackService:
        if self._writeback is None:
            from hypercare.services.outbox.writeback import WritebackService

            self._writeback = WritebackService(self._context)
        return self._writeback


def _with_standup_history(events: tuple[EventView, ...], ref: str,
                          session: Any) -> tuple[EventView, ...]:
    """The event log with the ticket's stand-up decisions in it (undone ones marked): where
    the earlier values of a field decided in a stand-up stay."""
    from hypercare.services.standup.recording import describe
    from hypercare.store.standups import item_history

    decided = [EventView(at=c.decided_at, kind="standup_decision", actor=c.decided_by,
                         actor_is_internal=True, from_value="",
                         to_value=f"stand-up #{c.standup_id}",
                         body=describe(c.changes) + (" (undone)" if c.undone else ""))
               for c in item_history(ref, session=session)]
    if not decided:
        return events
    floor = datetime.min.replace(tzinfo=UTC)
    return tuple(sorted(events + tuple(decided), key=lambda e: e.at or floor))
