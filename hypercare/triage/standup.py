"""The daily triage stand-up agenda: exceptions first, time-boxed, then counts and training themes.

Pure: plain values in, a frozen ``Agenda`` out; ``now`` and ``since`` are parameters (aware).
Each open ticket appears once, in its first matching section, with every reason that applies.
A section holds what fits in its time box at :data:`ITEM_SECONDS` an item, most urgent first;
the rest is "not reached, carried over" to the next stand-up (``AgendaSection.carried``).

When hypercare recorded a *baseline* since the last stand-up (escalations of what was already
true before it started watching: its first sweep, or the first after a gap), the agenda opens
with :data:`BASELINE_SECTION`: those open tickets, worst first. The next stand-up no longer
lists them there; a ticket still breached comes back under "Breaches and at-risk items" like
any other, and an acknowledged baseline is done. Without a new baseline there is no such
section.
Confidential tickets keep their ref; their titles come masked already (the caller masks them
with ``hypercare.services.access``, the one place that rule lives).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from zoneinfo import ZoneInfo

from hypercare.triage.labels import severity_label
from hypercare.triage.sla_text import due_text
from hypercare.triage.themes import ThemeInput, TrainingTheme, natural, training_themes

SECTIONS = (
    ("actions", "Yesterday's open actions"),
    ("severe", "Confirmed and suspected S1/S2"),
    ("sla", "Breaches and at-risk items"),
    ("escalations", "Escalations awaiting acknowledgement"),
    ("known_issues", "Known issues with new linked tickets"),
    ("decisions", "Decisions due or overdue"),
    ("unclassified", "Unclassified or low-confidence tickets"),
)
BASELINE_SECTION = ("baseline", "Already past SLA when hypercare started watching")
"""The section that opens the agenda after a baseline (only then)."""
BASELINE_TIMEBOX = 5
DEFAULT_TIMEBOXES: Mapping[str, int] = MappingProxyType(
    {"actions": 3, "severe": 5, "sla": 5, "escalations": 3, "known_issues": 3, "decisions": 3,
     "unclassified": 3})
ITEM_SECONDS = 20
"""About how long the room gives one agenda item."""


@dataclass(frozen=True)
class AgendaTicket:
    odoo_id: int
    ref: str
    title: str
    company: str
    team: str
    app: str
    category: str  # defect | training_gap | policy_ambiguity | unclassified | "" (not yet)
    category_confidence: float | None
    severity: int
    severity_confirmed: bool
    is_closed: bool
    created_at: datetime
    closed_at: datetime | None
    sla_state: str  # on_track | at_risk | breached | met | paused | ""
    sla_due_at: datetime | None
    escalation_level: int
    awaiting_ack: bool
    known_issue_id: int | None
    confidential: bool
    baseline_at: datetime | None = None
    """When the newest of its escalations still in baseline (not acknowledged, no trigger
    since) was recorded; None when it has none."""


@dataclass(frozen=True)
class AgendaKnownIssue:
    id: int
    title: str
    status: str
    linked: int
    linked_since: int  # tickets linked since the last stand-up


@dataclass(frozen=True)
class AgendaDecision:
    id: int
    question: str
    owner: str
    due_date: date | None
    status: str  # open | decided


@dataclass(frozen=True)
class OpenAction:
    id: int
    subject: str
    text: str
    owner: str
    due_date: date | None


@dataclass(frozen=True)
class AgendaItem:
    section: str
    kind: str  # ticket | known_issue | decision | action
    ref: str
    title: str
    why: str
    subject_id: int
    confidential: bool = False

    @property
    def label(self) -> str:
        """The title to show on a shared screen (masked by the caller when confidential)."""
        return self.title


@dataclass(frozen=True)
class AgendaSection:
    key: str
    title: str
    timebox_minutes: int
    items: tuple[AgendaItem, ...]
    """What fits in the time box, most urgent first: the items the room walks."""
    carried: tuple[AgendaItem, ...] = ()
    """Not reached: the rest, carried over to the next stand-up (same order)."""

    @property
    def total(self) -> int:
        """Every item the section found, fitted and carried over."""
        return len(self.items) + len(self.carried)


@dataclass(frozen=True)
class Agenda:
    since: datetime
    now: datetime
    timezone: str
    scope: str
    sections: tuple[AgendaSection, ...]
    counts: Mapping[str, Mapping[str, int]]
    """new / closed / open: total and by category; by_app (new), closed_by_app, open_by_app."""
    training_themes: tuple[TrainingTheme, ...]

    @property
    def item_count(self) -> int:
        """The items the room walks (those that fit in their time boxes)."""
        return sum(len(section.items) for section in self.sections)

    @property
    def carried_count(self) -> int:
        """The items carried over to the next stand-up (not reached)."""
        return sum(len(section.carried) for section in self.sections)

    def items(self) -> tuple[AgendaItem, ...]:
        """The items the room walks, in section order."""
        return tuple(item for section in self.sections for item in section.items)

    def carried(self) -> tuple[AgendaItem, ...]:
        """The items carried over to the next stand-up, in section order."""
        return tuple(item for section in self.sections for item in section.carried)


def fitting(timebox_minutes: int, item_seconds: int = ITEM_SECONDS) -> int:
    """How many items a time box holds at ``item_seconds`` an item (at least one)."""
    if item_seconds <= 0:
        raise ValueError("item_seconds must be positive")
    return max(1, timebox_minutes * 60 // item_seconds)


def build_agenda(*, tickets: Iterable[AgendaTicket], known_issues: Iterable[AgendaKnownIssue] = (),
                 decisions: Iterable[AgendaDecision] = (), actions: Iterable[OpenAction] = (),
                 since: datetime, now: datetime, timezone: str = "UTC", company: str | None = None,
                 team: str | None = None, confidence_floor: float = 0.6,
                 timeboxes: Mapping[str, int] | None = None,
                 item_seconds: int = ITEM_SECONDS) -> Agenda:
    """The agenda for the stand-up at ``now`` covering everything since ``since``; each
    section keeps what fits in its time box at ``item_seconds`` an item and carries the rest
    over."""
    if since.tzinfo is None or now.tzinfo is None:
        raise ValueError("since and now must be timezone-aware")
    boxes = _timeboxes(timeboxes, item_seconds)
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    company_key, team_key = (company or "").casefold(), (team or "").casefold()
    counts: dict[str, Counter[str]] = {
        k: Counter() for k in ("new", "closed", "open", "by_app", "closed_by_app", "open_by_app")
    }
    keys = (BASELINE_SECTION, *SECTIONS)
    flagged: dict[str, list[tuple[AgendaTicket, str]]] = {k: [] for k, _ in keys}
    gaps: list[AgendaTicket] = []
    for t in tickets:
        if company_key and t.company.casefold() != company_key:
            continue
        if team_key and t.team.casefold() != team_key:
            continue
        category = t.category or "unclassified"
        is_new = t.created_at >= since
        if is_new:
            counts["new"][category] += 1
            counts["by_app"][t.app] += 1
        if t.is_closed:
            if t.closed_at is not None and t.closed_at >= since:
                counts["closed"][category] += 1
                counts["closed_by_app"][t.app] += 1
            if is_new and category == "training_gap":
                gaps.append(t)
            continue
        counts["open"][category] += 1
        counts["open_by_app"][t.app] += 1
        if category == "training_gap":
            gaps.append(t)
        reasons = _ticket_reasons(t, confidence_floor, zone, now, since)
        if reasons:
            flagged[reasons[0][0]].append((t, "; ".join(why for _, why in reasons)))
    items: dict[str, list[AgendaItem]] = {k: [] for k, _ in keys}
    for key, rows in flagged.items():
        rows.sort(key=_urgency)
        items[key] = [
            AgendaItem(key, "ticket", t.ref, t.title, why, t.odoo_id,
                       t.confidential) for t, why in rows
        ]
    items["actions"] = [
        AgendaItem("actions", "action", f"A-{a.id}", a.text,
                   f"owner {a.owner or 'unassigned'}, {_due_words(a.due_date, today)}", a.id)
        for a in sorted(actions, key=lambda a: (a.due_date or date.max, a.id))
    ]
    items["known_issues"] = [
        AgendaItem("known_issues", "known_issue", f"KI-{k.id}", k.title,
                   f"{k.linked_since} new linked ticket{'s' if k.linked_since != 1 else ''} "
                   f"({k.linked} in total, {k.status or 'no status'})", k.id)
        for k in sorted(known_issues, key=lambda k: (-k.linked_since, k.id)) if k.linked_since > 0
    ]
    items["decisions"] = [
        AgendaItem("decisions", "decision", f"D-{d.id}", d.question,
                   f"{_due_words(d.due_date, today)}, owner {d.owner or 'unassigned'}", d.id)
        for d in sorted(decisions, key=lambda d: (d.due_date or date.max, d.id))
        if d.status == "open" and d.due_date is not None and d.due_date <= today
    ]
    sections = tuple(_section(k, title, boxes[k], items[k], item_seconds)
                     for k, title in keys if k != BASELINE_SECTION[0] or items[k])
    frozen = MappingProxyType({
        key: MappingProxyType({"total": sum(c.values()), **dict(sorted(c.items()))}
                              if "app" not in key else dict(sorted(c.items())))
        for key, c in counts.items()
    })
    return Agenda(since, now, timezone, _scope(company, team), sections, frozen,
                  training_themes(ThemeInput(t.app, t.ref, t.title, t.confidential)
                                  for t in gaps))


def _ticket_reasons(
    t: AgendaTicket, floor: float, zone: ZoneInfo, now: datetime, since: datetime
) -> list[tuple[str, str]]:
    """(section, why) for every exception on one open ticket, in section order."""
    reasons: list[tuple[str, str]] = []
    if t.baseline_at is not None and t.baseline_at >= since:
        reasons.append(("baseline", "baseline, not acknowledged"))
    if t.severity <= 2:
        how = "confirmed" if t.severity_confirmed else "suspected"
        reasons.append(("severe", f"{severity_label(t.severity)} {how}"))
    if t.sla_state in ("breached", "at_risk"):
        state = "breached" if t.sla_state == "breached" else "at risk"
        due = f" ({due_text(t.sla_due_at, now=now, zone=zone)})" if t.sla_due_at else ""
        reasons.append(("sla", f"SLA {state}{due}"))
    if t.awaiting_ack:
        reasons.append(("escalations", f"escalation level {t.escalation_level} not acknowledged"))
    if t.category in ("", "unclassified"):
        reasons.append(("unclassified", "not classified yet" if not t.category else "unclassified"))
    elif t.category_confidence is not None and t.category_confidence < floor:
        reasons.append(("unclassified", f"confidence {t.category_confidence:.2f} < {floor:.2f}"))
    return reasons


def _timeboxes(timeboxes: Mapping[str, int] | None, item_seconds: int) -> dict[str, int]:
    """Every section's time box in minutes (the defaults, overridden), checked."""
    if item_seconds <= 0:
        raise ValueError("item_seconds must be positive")
    unknown = set(timeboxes or ()) - set(DEFAULT_TIMEBOXES) - {BASELINE_SECTION[0]}
    if unknown:
        raise ValueError(f"unknown agenda sections in timeboxes: {sorted(unknown)}")
    return {BASELINE_SECTION[0]: BASELINE_TIMEBOX, **DEFAULT_TIMEBOXES, **(timeboxes or {})}


def _section(key: str, title: str, minutes: int, items: list[AgendaItem],
             item_seconds: int) -> AgendaSection:
    """The section with what fits in ``minutes`` walked and the rest carried over."""
    fit = fitting(minutes, item_seconds)
    return AgendaSection(key, title, minutes, tuple(items[:fit]), tuple(items[fit:]))


def _urgency(row: tuple[AgendaTicket, str]) -> tuple[int, float, tuple[str | int, ...]]:
    t = row[0]
    return t.severity, t.sla_due_at.timestamp() if t.sla_due_at else math.inf, natural(t.ref)



def _due_words(due: date | None, today: date) -> str:
    if due is None:
        return "no due date"
    days = (today - due).days
    if days > 0:
        return f"overdue by {days} day{'s' if days != 1 else ''}"
    return "due today" if days == 0 else f"due {due.isoformat()}"


def _scope(company: str | None, team: str | None) -> str:
    parts = [f"company: {company}"] * bool(company) + [f"team: {team}"] * bool(team)
    return ", ".join(parts) or "all"
