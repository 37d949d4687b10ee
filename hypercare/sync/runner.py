"""One sync run: Odoo -> store, page by page, resumable at any point.

Order of work in a run:

1. finish deriving tickets a killed run left flagged (``needs_derive``),
2. reference data (companies, teams, stages, tags: full reads of small tables; users:
   incremental by ``write_date``),
3. tickets, keyset pages on ``write_date, id`` with an overlap behind the cursor; each
   page, its snapshot-derived events and the cursor commit together,
4. chatter (``mail.message`` of helpdesk tickets, same keyset paging) into the event log,
5. derived state (first response, reopen count) for the changed tickets only, timed apart,
6. every N runs (or ``--reconcile``), deletions and archives found and marked.

A failure at any step leaves every committed page in place and the cursor at the last
committed page; the run is recorded as failed with its error, and the next run continues.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from hypercare.config import SyncSettings
from hypercare.errors import HypercareError, SyncError
from hypercare.odoo import ChatterReader, HelpdeskReader, OdooClient, OdooTicket
from hypercare.odoo.helpdesk import USER_FIELDS, map_user
from hypercare.odoo.messages import MESSAGE_FIELDS
from hypercare.odoo.schema import TICKET
from hypercare.store import sync_state
from hypercare.store import tickets as ticket_queries
from hypercare.store.engine import Store
from hypercare.sync import keyset, mapping
from hypercare.sync.events import (
    Snapshot,
    created_event,
    derive,
    message_events,
    snapshot_events,
)
from hypercare.sync.prefetch import prefetch

Progress = Callable[[str, int, int | None], None]
"""``progress(phase, done, total)``: called as pages land (total None when unknown)."""

TRACKING_NOTE = (
    "mail.tracking.value is not readable by the technical user: stage and assignment "
    "events are derived from successive snapshots (times are approximate)"
)


@dataclass(frozen=True)
class SyncReport:
    """What one run did."""

    run_id: int
    status: str
    pages: int
    rows: Mapping[str, int]
    rpc_calls: Mapping[str, int]
    pull_seconds: float
    derive_seconds: float
    reconciled: bool
    deleted: tuple[int, ...] = ()
    archived: tuple[int, ...] = ()
    new_tickets: tuple[tuple[str, str], ...] = ()
    """(ref, title) of tickets seen for the first time."""
    changed_tickets: int = 0
    notes: tuple[str, ...] = ()
    phase_seconds: Mapping[str, float] = field(default_factory=dict)
    """Wall time per phase: reference, tickets, chatter, derive, reconcile."""


@dataclass
class _Tally:
    pages: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    new_tickets: list[tuple[str, str]] = field(default_factory=list)
    changed: int = 0
    notes: list[str] = field(default_factory=list)
    pull: float = 0.0
    derive: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)

    def phase(self, name: str, seconds: float) -> None:
        self.phases[name] = self.phases.get(name, 0.0) + seconds

    def add(self, model: str, count: int) -> None:
        self.rows[model] = self.rows.get(model, 0) + count


class SyncEngine:
    """Pulls one Odoo database into one store."""

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
        """Run one sync; raises :class:`SyncError` (after recording it) on failure."""
        with self.store.session() as session:
            runs_before = sync_state.count_runs(session=session)
            run_id = sync_state.start_run(
                started_at=self.clock(), reconcile=reconcile, session=session
            )
        reconcile = reconcile or (runs_before + 1) % self.settings.reconcile_every == 0
        tally = _Tally()
        self.client.reset_stats()
        try:
            report = self._run(run_id, reconcile, tally, progress)
        except Exception as exc:
            self._record_failure(run_id, tally, exc)
            raise _as_sync_error(exc, tally) from exc
        return report

    def _run(
        self, run_id: int, reconcile: bool, tally: _Tally, progress: Progress | None
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
            deleted, archived = self._reconcile()
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
            notes=tuple(tally.notes),
            phase_seconds=dict(tally.phases, derive=tally.derive),
        )

    # -- reference ------------------------------------------------------------------------

    def _pull_reference(self, tally: _Tally) -> None:
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
                tally.add(kind, len(rows))
        self._closed_stages = {s.id: s.is_closed for s in reference.stages.values()}
        self._pull_users(tally)

    def _pull_users(self, tally: _Tally) -> None:
        with self.store.session() as session:
            cursor = _position(sync_state.get_cursor("res.users", session=session))

        def fetch(domain: list[Any], limit: int, offset: int) -> list[dict[str, Any]]:
            return self.client.search_read(
                "res.users", domain, [*USER_FIELDS, "write_date"], order=keyset.ORDER,
                limit=limit, offset=offset, context={"active_test": False},
            )

        for rows, position in keyset.pages(
            fetch, [], cursor, overlap=self.overlap, page_size=self.settings.page_size * 4
        ):
            now = self.clock()
            users = [mapping.user_row(map_user(row), now=now) for row in rows]
            for user, row in zip(users, rows, strict=True):
                user["active"] = bool(row.get("active", True))
            with self.store.session() as session:
                ticket_queries.upsert_reference("user", users, session=session)
                _save(session, "res.users", position, now)
            tally.add("user", _newer_than(cursor, rows))

    # -- tickets --------------------------------------------------------------------------

    def _pull_tickets(self, tally: _Tally, progress: Progress | None) -> None:
        with self.store.session() as session:
            cursor = _position(sync_state.get_cursor(TICKET, session=session))
        total = None
        if progress is not None:
            domain = keyset.start_domain([], cursor, self.overlap)
            total = self.client.search_count(TICKET, domain, context={"active_test": False})
            progress("tickets", 0, total)
        fields = self.helpdesk.schema.ticket_read_fields()
        done = 0

        def fetch(domain: list[Any], limit: int, offset: int) -> list[dict[str, Any]]:
            return self.client.search_read(
                TICKET, domain, fields, order=keyset.ORDER, limit=limit, offset=offset,
                context={"active_test": False},
            )

        pages = keyset.pages(
            fetch, [], cursor, overlap=self.overlap, page_size=self.settings.page_size
        )
        started = time.perf_counter()
        for rows, position in prefetch(pages):  # the next page is read while this one maps
            page = self.helpdesk.map_tickets(rows)
            self._store_ticket_page(page, position, tally)
            done += len(page)
            if progress is not None:
                progress("tickets", done, total)
        tally.phase("tickets", time.perf_counter() - started)

    def _store_ticket_page(
        self, page: list[OdooTicket], position: keyset.Position | None, tally: _Tally
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
            _save(session, TICKET, position, now)
        tally.pages += 1
        tally.changed += len(rows)
        tally.add("ticket", len(rows))
        tally.add("event", len(events))

    # -- chatter --------------------------------------------------------------------------

    def _pull_chatter(self, tally: _Tally, progress: Progress | None) -> None:
        with self.store.session() as session:
            cursor = _position(sync_state.get_cursor("mail.message", session=session))
        base = [("model", "=", TICKET)]

        def fetch(domain: list[Any], limit: int, offset: int) -> list[dict[str, Any]]:
            return self.client.search_read(
                "mail.message", domain, [*MESSAGE_FIELDS, "write_date"], order=keyset.ORDER,
                limit=limit, offset=offset,
            )

        done = 0
        pages = keyset.pages(
            fetch, base, cursor, overlap=self.overlap, page_size=self.settings.page_size * 4
        )
        started = time.perf_counter()
        for rows, position in prefetch(pages):
            messages = self.chatter.map_rows(rows)
            events = message_events(messages, self._closed_stages)
            with self.store.session() as session:
                ticket_queries.insert_events(events, session=session)
                ticket_queries.flag_for_derive(
                    {e["ticket_odoo_id"] for e in events}, session=session
                )
                _save(session, "mail.message", position, self.clock())
            tally.pages += 1
            tally.add("message", _newer_than(cursor, rows))
            tally.add("event", len(events))
            done += len(rows)
            if progress is not None:
                progress("messages", done, None)
        tally.phase("chatter", time.perf_counter() - started)

    # -- derived state and reconciliation ---------------------------------------------------

    def _derive(self, tally: _Tally) -> None:
        started = time.perf_counter()
        with self.store.session() as session:
            pending = ticket_queries.tickets_to_derive(session=session)
        for start in range(0, len(pending), 2000):
            chunk = pending[start : start + 2000]
            with self.store.session() as session:
                logs = ticket_queries.event_summaries(chunk, session=session)
                rows = []
                for odoo_id in chunk:
                    derived = derive(logs.get(odoo_id, []))
                    rows.append({"odoo_id": odoo_id,
                                 "first_response_at": derived.first_response_at,
                                 "reopen_count": derived.reopen_count})
                ticket_queries.set_derived(rows, session=session)
            if self.classify is not None:
                self.classify(chunk)
        tally.derive += time.perf_counter() - started

    def _reconcile(self) -> tuple[list[int], list[int]]:
        present = set(self.helpdesk.ticket_ids())
        archived = set(
            self.client.search(TICKET, [("active", "=", False)], context={"active_test": False})
        )
        with self.store.session() as session:
            gone = ticket_queries.mark_missing(present, session=session)
            ticket_queries.mark_archived(archived, session=session)
        return gone, sorted(archived)

    def _finish(self, run_id: int, tally: _Tally, status: str, error: str = "") -> None:
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

    def _record_failure(self, run_id: int, tally: _Tally, exc: BaseException) -> None:
        message = exc.message if isinstance(exc, HypercareError) else f"{type(exc).__name__}: {exc}"
        try:
            self._finish(run_id, tally, "failed", message)
        except Exception:  # the store itself failed: the original error matters more
            return


def _position(cursor: Any) -> keyset.Position | None:
    if cursor is None or cursor.write_date is None:
        return None
    return keyset.Position(cursor.write_date, cursor.last_id)


def _newer_than(cursor: keyset.Position | None, rows: list[dict[str, Any]]) -> int:
    """Rows past the stored cursor (the rest were re-read by the overlap)."""
    if cursor is None:
        return len(rows)
    mark = (cursor.write_date, cursor.last_id)
    count = 0
    for row in rows:
        stamp = keyset.from_odoo(row.get("write_date"))
        if stamp is None or (stamp, int(row["id"])) > mark:
            count += 1
    return count


def _save(session: Any, model: str, position: keyset.Position | None, now: datetime) -> None:
    if position is not None:
        sync_state.save_cursor(
            model, position.write_date, position.last_id, now=now, session=session
        )


def _as_sync_error(exc: Exception, tally: _Tally) -> SyncError:
    kept = f"{tally.pages} page{'s' if tally.pages != 1 else ''} saved before it stopped"
    if isinstance(exc, HypercareError):
        hint = (exc.hint + " " if exc.hint else "") + "The next sync continues where this stopped."
        return SyncError(f"sync stopped: {exc.message} ({kept})", hint=hint)
    return SyncError(
        f"sync stopped: {type(exc).__name__}: {exc} ({kept})",
        hint="Rerun with --debug for the traceback; the next sync continues where this stopped.",
    )
