"""The daily stand-up digest posted to Slack at stand-up time: counts and trends, the top 10
items needing attention, one line per company and team, and a pointer to the stand-up.

``build`` reads the open queue rows once (``QueueService.load_rows``) plus three small queries
(tickets created or closed in 48 hours, unacknowledged escalations, open decisions). The digest
goes to a shared channel: confidential tickets never show their title."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypercare.config.operations import StandupSchedule
from hypercare.errors import UsageError
from hypercare.kpi.registry import METRICS
from hypercare.services.access import AUDIENCE
from hypercare.services.context import ServiceContext
from hypercare.services.outbox import notifications
from hypercare.services.tickets.queue_row import QueueRow
from hypercare.store import problems
from hypercare.store.digest import RecentTicket, awaiting_escalations, recent_tickets
from hypercare.store.triage_records import ticket_texts
from hypercare.triage.labels import severity_label, severity_of

KIND = "digest"
TOP = 10
DAY = timedelta(days=1)
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class DigestCount:
    """One headline count (``key``: open, new, closed, breached, at_risk, s1_s2_open,
    awaiting_ack, decisions_overdue) and ``previous``, the same count 24 hours earlier (None
    when the store cannot tell)."""

    key: str
    label: str
    value: int
    previous: int | None


@dataclass(frozen=True)
class DigestItem:
    """One open ticket needing attention. ``title`` is ``Confidential ticket`` for a
    confidential one (the digest goes to a shared channel); ``severity`` 1..4, 0 when unknown
    (``S1``..``S4`` or "" in the payload); ``why`` says in a few words why it is listed (``SLA
    breached``, ``S1, nobody assigned``)."""

    ref: str
    title: str
    confidential: bool
    severity: int
    sla_state: str
    due_at: datetime | None
    why: str
    url: str


@dataclass(frozen=True)
class DigestGroup:
    """One company and team in scope (``Acme BE · Finance``); ``new``: created in the last
    24 hours, open or closed since."""

    name: str
    open: int
    breached: int
    at_risk: int
    new: int


@dataclass(frozen=True)
class Digest:
    """What one stand-up's digest shows, at ``generated_at``.

    ``standup``: its name in ``settings.standups``; ``scope``: ``Acme BE · Finance``,
    ``Acme BE``, ``all companies · Finance`` or ``all companies``; ``top``: at most 10 items
    needing attention, most urgent first, and ``more`` beyond them; ``groups``: every company
    and team in scope, most breached, at risk, open first; ``standup_at``: today's stand-up in
    its timezone; ``channel``: the Slack channel id it goes to ("" when none is configured).
    """

    standup: str
    scope: str
    generated_at: datetime
    counts: tuple[DigestCount, ...]
    top: tuple[DigestItem, ...]
    more: int
    groups: tuple[DigestGroup, ...]
    standup_at: datetime | None
    channel: str


class DigestService:
    """Builds and queues the stand-up digests (``standup``/``dashboard``: kept for the wiring)."""

    def __init__(self, context: ServiceContext, *, queue: Any, standup: Any,
                 dashboard: Any) -> None:
        self._context = context
        self._queue, self._standup, self._dashboard = queue, standup, dashboard

    def build(self, *, standup: str = "all", now: datetime | None = None) -> Digest:
        """The digest of the stand-up named ``standup`` at ``now`` (default: the clock)."""
        schedule = self._schedule(standup)
        now = now or self._context.clock()
        zone = ZoneInfo(schedule.timezone or self._context.settings.timezone)
        today = now.astimezone(zone).date()
        in_scope = _scope_test(schedule.company, schedule.team)
        rows = [r for r in self._queue.load_rows(viewer=AUDIENCE, open_only=True)
                if in_scope(r.company, r.team)]
        with self._context.store().session() as session:
            recent = [r for r in recent_tickets(now - 2 * DAY, session=session)
                      if in_scope(r.company, r.team)]
            awaiting = [(a.level, a.ticket_odoo_id) for a in awaiting_escalations(
                session=session) if in_scope(a.company or "", a.team or "")]
            overdue = sum(1 for d in problems.decisions(session=session, status="open")
                          if d.due_date is not None and d.due_date < today)
            levels = {ticket: level for level, ticket in sorted(awaiting, key=lambda a: a[0])
                      if ticket is not None}  # the highest level per ticket
            reasons = _attention(rows, levels, zone, now)
            urls = {i: t.url for i, t in ticket_texts([r.odoo_id for r, _ in reasons[:TOP]],
                                                      session=session).items()}
        hour, minute = (int(part) for part in schedule.time.split(":"))
        return Digest(
            standup=schedule.name,
            scope=" · ".join(filter(None, (schedule.company or "all companies", schedule.team))),
            generated_at=now, counts=_counts(rows, recent, len(awaiting), overdue, now),
            top=tuple(_item(row, why, urls.get(row.odoo_id, "")) for row, why in reasons[:TOP]),
            more=max(0, len(reasons) - TOP), groups=_groups(rows, recent, now),
            standup_at=datetime.combine(today, time(hour, minute), tzinfo=zone),
            channel=schedule.channel or self._context.settings.slack.standup_channel)

    def enqueue(self, *, standup: str = "all", now: datetime | None = None) -> bool:
        """Queue the digest for posting, once per stand-up and local day; False when today's
        is queued already. Urgent: it is posted at stand-up time, whatever the quiet hours."""
        schedule = self._schedule(standup)
        now = now or self._context.clock()
        zone = ZoneInfo(schedule.timezone or self._context.settings.timezone)
        key = f"digest:{schedule.name}:{now.astimezone(zone).date().isoformat()}"
        digest = self.build(standup=standup, now=now)
        recipient = f"channel:{digest.channel or 'standup'}"
        with self._context.store().session() as session:
            row = notifications.enqueue(session, self._context.settings, kind=KIND, key=key,
                                        recipient=recipient, payload=digest_payload(digest),
                                        now=now, urgent=True)
            return row is not None

    def _schedule(self, name: str) -> StandupSchedule:
        standups = self._context.settings.standups
        for schedule in standups:
            if schedule.name == name:
                return schedule
        known = ", ".join(s.name for s in standups) or "none"
        raise UsageError(f"no stand-up named {name!r} (configured: {known})")


def _scope_test(company: str | None, team: str | None) -> Callable[[str, str], bool]:
    """(company, team) -> whether it is in the stand-up's scope (case-insensitive)."""
    company, team = (company or "").casefold(), (team or "").casefold()
    return lambda c, t: (not company or c.casefold() == company) and (
        not team or t.casefold() == team)


def _counts(rows: Sequence[QueueRow], recent: Sequence[RecentTicket], awaiting: int,
            overdue: int, now: datetime) -> tuple[DigestCount, ...]:
    """The headline counts; open, new and closed also as they stood 24 hours earlier (open
    then: the open tickets created before, and those closed since that were created before)."""
    day_ago, two_days_ago = now - DAY, now - 2 * DAY

    def within(moment: datetime | None, start: datetime | None, end: datetime | None) -> bool:
        return moment is not None and (start is None or start <= moment) and (
            end is None or moment < end)

    was_open = (sum(within(r.created_at, None, day_ago) for r in rows)
                + sum(r.is_closed and within(r.closed_at, day_ago, None)
                      and within(r.created_at, None, day_ago) for r in recent))
    states = [r.sla_state for r in rows]
    values: list[tuple[str, str, int, int | None]] = [
        ("open", METRICS["open_backlog"].label, len(rows), was_open),
        ("new", "New (24 h)", sum(within(r.created_at, day_ago, None) for r in recent),
         sum(within(r.created_at, two_days_ago, day_ago) for r in recent)),
        ("closed", "Closed (24 h)",
         sum(r.is_closed and within(r.closed_at, day_ago, None) for r in recent),
         sum(r.is_closed and within(r.closed_at, two_days_ago, day_ago) for r in recent)),
        ("breached", METRICS["sla_breaches"].label, states.count("breached"), None),
        ("at_risk", "SLA at risk", states.count("at_risk"), None),
        ("s1_s2_open", "Open S1/S2", sum(1 for r in rows if r.severity in (1, 2)), None),
        ("awaiting_ack", "Escalations not acknowledged", awaiting, None),
        ("decisions_overdue", METRICS["decisions_overdue"].label, overdue, None),
    ]
    return tuple(DigestCount(*value) for value in values)


def _attention(rows: Iterable[QueueRow], levels: Mapping[int, int], zone: ZoneInfo,
               now: datetime) -> list[tuple[QueueRow, str]]:
    """Open tickets needing attention with why, most urgent first: breached, at risk, S1/S2
    nobody is assigned to, unacknowledged escalations; then fewest minutes left, severity,
    the oldest."""
    found: list[tuple[tuple[Any, ...], QueueRow, str]] = []
    today = now.astimezone(zone).date()
    for row in rows:
        reasons: list[tuple[int, str]] = []
        if row.sla_state == "breached":
            reasons.append((0, "SLA breached"))
        elif row.sla_state == "at_risk":  # due today: 14:00, another day: Tue 14:00
            local = row.sla_due_at.astimezone(zone) if row.sla_due_at else None
            day = "" if not local or local.date() == today else f"{_DAYS[local.weekday()]} "
            reasons.append((1, f"at risk: due {day}{local:%H:%M}" if local else "at risk"))
        if row.severity in (1, 2) and not row.assignee:
            reasons.append((2, f"{severity_label(row.severity)}, nobody assigned"))
        if row.odoo_id in levels:
            reasons.append((3, f"L{levels[row.odoo_id]} escalation not acknowledged"))
        if reasons:
            left = row.sla_minutes_left if row.sla_minutes_left is not None else float("inf")
            key = (reasons[0][0], left, row.severity or 9,
                   row.created_at or datetime.max.replace(tzinfo=now.tzinfo), row.ref)
            found.append((key, row, "; ".join(why for _, why in reasons)))
    found.sort(key=lambda entry: entry[0])
    return [(row, why) for _, row, why in found]


def _item(row: QueueRow, why: str, url: str) -> DigestItem:
    # rows were read for AUDIENCE: confidential titles come masked
    return DigestItem(row.ref, row.title, row.confidential, row.severity, row.sla_state,
                      row.sla_due_at, why, url)


def _groups(rows: Sequence[QueueRow], recent: Sequence[RecentTicket],
            now: datetime) -> tuple[DigestGroup, ...]:
    """One group per company and team with open or new tickets, the worst first."""
    tally: dict[str, list[int]] = {}  # name -> [open, breached, at_risk, new]

    def name(company: str, team: str) -> str:
        return f"{company or 'no company'} · {team or 'no team'}"

    for row in rows:
        counts = tally.setdefault(name(row.company, row.team), [0, 0, 0, 0])
        counts[0] += 1
        counts[1] += row.sla_state == "breached"
        counts[2] += row.sla_state == "at_risk"
    for ticket in recent:
        if ticket.created_at is not None and ticket.created_at >= now - DAY:
            tally.setdefault(name(ticket.company, ticket.team), [0, 0, 0, 0])[3] += 1
    groups = [DigestGroup(key, *counts) for key, counts in tally.items()]
    groups.sort(key=lambda g: (-g.breached, -g.at_risk, -g.open, g.name))
    return tuple(groups)


# -- the outbox payload -------------------------------------------------------------------

def digest_payload(digest: Digest) -> dict[str, Any]:
    """The digest as JSON-safe values: times as ISO 8601 text with their offset (the local
    wall time is kept), tuples as lists, each item's severity as people read it (``S2``,
    "" when unknown)."""
    def plain(items: list[tuple[str, Any]]) -> dict[str, Any]:
        return {key: value.isoformat() if isinstance(value, datetime) else
                list(value) if isinstance(value, tuple) else value for key, value in items}

    payload = asdict(digest, dict_factory=plain)
    for item in payload["top"]:
        item["severity"] = severity_label(item["severity"])
    return payload


def digest_from_payload(payload: Mapping[str, Any]) -> Digest:
    """The digest back from :func:`digest_payload` (its exact inverse)."""
    def when(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value) if value else None

    return Digest(
        standup=payload["standup"], scope=payload["scope"],
        generated_at=datetime.fromisoformat(payload["generated_at"]),
        counts=tuple(DigestCount(**c) for c in payload["counts"]),
        top=tuple(DigestItem(**{**i, "due_at": when(i["due_at"]),
                                "severity": severity_of(i["severity"])}) for i in payload["top"]),
        more=int(payload["more"]), groups=tuple(DigestGroup(**g) for g in payload["groups"]),
        standup_at=when(payload["standup_at"]), channel=payload["channel"])
