"""A raised report's Slack thread and its Odoo chatter, kept in step; and closing it there.

Odoo -> thread: :meth:`ThreadService.updates` lists, per followed report, the public replies
and stage changes synced into the event log since the last one posted (``thread_cursor``);
the bot posts them and calls :meth:`ThreadService.mark_posted`. For a confidential ticket
the thread learns that something happened, never what was written.

Thread -> Odoo: :meth:`ThreadService.note_from_thread` turns a thread reply into an internal
note (``mail.mt_note``, e-mailed to no customer) through the write-back queue, once per Slack
event id. Replies to a report not yet in Odoo wait on the report and follow it there. A reply
from someone ``roles.raise`` does not allow is kept as an "also affected" signal instead
(:mod:`hypercare.services.intake.affected`): leads see it and may send it to Odoo.

Resolved by super-user: :meth:`ThreadService.resolve` records the ticket as a training gap
handled locally (a triage decision), notes it in Odoo and closes the ticket there
(``write_mode = "full"``; otherwise the note asks the command center to close it). A report
not yet in Odoo is created closed.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from hypercare.errors import HypercareError
from hypercare.services.access import SYSTEM, Viewer
from hypercare.services.context import ServiceContext
from hypercare.store import raised as raised_queries
from hypercare.store import threads as queries
from hypercare.store.tables import RaisedIssue, Ticket, TicketEvent
from hypercare.text import clean

if TYPE_CHECKING:
    from hypercare.services.intake.affected import AffectedService
    from hypercare.services.outbox.writeback import WritebackService
    from hypercare.services.tickets.service import TicketService
    from hypercare.services.triage.classification import TriageService

THREAD_KINDS = ("public_reply", "stage_changed")
NOTE_LIMIT = 20_000
RESOLVED_NOTE = ("Resolved in Slack by {who}: answered there by a super-user "
                 "(training gap handled locally).")
HIDDEN_REPLY = "A reply was posted in Odoo; this ticket is confidential: read it in Odoo."
HELD_MESSAGE = ("Thanks: you are counted as also affected. Only super-users' replies go to "
                "the ticket in Odoo; a command-center lead reads yours and may add it there.")

NoteState = Literal["posted", "queued", "waiting", "duplicate", "off", "not_followed", "held"]


@dataclass(frozen=True)
class ThreadEntry:
    """One thing to tell the thread: a public reply or a stage change."""

    event_id: int
    at: datetime | None
    kind: str
    author: str
    text: str
    """The reply's text, or ``Stage: New → Solved`` (hidden for a confidential ticket)."""


@dataclass(frozen=True)
class ThreadUpdate:
    """What a followed report's thread has not been told yet."""

    raised_id: int
    ref: str
    channel: str
    thread_ts: str
    url: str
    confidential: bool
    entries: tuple[ThreadEntry, ...]

    @property
    def last_event_id(self) -> int:
        return max(entry.event_id for entry in self.entries)


@dataclass(frozen=True)
class NoteOutcome:
    """What became of a thread reply."""

    state: NoteState
    ref: str = ""
    message: str = ""


class ThreadService:
    """Follows raised reports in Slack threads; needs the ticket, triage and write-back
    services."""

    def __init__(self, context: ServiceContext, *, tickets: TicketService,
                 triage: TriageService, writeback: WritebackService,
                 affected: AffectedService) -> None:
        self._context = context
        self._tickets, self._triage, self._writeback = tickets, triage, writeback
        self._affected = affected

    # -- Odoo -> thread -----------------------------------------------------------------------

    def updates(self, *, limit: int = 50) -> list[ThreadUpdate]:
        """Followed reports with public replies or stage changes not yet in their thread."""
        from hypercare.store.triage_records import classifications_for

        with self._context.store().session() as session:
            grouped = queries.unposted_thread_events(THREAD_KINDS, limit=limit,
                                                     session=session)
            odoo_ids = [ticket.odoo_id for _, ticket, _ in grouped]
            verdicts = classifications_for(odoo_ids, session=session)
            return [self._update(raised, ticket, events,
                                 bool(verdicts.get(ticket.odoo_id) and
                                      verdicts[ticket.odoo_id].confidential))
                    for raised, ticket, events in grouped]

    def _update(self, raised: RaisedIssue, ticket: Ticket, events: list[TicketEvent],
                confidential: bool) -> ThreadUpdate:
        entries = tuple(ThreadEntry(
            event_id=int(event.id or 0), at=event.at, kind=event.kind, author=event.actor,
            text=(f"Stage: {event.from_value or '-'} → {event.to_value or '-'}"
                  if event.kind == "stage_changed"
                  else HIDDEN_REPLY if confidential else event.body),
        ) for event in events)
        return ThreadUpdate(raised_id=int(raised.id or 0), ref=ticket.ref,
                            channel=raised.channel, thread_ts=raised.thread_ts,
                            url=ticket.url, confidential=confidential,
                            entries=entries)

    def mark_posted(self, *, raised_id: int, up_to: int) -> None:
        """The thread has been told everything up to event-log row ``up_to``."""
        with self._context.store().session() as session:
            row = session.get(RaisedIssue, raised_id)
            if row is not None and row.thread_cursor < up_to:
                row.thread_cursor = up_to
                session.add(row)

    # -- thread -> Odoo -----------------------------------------------------------------------

    def first_time(self, *, event_id: str, kind: str) -> bool:
        """True the first time a Slack event id is seen (retries and redeliveries: False)."""
        if not event_id:
            return True
        with self._context.store().session() as session:
            return queries.mark_event_seen(event_id, kind=kind, at=self._context.clock(),
                                           session=session)

    def is_followed(self, *, channel: str, thread_ts: str) -> bool:
        return self._followed(channel, thread_ts) is not None

    def note_from_thread(self, *, channel: str, thread_ts: str, event_id: str, viewer: Viewer,
                         text: str) -> NoteOutcome:
        """A reply in a report's thread, for Odoo's chatter as an internal note (from
        someone ``roles.raise`` does not allow: kept as an "also affected" signal)."""
        raised_id = self._followed(channel, thread_ts)
        if raised_id is None:
            return NoteOutcome("not_followed")
        if not self.first_time(event_id=event_id, kind="thread_reply"):
            return NoteOutcome("duplicate")
        body = clean(text).strip()[:NOTE_LIMIT]  # a Slack reply enters hypercare here
        author = clean(viewer.name, multiline=False)
        if not body:
            return NoteOutcome("duplicate")
        if not self._context.access.allows(viewer, "note"):
            self._affected.hold(raised_id=raised_id, viewer=viewer, text=body,
                                event_key=f"thread:{event_id or uuid.uuid4().hex}")
            return NoteOutcome("held", f"HC-{raised_id}", HELD_MESSAGE)
        if self._context.settings.odoo.write_mode == "off":
            return NoteOutcome("off", message="Replies here are not copied to Odoo: "
                               "odoo.write_mode is off.")
        note = {"key": f"thread:{event_id or uuid.uuid4().hex}",
                "text": f"[hypercare] {author} in Slack: {body}"}
        with self._context.store().session() as session:
            row = session.get(RaisedIssue, raised_id)
            assert row is not None
            if row.state != "created" or row.odoo_id is None:
                row.pending_notes = [*row.pending_notes, note]
                session.add(row)
                return NoteOutcome("waiting", f"HC-{raised_id}", (
                    f"HC-{raised_id} is not in Odoo yet; this reply is kept and added to its "
                    "chatter as soon as it is."))
            odoo_id = row.odoo_id
        return self._post_notes(odoo_id, [note])

    def flush_pending(self, *, raised_id: int) -> None:
        """Post the replies kept while the report waited for Odoo (it exists now), and tie
        its "also affected" signals to the ticket."""
        self._affected.attach(raised_id=raised_id)
        with self._context.transaction() as session:  # the notes move to the queue, or stay
            row = session.get(RaisedIssue, raised_id)
            if row is None or row.odoo_id is None or not row.pending_notes:
                return
            notes, odoo_id = list(row.pending_notes), row.odoo_id
            row.pending_notes = []
            session.add(row)
            self._queue_notes(odoo_id, notes)
        self._deliver(odoo_id)

    def _post_notes(self, odoo_id: int, notes: list[dict[str, Any]]) -> NoteOutcome:
        self._queue_notes(odoo_id, notes)
        return self._deliver(odoo_id)

    def _queue_notes(self, odoo_id: int, notes: list[dict[str, Any]]) -> None:
        for note in notes:
            self._writeback.queue(ticket_odoo_id=odoo_id, operation="post_note",
                                  payload={"text": note["text"]}, key=note["key"])

    def _deliver(self, odoo_id: int) -> NoteOutcome:
        ref = self._ref(odoo_id)
        report = self._writeback.deliver(limit=20)
        if report.retrying or report.dead:
            return NoteOutcome("queued", ref, f"Odoo did not take it yet ({report.errors[0]}); "
                               "it is queued and retried." if report.errors else "")
        return NoteOutcome("posted", ref)

    # -- resolved by super-user ---------------------------------------------------------------

    def resolve(self, *, raised_id: int, viewer: Viewer) -> str:
        """Mark a report resolved in Slack by its reporter (or a lead); returns what to tell
        the thread (never the category: that is for the command center)."""
        now = self._context.clock()
        by, by_name = viewer.id, viewer.name
        with self._context.transaction() as session:  # resolved, decided and noted together
            row = session.get(RaisedIssue, raised_id)
            if row is None:
                raise HypercareError(f"no raised report HC-{raised_id}")
            if row.resolved_by:
                return f"Already marked resolved by <@{row.resolved_by}>."
            if row.reporter:
                self._context.access.require(viewer, "resolve", reporter=row.reporter)
            row.resolved_by, row.resolved_at = by, now
            session.add(row)
            state, odoo_id = row.state, row.odoo_id
            if state != "created" or odoo_id is None:
                return (f"Marked resolved by <@{by}>: HC-{raised_id} will be created closed "
                        "in Odoo.")
            self._record_resolved(raised_id=raised_id, odoo_id=odoo_id, by=by,
                                  by_name=by_name, created_closed=False)
        return self._resolved_reply(odoo_id=odoo_id, by=by, created_closed=False)

    def close_resolved(self, *, raised_id: int, odoo_id: int, by: str, by_name: str,
                       created_closed: bool = False) -> str:
        """Record the training-gap decision, note it in Odoo and close the ticket there."""
        with self._context.transaction():  # the decision and its Odoo notes, or none of them
            self._record_resolved(raised_id=raised_id, odoo_id=odoo_id, by=by,
                                  by_name=by_name, created_closed=created_closed)
        return self._resolved_reply(odoo_id=odoo_id, by=by, created_closed=created_closed)

    def _record_resolved(self, *, raised_id: int, odoo_id: int, by: str, by_name: str,
                         created_closed: bool) -> None:
        """The training-gap decision and the write-back tasks that note (and close) it."""
        full = self._context.settings.odoo.write_mode == "full"
        # not synced yet: the report keeps resolved_by, and the count with it
        with contextlib.suppress(HypercareError):
            # granted by the "resolve" rule above: recorded as the person, made as hypercare
            self._triage.decide(ref=f"#{odoo_id}",
                                viewer=replace(SYSTEM, name=f"slack:{by_name or by}"),
                                category="training_gap",
                                note="Resolved by a super-user in Slack (handled locally)")
        self._writeback.queue(ticket_odoo_id=odoo_id, operation="post_note",
                              payload={"text": "[hypercare] " + RESOLVED_NOTE.format(
                                  who=by_name or by) + ("" if full or created_closed else
                                  " Please close the ticket: hypercare may not.")},
                              key=f"resolved:{raised_id}:note")
        if full and not created_closed:
            self._writeback.queue(ticket_odoo_id=odoo_id, operation="close", payload={},
                                  key=f"resolved:{raised_id}:close")

    def _resolved_reply(self, *, odoo_id: int, by: str, created_closed: bool) -> str:
        """Deliver the queued write-backs (after the commit) and say what became of them."""
        ref = self._ref(odoo_id)
        full = self._context.settings.odoo.write_mode == "full"
        outcome = self._deliver(odoo_id)
        closed = ("closed in Odoo" if created_closed or full else
                  "noted in Odoo for the command center to close")
        waiting = " (Odoo is slow to answer: it follows shortly)" if outcome.state == "queued" \
            else ""
        return f"Marked resolved by <@{by}>: {ref} is {closed}{waiting}."

    def resolved_locally(self, *, since: datetime | None = None) -> int:
        """How many reports super-users resolved in Slack (since ``since``)."""
        with self._context.store().session() as session:
            return raised_queries.count_resolved_locally(since=since, session=session)

    # -- helpers ------------------------------------------------------------------------------

    def _followed(self, channel: str, thread_ts: str) -> int | None:
        if not channel or not thread_ts:
            return None
        with self._context.store().session() as session:
            return raised_queries.raised_id_by_thread(channel, thread_ts, session=session)

    def _ref(self, odoo_id: int) -> str:
        with self._context.store().session() as session:
            return queries.ticket_ref(odoo_id, session=session) or f"#{odoo_id}"
