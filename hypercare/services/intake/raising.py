"""Issues raised by super-users (from Slack): validated, created in Odoo, classified.

A report is stored first, under the submit's idempotency key, so a retried or double-clicked
submit never makes a second ticket. Then it is created in Odoo (as ``odoo.write_mode``
allows), synced back, classified and swept, so the reply can give the reference, severity,
target time and any known issue's workaround. When Odoo is unreachable the report waits as
``HC-<n>`` and :meth:`RaiseService.deliver_pending` creates it later; the ticket carries its
``HC-<n>`` and a fingerprint of the submit, so a retry after a crash finds it instead of
creating it twice.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from hypercare.errors import (
    HypercareError,
    OdooServerError,
    OdooUnreachableError,
    UsageError,
)
from hypercare.services.access import AUDIENCE, SYSTEM, Viewer
from hypercare.services.context import ServiceContext
from hypercare.store import raised as queries
from hypercare.store.tables import RaisedIssue
from hypercare.text import clean

if TYPE_CHECKING:
    from hypercare.services.intake.threads import ThreadService
    from hypercare.services.problems.known_issues import KnownIssueService
    from hypercare.services.system.refresh import RefreshService
    from hypercare.services.tickets.service import TicketService

IMPACTS = ("blocked", "degraded", "cosmetic")
URGENCIES = ("today", "this_week", "no_rush")
TRANSIENT = (OdooUnreachableError, OdooServerError)
STALE_CREATING = timedelta(minutes=10)
"""A report still "creating" after this long was cut short by a crash: it is retried."""
TITLE_LIMIT, TEXT_LIMIT = 200, 3000
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class RaiseRequest:
    """What the raise form asks (field names are the form's block ids)."""

    title: str
    what_happened: str
    expected: str = ""
    app: str = ""
    affected_email: str = ""
    """The affected user when it is not the reporter (a colleague not in Slack)."""
    company: str = ""
    impact: str = "degraded"
    users_affected: int = 1
    urgency: str = "this_week"
    reporter_email: str = ""
    source_link: str = ""
    """The Slack message the report was raised from (message shortcut)."""
    known_issue_id: int | None = None
    """A "+1" on this known issue: the ticket is linked to it."""
    resolved: bool = False
    """The reporter answered it already (resolved by super-user): created closed, counted as
    a training gap handled locally."""

    def __post_init__(self) -> None:
        # What a person typed in Slack enters hypercare here, whichever front end built the
        # request: cleaned once (hypercare.text.clean), one line where the field is a line.
        for name in ("title", "app", "affected_email", "company", "impact", "urgency",
                     "reporter_email", "source_link"):
            object.__setattr__(self, name, clean(getattr(self, name), multiline=False))
        for name in ("what_happened", "expected"):
            object.__setattr__(self, name, clean(getattr(self, name)))


@dataclass(frozen=True)
class RaisedView:
    """A raised report as the reporter is told about it."""

    id: int
    local_ref: str
    state: str
    title: str
    message: str
    odoo_id: int | None = None
    odoo_ref: str = ""
    severity: int = 0
    """1 (S1) .. 4 (S4); 0 while not classified."""
    due_at: datetime | None = None
    known_issue: str = ""
    workaround: str = ""
    url: str = ""
    confidential: bool = False
    reporter: str = ""
    channel: str = ""
    thread_ts: str = ""
    resolved_by: str = ""
    """The super-user who resolved it in Slack (a training gap handled locally)."""
    duplicate: bool = False
    """True when this submit's key was raised before (a retry or a double click): the reporter
    has been (or is being) answered already."""
    extra: dict[str, Any] = field(default_factory=dict)


def validate(request: RaiseRequest) -> dict[str, str]:
    """Problems with the form, by field (empty when it can be raised)."""
    errors: dict[str, str] = {}
    if not request.title.strip():
        errors["title"] = "Give the issue a short title."
    elif len(request.title) > TITLE_LIMIT:
        errors["title"] = f"Keep the title under {TITLE_LIMIT} characters."
    if not request.what_happened.strip():
        errors["what_happened"] = "Say what happened (what you did, what you saw)."
    for name in ("what_happened", "expected"):
        if len(getattr(request, name)) > TEXT_LIMIT:
            errors[name] = f"Keep this under {TEXT_LIMIT:,} characters; attach the rest in Odoo."
    if request.affected_email and not EMAIL.match(request.affected_email.strip()):
        errors["affected_email"] = "That does not look like an e-mail address."
    if request.impact not in IMPACTS:
        errors["impact"] = "Pick blocked, degraded or cosmetic."
    if request.urgency not in URGENCIES:
        errors["urgency"] = "Pick today, this week or no rush."
    if not 1 <= request.users_affected <= 100_000:
        errors["users_affected"] = "Give a number of users from 1 to 100,000."
    return errors


def priority(request: RaiseRequest) -> int:
    """Odoo's 0..3 priority from impact, users affected and urgency."""
    if request.impact == "blocked":
        return 3 if request.users_affected >= 10 or request.urgency == "today" else 2
    if request.impact == "degraded":
        return 2 if request.urgency == "today" else 1
    return 0


def description(request: RaiseRequest, local_ref: str) -> str:
    """The ticket's description: the reporter's words, then the form's facts."""
    lines = [request.what_happened.strip()]
    if request.expected.strip():
        lines += ["", f"Expected: {request.expected.strip()}"]
    facts = [("App", request.app), ("Affected user", request.affected_email),
             ("Company/site", request.company),
             ("Impact", f"{request.impact}, {request.users_affected} user(s)"),
             ("Urgency", request.urgency.replace("_", " ")),
             ("Raised in Slack by", request.reporter_email or "a super-user"),
             ("From the message", request.source_link)]
    lines += [""] + [f"{label}: {value}" for label, value in facts if value]
    lines += ["", f"hypercare reference: {local_ref}"]
    return "\n".join(lines)


class RaiseService:
    """Raises reports in Odoo; needs the refresh, ticket and known-issue services."""

    def __init__(self, context: ServiceContext, *, refresh: RefreshService,
                 tickets: TicketService, known_issues: KnownIssueService,
                 threads: ThreadService) -> None:
        self._context = context
        self._refresh = refresh
        self._tickets, self._known, self._threads = tickets, known_issues, threads

    def raise_issue(self, *, request: RaiseRequest, idempotency_key: str, viewer: Viewer,
                    channel: str = "", thread_ts: str = "") -> RaisedView:
        """Store the report once per key (``viewer`` is its reporter, whom ``roles.raise``
        must allow), then create it in Odoo (or queue it)."""
        self._context.access.require(viewer, "raise")
        reporter = viewer.id
        errors = validate(request)
        if errors:
            raise UsageError(next(iter(errors.values())))
        now = self._context.clock()
        row = RaisedIssue(idempotency_key=idempotency_key, state="creating",
                          request=asdict(request), reporter=reporter, channel=channel,
                          thread_ts=thread_ts, created_at=now, updated_at=now,
                          resolved_by=reporter if request.resolved else "",
                          resolved_at=now if request.resolved else None)
        with self._context.store().session() as session:
            # not fresh: this submit was raised before (a retry or a double click)
            row_id, fresh = queries.add_raised(row, session=session)
        if fresh:
            self._attempt(row_id)
        view = self.show(raised_id=row_id)
        return view if fresh else replace(view, duplicate=True)

    def deliver_pending(self, *, limit: int = 20) -> list[RaisedView]:
        """Create the queued reports now that Odoo may answer; returns those created."""
        with self._context.store().session() as session:
            stale = self._context.clock() - STALE_CREATING
            ids = [r.id for r in queries.queued_raises(limit=limit, stale_before=stale,
                                                       session=session) if r.id is not None]
        created = []
        for row_id in ids:
            if self._attempt(row_id) == "created":
                created.append(self.show(raised_id=row_id))
            else:
                break  # Odoo still down: the rest wait too
        return created

    def set_thread(self, *, raised_id: int, channel: str, thread_ts: str) -> None:
        """Remember the Slack thread that follows the report (the reply that started it)."""
        with self._context.store().session() as session:
            row = session.get(RaisedIssue, raised_id)
            if row is None:
                raise HypercareError(f"no raised report HC-{raised_id}")
            row.channel, row.thread_ts = channel, thread_ts
            session.add(row)

    def show(self, *, raised_id: int) -> RaisedView:
        with self._context.store().session() as session:
            row = session.get(RaisedIssue, raised_id)
            if row is None:
                raise HypercareError(f"no raised report HC-{raised_id}")
            state, odoo_id, request = row.state, row.odoo_id, dict(row.request)
            last_error, people = row.last_error, (row.reporter, row.channel, row.thread_ts)
            resolved_by = row.resolved_by
        local = f"HC-{raised_id}"
        base: dict[str, Any] = {"id": raised_id, "local_ref": local, "state": state,
                                "title": request.get("title", ""), "reporter": people[0],
                                "channel": people[1], "thread_ts": people[2],
                                "resolved_by": resolved_by}
        if state != "created" or odoo_id is None:
            return RaisedView(**base, message=_waiting(state, local, last_error))
        try:
            # the reply goes to the report's thread, a shared place: masked as for everyone
            ticket = self._tickets.show_ticket(ref=f"#{odoo_id}", viewer=AUDIENCE).ticket
        except HypercareError:
            return RaisedView(**base, odoo_id=odoo_id, message=(
                f"Created in Odoo (ticket id {odoo_id}); its details follow after the next sync."))
        return RaisedView(**base, odoo_id=odoo_id, odoo_ref=ticket.ref,
                          severity=ticket.severity, due_at=ticket.sla_due_at,
                          known_issue=ticket.known_issue, workaround=ticket.workaround,
                          url=ticket.url, confidential=ticket.confidential,
                          message=f"Raised in Odoo as {ticket.ref}.")

    # -- creating in Odoo ------------------------------------------------------------------

    def _attempt(self, row_id: int) -> str:
        settings = self._context.settings
        with self._context.store().session() as session:
            row = session.get(RaisedIssue, row_id)
            assert row is not None
            request = RaiseRequest(**row.request)
            attempts, resolved_by = row.attempts, row.resolved_by
            stamp = f"{row.idempotency_key}|{row.created_at}|{row_id}"
        local = f"HC-{row_id} ({hashlib.sha256(stamp.encode()).hexdigest()[:10]})"
        if settings.odoo.write_mode == "off":
            return self._mark(row_id, "kept", error="odoo.write_mode is off")
        try:
            odoo_id = self._create(request, local, retry=attempts > 0,
                                   closed=bool(resolved_by))
        except TRANSIENT as exc:
            return self._mark(row_id, "queued", error=exc.message)
        except HypercareError as exc:
            return self._mark(row_id, "failed", error=f"{exc.message} {exc.hint}".strip())
        self._mark(row_id, "created", odoo_id=odoo_id)
        self._follow(odoo_id, request)
        self._threads.flush_pending(raised_id=row_id)
        if resolved_by:
            self._threads.close_resolved(raised_id=row_id, odoo_id=odoo_id, by=resolved_by,
                                         by_name=request.reporter_email, created_closed=True)
        return "created"

    def _create(self, request: RaiseRequest, local: str, *, retry: bool,
                closed: bool = False) -> int:
        from hypercare.odoo import Writeback
        from hypercare.odoo.schema import TICKET
        from hypercare.store.raised import team_for_app

        if self._context.connect_odoo is None:
            raise HypercareError("no Odoo is configured to raise the ticket in",
                                 hint="Set HYPERCARE_ODOO__URL and friends.")
        client = self._context.connect_odoo()
        try:
            writer = Writeback(client, self._context.settings.odoo.write_mode)
            if retry:  # a crash after creating: find it rather than create it twice
                found = client.search(TICKET, [("description", "ilike", f"reference: {local}")],
                                      limit=1)
                if found:
                    return int(found[0])
            email = request.affected_email or request.reporter_email
            partner = writer.find_partner_by_email(email) if email else None
            with self._context.store().session() as session:
                team = team_for_app(request.app, session=session)
            return writer.create_ticket(
                title=request.title.strip(), description=description(request, local),
                team_id=team, partner_id=partner.id if partner else None,
                partner_email=None if partner else (email or None),
                priority=priority(request),
                extra={"stage_id": writer.closed_stage(team)} if closed else None)
        finally:
            client.close()

    def _follow(self, odoo_id: int, request: RaiseRequest) -> None:
        """Sync the new ticket in (classified), sweep its clocks, link a +1'd known issue."""
        try:
            self._refresh.refresh()
            if request.known_issue_id is not None:
                # the reporter's +1 on a known issue, part of the raise they were allowed
                self._known.link(known_issue_id=request.known_issue_id, ref=f"#{odoo_id}",
                                 viewer=replace(SYSTEM, name="slack"))
        except HypercareError:
            pass  # the ticket exists in Odoo; the next scheduled sync brings the details

    def _mark(self, row_id: int, state: str, *, error: str = "",
              odoo_id: int | None = None) -> str:
        now = self._context.clock()
        with self._context.store().session() as session:
            row = session.get(RaisedIssue, row_id)
            assert row is not None
            row.state, row.updated_at = state, now
            row.attempts += 1
            row.last_error = error
            if odoo_id is not None:
                row.odoo_id = odoo_id
            session.add(row)
        return state


def _waiting(state: str, local: str, error: str) -> str:
    if state == "creating":
        return f"Your report {local} is being raised in Odoo; its reference follows here."
    if state == "queued":
        return (f"Odoo cannot be reached right now, so your report is kept as {local}. It is "
                "created in Odoo as soon as Odoo answers, and the reference is posted here.")
    if state == "kept":
        return (f"Your report is kept in hypercare as {local}: this hypercare does not create "
                "tickets in Odoo (odoo.write_mode is off). The command center takes it from here.")
    return (f"Odoo refused to create {local}: {error} The command center has been told; "
            "nothing you raised is lost.")
