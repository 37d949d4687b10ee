"""The weekly pack's sections from plain read models: decisions, known issues, backlog,
training themes, defects and service.

Pure functions of the views the services return (tickets, decisions, backlog, escalations)
and of a :class:`Period`; :mod:`hypercare.services.packs.weekly` gathers the views and the KPI
boards. Confidential tickets are counted everywhere and shown nowhere: no ref, no title.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypercare.services.access import AUDIENCE
from hypercare.services.packs.model import Cell, Column, ColumnKind, Section, Series, Table
from hypercare.services.problems.backlog import BacklogView, ScoredItem
from hypercare.services.problems.decisions import DecisionRecordView
from hypercare.services.problems.known_issues import KnownIssueView
from hypercare.services.tickets.views import TicketView
from hypercare.services.triage.escalation_views import EscalationView
from hypercare.triage.labels import severity_label
from hypercare.triage.scoring import CLOSED, ItemFacts, guard
from hypercare.triage.themes import ThemeInput, training_themes

SEVERITIES = tuple(severity_label(level) for level in (1, 2, 3, 4))
UNRATED = "unrated"
"""How the packs show a ticket not classified yet (no severity)."""
AGE_BUCKETS = (("0-2 d", 0, 2), ("3-7 d", 3, 7), ("8-14 d", 8, 14), (">14 d", 15, None))
SLA_TARGETS = ("first_response", "workaround", "resolution")
TICKET_COUNT: tuple[str, str, ColumnKind] = ("tickets", "Tickets", "int")


@dataclass(frozen=True)
class Period:
    """One ISO week in the command center's timezone; ``cut`` ends what counts (the week's
    end, or now for the week still running)."""

    week: str
    first: date
    last: date
    start: datetime
    end: datetime
    """Aware UTC: the Monday after, 00:00 local (exclusive)."""
    cut: datetime
    zone: ZoneInfo

    @classmethod
    def of(cls, monday: date, zone: ZoneInfo, now: datetime) -> Period:
        year, week, _ = monday.isocalendar()
        start = datetime.combine(monday, time(0), tzinfo=zone).astimezone(UTC)
        end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone).astimezone(UTC)
        return cls(f"{year}-W{week:02d}", monday, monday + timedelta(days=6), start, end,
                   min(end, now), zone)

    @property
    def as_of(self) -> date:
        """The local day ``cut`` falls in (the Sunday of a complete week)."""
        return (self.cut - timedelta(microseconds=1)).astimezone(self.zone).date()

    def previous(self) -> Period:
        """The week before (complete)."""
        monday = self.first - timedelta(days=7)
        return Period.of(monday, self.zone, self.start)

    def holds(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.cut

    def local(self, moment: datetime | None) -> datetime | None:
        return moment.astimezone(self.zone) if moment is not None else None


# -- tables and tickets ---------------------------------------------------------------------

def table(name: str, title: str, columns: Sequence[tuple[str, str, ColumnKind]],
          rows: Iterable[Sequence[Cell]], note: str = "") -> Table:
    """A :class:`Table` from ``(key, label, kind)`` column specs."""
    return Table(name, title, tuple(Column(*spec) for spec in columns),
                 tuple(tuple(row) for row in rows), note)


def confidential_note(count: int) -> str:
    """The table note for confidential tickets counted (empty for none)."""
    if count <= 0:
        return ""
    return f"{count} confidential ticket{'s' if count != 1 else ''} counted, not shown"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def open_at(ticket: TicketView, moment: datetime) -> bool:
    """Open at ``moment`` by the KPI board's history rule (reopened: open throughout)."""
    if ticket.created_at is not None and ticket.created_at >= moment:
        return False
    return not ticket.is_closed or (ticket.closed_at is not None and ticket.closed_at >= moment)


def closed_in(ticket: TicketView, period: Period) -> bool:
    return ticket.is_closed and period.holds(ticket.closed_at)


def in_period(ticket: TicketView, period: Period) -> bool:
    """Counted in the week: open at its start, raised or closed during it."""
    return (period.holds(ticket.created_at) or closed_in(ticket, period)
            or open_at(ticket, period.start))


def age_days(ticket: TicketView, moment: datetime) -> float | None:
    if ticket.created_at is None:
        return None
    return max((moment - ticket.created_at).total_seconds(), 0.0) / 86400


def before(moment: datetime | None, cut: datetime) -> bool:
    """Unknown, or earlier than ``cut``."""
    return moment is None or moment < cut


def ticket_links(links: Iterable[str]) -> int:
    return sum(1 for link in links if link.startswith("ticket:"))


# -- decisions ------------------------------------------------------------------------------

def options_text(options: Sequence[Mapping[str, str]]) -> str:
    return "; ".join(f"{o.get('option', '')} (impact: {o.get('impact') or 'not stated'})"
                     for o in options)


def decisions_section(period: Period, decisions: Sequence[DecisionRecordView],
                      created: Mapping[int, datetime | None]) -> Section:
    """Open policy questions at the week's end, and those decided during the week."""
    requested = [d for d in decisions if before(created.get(d.id), period.cut)
                 and (d.status == "open" or not before(d.decided_at, period.cut))]
    requested.sort(key=lambda d: (d.due_date or date.max, d.id))
    taken = sorted((d for d in decisions if period.holds(d.decided_at)),
                   key=lambda d: (d.decided_at or period.start, d.id))
    overdue = {d.id: max(0, (period.as_of - d.due_date).days) if d.due_date else None
               for d in requested}
    late = sum(1 for d in requested if overdue[d.id])
    summary = (f"{plural(len(requested), 'policy question')} open for the committee "
               f"({late} overdue); {len(taken)} decided this week."
               if requested or taken else "No policy question was open or decided this week.")
    return Section("decisions", "Decisions requested", (summary,), (
        table("decisions_requested", "Decisions requested",
              [("ref", "Ref", "text"), ("question", "Question", "text"),
               ("options", "Options and impact", "text"), ("owner", "Owner", "text"),
               ("due", "Due", "date"), ("days_overdue", "Days overdue", "int"),
               ("tickets", "Linked tickets", "int")],
              [(d.ref, d.question, options_text(d.options), d.process_owner, d.due_date,
                overdue[d.id], ticket_links(d.links)) for d in requested]),
        table("decisions_taken", "Decisions taken this week",
              [("ref", "Ref", "text"), ("question", "Question", "text"),
               ("outcome", "Outcome", "text"), ("decided_by", "Decided by", "text"),
               ("decided_at", "Decided at", "datetime")],
              [(d.ref, d.question, d.outcome, d.decided_by, period.local(d.decided_at))
               for d in taken])))


# -- known issues ---------------------------------------------------------------------------

def known_issues_section(period: Period, issues: Sequence[KnownIssueView],
                         closed: Mapping[int, datetime | None],
                         confidential_refs: set[str]) -> Section:
    """Known issues that existed during the week (not closed before it)."""
    shown = [i for i in issues if before(i.created_at, period.cut)
             and not before(closed.get(i.id) or period.cut, period.start)]
    hidden = sum(1 for i in shown for ref in i.ticket_refs if ref in confidential_refs)
    behind = sum(i.linked for i in shown)
    helped = sum(1 for i in shown if i.workaround)
    summary = (f"{plural(len(shown), 'known issue')} behind {plural(behind, 'ticket')}; "
               f"{helped} with a workaround." if shown else
               "No known issue was open this week.")
    return Section("known_issues", "Known issues", (summary,), (
        table("known_issues", "Known issues",
              [("ref", "Ref", "text"), ("title", "Title", "text"),
               ("status", "Status", "text"), ("severity", "Severity", "text"),
               ("workaround", "Workaround", "text"), TICKET_COUNT],
              [(i.ref, i.title, i.status.replace("_", " "), severity_label(i.severity),
                i.workaround,
                i.linked) for i in shown], confidential_note(hidden)),))


# -- backlog --------------------------------------------------------------------------------

def is_enhancement(item: BacklogView) -> bool:
    return item.type == "enhancement" or not item.stabilization


def backlog_row(s: ScoredItem) -> tuple[Cell, ...]:
    item = s.item
    return (item.ref, item.title, item.type,
            "enhancement" if is_enhancement(item) else "stabilization", item.status,
            item.value, item.risk, item.effort, s.tickets, s.score, s.explanation)


BACKLOG_COLUMNS: tuple[tuple[str, str, ColumnKind], ...] = (
    ("ref", "Ref", "text"), ("title", "Title", "text"), ("type", "Type", "text"),
    ("kind", "Stabilization / enhancement", "text"), ("status", "Status", "text"),
    ("value", "Value", "int"), ("risk", "Risk", "int"), ("effort", "Effort", "text"),
    TICKET_COUNT, ("score", "Score", "float"), ("explanation", "Explanation", "text"))


def guard_at(items: Sequence[ScoredItem], moment: datetime) -> tuple[str, float, float | None]:
    """The fit-to-standard guard's warning, share and previous share at ``moment``."""
    facts = []
    for s in items:
        v = s.item
        done = v.closed_at is not None and v.closed_at <= moment
        facts.append(ItemFacts(
            id=v.id, enhancement=is_enhancement(v),
            status=v.status if done or v.status not in CLOSED else "approved",
            value=v.value, risk=v.risk, effort=v.effort, created_at=v.created_at or moment,
            closed_at=v.closed_at if done else None, tickets=s.tickets))
    report = guard(facts, now=moment)
    return report.warning, report.share, report.previous_share


def backlog_section(period: Period, items: Sequence[ScoredItem],
                    seeds: Sequence[tuple[BacklogView, tuple[str, ...]]]) -> Section:
    """Items open at the week's end by score, the week's changes, the guard's warnings."""
    cut = period.cut
    shown = sorted((s for s in items if before(s.item.created_at, cut)
                    and not before(s.item.closed_at or cut, cut)),
                   key=lambda s: (-s.score, s.item.created_at or cut, s.item.id))
    enhancements = sum(1 for s in shown if is_enhancement(s.item))
    changes: list[tuple[datetime, str, str, str, str]] = []
    for s in items:
        v = s.item
        events = [(v.created_at, "created"), (v.closed_at, f"closed ({v.status})")]
        if not period.holds(v.created_at) and not period.holds(v.closed_at):
            events.append((v.updated_at, "updated"))
        changes.extend((at, v.ref, v.title, change, v.status) for at, change in events
                       if at is not None and period.holds(at))
    changes.sort()
    warning, share, previous = guard_at(items, cut)
    warnings = [warning] if warning else []
    ids = {s.item.id for s in shown}
    warnings += [f"{item.ref} {item.title}: {'; '.join(reasons)}"
                 for item, reasons in seeds if item.id in ids]
    summary = [f"{plural(len(shown), 'item')} open at the week's end: "
               f"{len(shown) - enhancements} stabilization, {enhancements} enhancement."
               if shown else "No backlog item was open at the week's end."]
    if shown:
        was = f" ({previous:.0%} a week earlier)" if previous is not None else ""
        summary.append(f"Enhancements are {share:.0%} of the open backlog{was}.")
    summary.append(f"{plural(len(changes), 'backlog change')} this week." if changes
                   else "No backlog item was created, closed or changed this week.")
    return Section("backlog", "Backlog", tuple(summary), (
        table("backlog", "Backlog by priority", BACKLOG_COLUMNS, map(backlog_row, shown)),
        table("backlog_changes", "Backlog changes this week",
              [("at", "When", "datetime"), ("ref", "Ref", "text"), ("title", "Title", "text"),
               ("change", "Change", "text"), ("status", "Status now", "text")],
              [(period.local(at), ref, title, change, status)
               for at, ref, title, change, status in changes],
              "No status history is kept: 'updated' is any change during the week."
              if any(c[3] == "updated" for c in changes) else "")),
        warnings=tuple(warnings))


# -- training -------------------------------------------------------------------------------

def job_aid(app: str, topic: str) -> str:
    if topic == "(confidential)":
        return "Brief the team in person (confidential tickets)"
    return f"Job aid: {topic} in {app} (quick reference card)"


def training_section(period: Period, tickets: Sequence[TicketView]) -> Section:
    """Training gaps raised this week, grouped by app and topic, each with a job aid."""
    gaps = [t for t in tickets if t.category == "training_gap" and period.holds(t.created_at)]
    themes = training_themes(ThemeInput(t.app or "(no app)", t.ref, t.title, t.confidential)
                             for t in gaps)
    by_app = Counter(t.app or "(no app)" for t in gaps)
    apps = sorted(by_app.items(), key=lambda pair: (-pair[1], pair[0]))
    raised = sum(1 for t in tickets if period.holds(t.created_at))
    summary = (f"{plural(len(gaps), 'training gap')} raised this week "
               f"({len(gaps) / raised:.0%} of {plural(raised, 'new ticket')}) in "
               f"{plural(len(themes), 'theme')}." if gaps else
               "No training gap was raised this week.")
    return Section("training", "Training themes", (summary,), (
        table("training_themes", "Training themes",
              [("app", "App", "text"), ("topic", "Topic", "text"), TICKET_COUNT,
               ("job_aid", "Proposed job aid", "text")],
              [(th.app, th.topic, th.count, job_aid(th.app, th.topic)) for th in themes],
              confidential_note(sum(1 for t in gaps if t.confidential))),),
        (Series("Training gaps by app", tuple(a for a, _ in apps),
                tuple(float(n) for _, n in apps), "tickets", "bar"),))


# -- defects and service --------------------------------------------------------------------

def _bucket(days: float) -> str:
    whole = int(days)
    return next(name for name, low, high in AGE_BUCKETS
                if whole >= low and (high is None or whole <= high))


def defects_section(period: Period, tickets: Sequence[TicketView],
                    escalations: Sequence[EscalationView]) -> Section:
    """Defects by severity and age, SLA performance of the week, the week's escalations."""
    defects = [t for t in tickets if t.category == "defect"]
    open_now = [t for t in defects if open_at(t, period.cut)]
    shown = {t.odoo_id: severity_label(t.severity, UNRATED) for t in defects}
    levels = list(SEVERITIES) + sorted(set(shown.values()) - set(SEVERITIES))
    rows: list[tuple[str, int, int, int, float | None]] = []
    ages: list[tuple[Cell, ...]] = []
    for level in levels:
        mine = [t for t in open_now if shown[t.odoo_id] == level]
        days = [d for t in mine if (d := age_days(t, period.cut)) is not None]
        opened = sum(1 for t in defects if shown[t.odoo_id] == level
                     and period.holds(t.created_at))
        closed = sum(1 for t in defects if shown[t.odoo_id] == level and closed_in(t, period))
        rows.append((level, len(mine), opened, closed,
                     round(statistics.median(days), 1) if days else None))
        buckets = Counter(_bucket(d) for d in days)
        ages.append((level, *(buckets[name] for name, _, _ in AGE_BUCKETS)))
    counted = {t.ref for t in defects if in_period(t, period) and t.confidential}
    judged = [t for t in tickets if closed_in(t, period)]
    sla_rows = []
    for target in SLA_TARGETS:
        states = [c.get("state") for t in judged for c in t.sla_clocks
                  if c.get("target") == target]
        met, breached = states.count("met"), states.count("breached")
        sla_rows.append((target.replace("_", " "), met, breached,
                         met / (met + breached) if met + breached else None))
    hidden = {f"ticket:{t.odoo_id}" for t in tickets if t.confidential}
    week = sorted((e for e in escalations if period.holds(e.created_at)),
                  key=lambda e: (e.created_at or period.start, e.id))
    opened_week = sum(r[2] for r in rows)
    closed_week = sum(r[3] for r in rows)
    summary = [f"{plural(len(open_now), 'defect')} open at the week's end ("
               + ", ".join(f"{r[0]}: {r[1]}" for r in rows if r[1]) + f"); {opened_week} "
               f"raised and {closed_week} closed this week." if open_now or opened_week
               or closed_week else "No defect was open, raised or closed this week."]
    resolution = sla_rows[-1]
    summary.append(f"Resolution SLA met for {resolution[1]} of {resolution[1] + resolution[2]} "
                   "tickets closed this week." if resolution[3] is not None else
                   "No ticket with an SLA was closed this week.")
    summary.append(f"{plural(len(week), 'escalation')} this week." if week
                   else "No escalation this week.")
    note = confidential_note(len(counted))
    return Section("defects", "Defects and service", tuple(summary), (
        table("defects_by_severity", "Defects by severity",
              [("severity", "Severity", "text"), ("open", "Open", "int"),
               ("opened", "Opened this week", "int"), ("closed", "Closed this week", "int"),
               ("median_age_days", "Median age of open (days)", "float")], rows, note),
        table("defect_age", "Age of open defects",
              [("severity", "Severity", "text"),
               *((f"age_{i}", name, "int") for i, (name, _, _) in enumerate(AGE_BUCKETS))],
              ages, note),
        table("sla_performance", "SLA performance (tickets closed this week)",
              [("target", "Target", "text"), ("met", "Met", "int"),
               ("breached", "Breached", "int"), ("attainment", "Attainment", "percent")],
              sla_rows, confidential_note(sum(1 for t in judged if t.confidential))),
        table("escalations", "Escalations this week",
              [("ref", "Ref", "text"), ("level", "Level", "int"), ("trigger", "Trigger", "text"),
               ("status", "Status", "text"), ("created", "Created", "datetime"),
               ("acknowledged_by", "Acknowledged by", "text")],
              [(AUDIENCE.ref(e.ref, confidential=e.subject in hidden), e.level, e.trigger, e.status,
                period.local(e.created_at), e.acknowledged_by) for e in week],
              confidential_note(sum(1 for e in week if e.subject in hidden)))),
        (Series("Open defects by severity", tuple(str(r[0]) for r in rows),
                tuple(float(r[1]) for r in rows), "tickets", "bar"),))
