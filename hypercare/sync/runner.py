"""One sync run: Odoo -> store, page by page, resumable at any point.

Order of work in a run:

1. finish deriving tickets a killed run left flagged (``needs_derive``),
2. reference data (companies, teams, stages, tags: full reads of small tables; users:
   incremental by ``write_date``),
3. tickets, keyset pages on ``write_date, id`` with an overlap behind the cursor; each
   page, its snapshot-derived events and the cursor commit together,
4. chatter (``mail.message`` of helpdesk tickets, same keyset paging) into the event log,
5. derived state (first response, reopen count) for the changed tickets only, timed apart,
   and their classification: one transaction per chunk, so a ticket is never left derived
   but unclassified,
6. every N runs (or ``--reconcile``), deletions and archives found and marked.

A failure at any step leaves every committed page in place and the cursor at the last
committed page; the run is recorded as failed with its error, and the next run continues.
A run whose process dies (``kill -9``) is found at the next start by its pid and heartbeat
(written with each page) and recorded as abandoned (:mod:`hypercare.sync.liveness`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from hypercare.config import SyncSettings
from hypercare.errors import HypercareError
from hypercare.odoo import ChatterReader, HelpdeskReader, OdooClient, OdooTicket
from hypercare.store import sync_state
from hypercare.store import tickets as ticket_queries
from hypercare.store.engine import Store
from hypercare.sync import keyset, liveness, mapping
from hypercare.sync.events import (
    Snapshot,
    created_event,
    derive,
    message_events,
    snapshot_events,
)
from hypercare.sync.prefetch import prefetch
from hypercare.sync.report import SyncReport as SyncReport
from hypercare.sync.report import Tally, as_sync_error

Progress = Callable[[str, int, int | None], None]
"""``progress(phase, done, total)``: called as pages land (total None when unknown)."""

DERIVE_CHUNK = 2000
"""Tickets derived and classified per transaction."""

after_derive: Callable[[Sequence[int]], object] | None = None
"""A seam for crash tests: called with each chunk once its derived state is written, before
it is classified (inside the chunk's transaction). None in the product."""

# The names of the stored keyset cursors (``sync_state``): the Odoo models they were named
# after when the sync read Odoo itself, kept so that stores already synced resume.
CURSOR_TICKETS = "helpdesk.ticket"
CURSOR_USERS = "res.users"
CURSOR_MESSAGES = "mail.message"

TRACKING_NOTE = (
    "mail.tracking.value is not readable by the technical user: stage and assignment "
    "events are derived from successive snapshots (times are approximate)"
)


class SyncEngine:
    """Pulls one Odoo database into one store, through the Odoo readers (their pages of raw
    rows give the keyset positions; each page is mapped once to records, then to rows)."""

    def __init__(
        self,
        client: OdooClient,
        store: Store,
        settings: SyncSettings,
        *,
        clock: Callable[[], datetime],
        classify: Callable[[Sequence[int]], object] | None = None,
    ) -> None:
        self.client = client
        self.classify = classify
        self.store = store
        self.settings = settings
        self.clock = clock
        self.helpdesk = HelpdeskReader(client)
        self.chatter = ChatterReader(client)
        self.overlap = timedelta(minutes=settings.overlap_minutes)

    def run(self, *, reconcile: bool = False, progress: Progress | None = None) -> SyncReport:
        """Run one sync; raises :class:`SyncError` (after recording it) on failure.

        Runs left ``running`` by a process that is gone are recorded as abandoned first."""
        here = liveness.this_process()
        with self.store.session() as session:
            now = self.clock()
            abandoned = liveness.abandon_dead_runs(now=now, session=session, here=here)
            runs_before = sync_state.count_runs(session=session)
            run_id = sync_state.start_run(started_at=now, reconcile=reconcile, pid=here.pid,
                                          host=here.host, session=session)
        reconcile = reconcile or (runs_before + 1) % self.settings.reconcile_every == 0
        tally = Tally(run_id=run_id)
        tally.notes.extend(f"sync run {number} was abandoned (its process is gone); this run "
                           "resumed where it stopped" for number in sorted(abandoned))
        self.client.reset_stats()
        try:
            report = self._run(run_id, reconcile, tally, progress)
        except Exception as exc:
            self._record_failure(run_id, tally, exc)
            raise as_sync_error(exc, tally) from exc
        return report

    def _run(
        self, run_id: int, reconcile: bool, tally: Tally, progress: Progress | None
    ) -> SyncReport:
        started = time.perf_counter()
        self._derive(tally)  # leftovers of a killed run
        reference_started = time.perf_counter()
        self._pull_reference(tally)
        tally.phase("reference", time.perf_counter() - reference_started)
        self._pull_tickets(tally, progress)
        self._pull_chatter(tally, progress)
        tally.pull = time.perf_counter() - started - tally.derive
        self._derive(tally)
        deleted: list[int] = []
        archived: list[int] = []
        if reconcile:
            reconcile_started = time.perf_counter()
            deleted, archived = self._reconcile(tally)
            tally.phase("reconcile", time.perf_counter() - reconcile_started)
        if not self.chatter.tracking_readable:
            tally.notes.append(TRACKING_NOTE)
        self._finish(run_id, tally, "ok")
        return SyncReport(
            run_id=run_id,
            status="ok",
            pages=tally.pages,
            rows=dict(tally.rows),
            rpc_calls=dict(self.client.stats.by_model),
            pull_seconds=tally.pull,
            derive_seconds=tally.derive,
            reconciled=reconcile,
            deleted=tuple(deleted),
            archived=tuple(archived),
            new_tickets=tuple(tally.new_tickets),
            changed_tickets=tally.changed,
            changed_refs=tuple(dict.fromkeys(tally.changed_refs)),
            notes=tuple(tally.notes),
            phase_seconds=dict(tally.phases, derive=tally.derive),
        )

    # -- reference ------------------------------------------------------------------------

    def _pull_reference(self, tally: Tally) -> None:
        now = self.clock()
        reference = self.helpdesk.reference(refresh=True)
        batches: dict[str, list[dict[str, Any]]] = {
            "company": [mapping.company_row(c, now=now) for c in reference.companies.values()],
            "team": [mapping.team_row(t, now=now) for t in reference.teams.values()],
            "stage": [mapping.stage_row(s, now=now) for s in reference.stages.values()],
            "tag": [mapping.tag_row(t, now=now) for t in reference.tags.values()],
        }
        with self.store.session() as session:
            for kind, rows in batches.items():
                ticket_queries.upsert_reference(kind, rows, session=session)
            self._beat(session, tally, **{kind: len(rows) for kind, rows in batches.items()})
        for kind, rows in batches.items():
            tally.add(kind, len(rows))
        self._closed_stages = {s.id: s.is_closed for s in reference.stages.values()}
        self._pull_users(tally)

    def _pull_users(self, tally: Tally) -> None:
        cursor = self._cursor(CURSOR_USERS)
        for rows, position in keyset.pages(
            self.helpdesk.page_users, [], cursor, overlap=self.overlap,
            page_size=self.settings.page_size * 4,
        ):  # fmt: skip
            now = self.clock()
            users = [mapping.user_row(user, now=now) for user in self.helpdesk.map_users(rows)]
            added = keyset.newer_than(cursor, rows)
            with self.store.session() as session:
                ticket_queries.upsert_reference("user", users, session=session)
                _save(session, CURSOR_USERS, position, now)
                self._beat(session, tally, user=added)
            tally.add("user", added)

    # -- tickets --------------------------------------------------------------------------

    def _pull_tickets(self, tally: Tally, progress: Progress | None) -> None:
        cursor = self._cursor(CURSOR_TICKETS)
        total = None
        if progress is not None:
            total = self.helpdesk.count_tickets(keyset.start_domain([], cursor, self.overlap))
            progress("tickets", 0, total)
        done = 0
        pages = keyset.pages(
            self.helpdesk.page_tickets, [], cursor, overlap=self.overlap,
            page_size=self.settings.page_size,
        )  # fmt: skip
        started = time.perf_counter()
        for rows, position in prefetch(pages):  # the next page is read while this one maps
            page = self.helpdesk.map_tickets(rows)
            self._store_ticket_page(page, position, tally)
            done += len(page)
            if progress is not None:
                progress("tickets", done, total)
        tally.phase("tickets", time.perf_counter() - started)

    def _store_ticket_page(
        self, page: list[OdooTicket], position: keyset.Position | None, tally: Tally
    ) -> None:
        now = self.clock()
        tracking = self.chatter.tracking_readable
        with self.store.session() as session:
            stored = ticket_queries.ticket_snapshots([t.odoo_id for t in page], session=session)
            rows: list[dict[str, Any]] = []
            events: list[dict[str, Any]] = []
            for ticket in page:
                before = stored.get(ticket.odoo_id)
                if before is not None and before[0] == ticket.updated_at:
                    continue  # re-read by the overlap, unchanged
                rows.append(mapping.ticket_row(ticket, synced_at=now))
                if before is None:
                    tally.new_tickets.append((ticket.ref, ticket.title))
                    if (event := created_event(ticket)) is not None:
                        events.append(event)
                if not tracking:
                    snapshot = Snapshot(*before[1:]) if before is not None else None
                    events.extend(snapshot_events(ticket, snapshot))
            ticket_queries.upsert_tickets(rows, session=session)
            ticket_queries.insert_events(events, session=session)
            _save(session, CURSOR_TICKETS, position, now)
            self._beat(session, tally, pages=1, ticket=len(rows), event=len(events))
        tally.pages += 1
        tally.changed += len(rows)
        tally.changed_refs.extend(row["ref"] for row in rows)
        tally.add("ticket", len(rows))
        tally.add("event", len(events))

    # -- chatter --------------------------------------------------------------------------

    def _pull_chatter(self, tally: Tally, progress: Progress | None) -> None:
        cursor = self._cursor(CURSOR_MESSAGES)
        done = 0
        pages = keyset.pages(
            self.chatter.page_messages, [], cursor, overlap=self.overlap,
            page_size=self.settings.page_size * 4,
        )  # fmt: skip
        started = time.perf_counter()
        for rows, position in prefetch(pages):
            messages = self.chatter.map_messages(rows)
            events = message_events(messages, self._closed_stages)
            added = keyset.newer_than(cursor, rows)
            with self.store.session() as session:
                ticket_queries.insert_events(events, session=session)
                ticket_queries.flag_for_derive(
                    {e["ticket_odoo_id"] for e in events}, session=session
                )
                _save(session, CURSOR_MESSAGES, position, self.clock())
                self._beat(session, tally, pages=1, message=added, event=len(events))
            tally.pages += 1
            tally.add("message", added)
            tally.add("event", len(events))
            done += len(rows)
            if progress is not None:
                progress("messages", done, None)
        tally.phase("chatter", time.perf_counter() - started)

    # -- derived state and reconciliation ---------------------------------------------------

    def _derive(self, tally: Tally) -> None:
        started = time.perf_counter()
        with self.store.session() as session:
            pending = ticket_queries.tickets_to_derive(session=session)
        for start in range(0, len(pending), DERIVE_CHUNK):
            chunk = pending[start : start + DERIVE_CHUNK]
            # derived state (which clears needs_derive) and classification commit together:
            # a crash between them leaves the chunk flagged, and the next run does it again
            with self.store.transaction():
                self._derive_chunk(chunk, tally)
                if after_derive is not None:
                    after_derive(chunk)
                if self.classify is not None:
                    self.classify(chunk)
        tally.derive += time.perf_counter() - started

    def _derive_chunk(self, chunk: Sequence[int], tally: Tally) -> None:
        with self.store.session() as session:
            logs = ticket_queries.event_summaries(chunk, session=session)
            rows = []
            for odoo_id in chunk:
                derived = derive(logs.get(odoo_id, []))
                rows.append({"odoo_id": odoo_id,
                             "first_response_at": derived.first_response_at,
                             "reopen_count": derived.reopen_count})
            ticket_queries.set_derived(rows, session=session)
            self._beat(session, tally)

    def _reconcile(self, tally: Tally) -> tuple[list[int], list[int]]:
        present = set(self.helpdesk.ticket_ids())
        archived = set(self.helpdesk.ticket_ids([("active", "=", False)]))
        with self.store.session() as session:
            gone = ticket_queries.mark_missing(present, session=session)
            ticket_queries.mark_archived(archived, session=session)
            self._beat(session, tally)
        return gone, sorted(archived)

    def _cursor(self, name: str) -> keyset.Position | None:
        """Where the last run stopped paging ``name`` (None before its first page)."""
        with self.store.session() as session:
            return keyset.stored_position(sync_state.get_cursor(name, session=session))

    def _beat(self, session: Any, tally: Tally, *, pages: int = 0, **added: int) -> None:
        """The run is alive: heartbeat, with what is saved once this session commits."""
        rows = dict(tally.rows)
        for model, count in added.items():
            rows[model] = rows.get(model, 0) + count
        sync_state.beat(tally.run_id, now=self.clock(), pages=tally.pages + pages, rows=rows,
                        session=session)

    def _finish(self, run_id: int, tally: Tally, status: str, error: str = "") -> None:
        with self.store.session() as session:
            sync_state.finish_run(
                run_id,
                finished_at=self.clock(),
                status=status,
                pages=tally.pages,
                rows=tally.rows,
                rpc_calls=dict(self.client.stats.by_model),
                pull_seconds=tally.pull,
                derive_seconds=tally.derive,
                error=error,
                notes="\n".join(tally.notes),
                session=session,
            )

    def _record_failure(self, run_id: int, tally: Tally, exc: BaseException) -> None:
        message = exc.message if isinstance(exc, HypercareError) else f"{type(exc).__name__}: {exc}"
        try:
            self._finish(run_id, tally, "failed", message)
        except Exception:  # the store itself failed: the original error matters more
            return


def _save(session: Any, model: str, position: keyset.Position | None, now: datetime) -> None:
    if position is not None:
        sync_state.save_cursor(
            model, position.write_date, position.last_id, now=now, session=session
        )
