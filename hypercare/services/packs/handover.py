"""The handover pack: what business-as-usual support needs on the day hypercare ends.

Sections: every open ticket (a confidential one masked: no ref, no title, no description),
open known issues with their workarounds, decisions taken and still open, the scored
backlog with the fit-to-standard guard, the runbooks, the exit-criteria evidence (metrics,
milestones and sign-offs, the forecast) and the contacts (escalation levels, leads,
process owners). Built from the services' read models by
:meth:`hypercare.services.packs.weekly.PackService.handover`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from hypercare.config import Settings
from hypercare.kpi.exit import Readiness
from hypercare.services.access import AUDIENCE
from hypercare.services.packs import sections as ps
from hypercare.services.packs.model import KpiLine, Pack, Section
from hypercare.services.packs.sections import Period, plural, table
from hypercare.services.problems.backlog import GuardView, ScoredItem
from hypercare.services.problems.decisions import DecisionRecordView
from hypercare.services.problems.known_issues import KnownIssueView
from hypercare.services.system.runbooks import RunbookView
from hypercare.services.tickets.views import TicketView
from hypercare.triage.labels import severity_label
from hypercare.triage.sla_text import clock_text


@dataclass(frozen=True)
class HandoverInputs:
    """Everything the handover pack is built from (read once, at ``now``)."""

    now: datetime
    period: Period
    """The week the pack is written in."""
    settings: Settings
    headline: tuple[KpiLine, ...]
    tickets: Sequence[TicketView]
    """Open tickets."""
    issues: Sequence[KnownIssueView]
    decisions: Sequence[DecisionRecordView]
    scored: Sequence[ScoredItem]
    guard: GuardView
    runbooks: Sequence[RunbookView]
    runbooks_problem: str
    readiness: Readiness


def build_handover(given: HandoverInputs) -> Pack:
    """The handover pack (``kind="handover"``)."""
    period = given.period
    secret = {t.ref for t in given.tickets if t.confidential}
    sections = (
        _open_tickets(given),
        _known_issues(given.issues, secret),
        _decisions(given),
        _backlog(given),
        _runbooks(given),
        _exit_evidence(given.readiness),
        _contacts(given),
    )
    return Pack(kind="handover", title="Hypercare handover pack", week=period.week,
                period_start=period.first, period_end=period.last, generated_at=given.now,
                timezone=given.settings.timezone, headline=given.headline, sections=sections,
                confidential_count=len(secret),
                empty=not given.tickets and not given.issues and not given.decisions
                and not given.scored,
                notes=("Open tickets, statuses and scores as of the day the pack was written; "
                       "the KPIs compare the last 7 days with the 7 days before.",))


def _open_tickets(given: HandoverInputs) -> Section:
    now = given.now
    ordered = sorted(given.tickets, key=lambda t: (
        t.severity or 5, t.created_at or now, t.odoo_id))
    rows = []
    for t in ordered:
        age = ps.age_days(t, now)
        rows.append((AUDIENCE.ref(t.ref, confidential=t.confidential),
                     AUDIENCE.title(t.title, confidential=t.confidential), t.company, t.team,
                     (t.category or "unclassified").replace("_", " "),
                     severity_label(t.severity),
                     (t.sla_state or "").replace("_", " "),
                     clock_text(t.sla_clock(), now=now, zone=given.settings.timezone),
                     t.assignee,
                     None if age is None else round(age, 1),
                     t.known_issue))
    hidden = len([t for t in given.tickets if t.confidential])
    by_severity = Counter(severity_label(t.severity, ps.UNRATED) for t in given.tickets)
    summary = (f"{plural(len(rows), 'open ticket')} ("
               + ", ".join(f"{k}: {n}" for k, n in sorted(by_severity.items())) + "); "
               f"{sum(1 for t in given.tickets if t.sla_state == 'breached')} past their SLA."
               if rows else "No ticket is open.")
    return Section("open_tickets", "Open tickets", (summary,), (
        table("open_tickets", "Open tickets",
              [("ref", "Ref", "text"), ("title", "Title", "text"),
               ("company", "Company", "text"), ("team", "Team", "text"),
               ("category", "Category", "text"), ("severity", "Severity", "text"),
               ("sla_state", "SLA state", "text"), ("sla_time", "SLA time", "text"),
               ("assignee", "Assignee", "text"),
               ("age_days", "Age (days)", "float"), ("known_issue", "Known issue", "text")],
              rows, ps.confidential_note(hidden)),))


def _known_issues(issues: Sequence[KnownIssueView], secret: set[str]) -> Section:
    hidden = sum(1 for i in issues for ref in i.ticket_refs if ref in secret)
    helped = sum(1 for i in issues if i.workaround)
    summary = (f"{plural(len(issues), 'open known issue')}, {helped} with a workaround, "
               f"behind {plural(sum(i.linked for i in issues), 'ticket')}."
               if issues else "No known issue is open.")
    return Section("known_issues", "Known issues and workarounds", (summary,), (
        table("known_issues", "Known issues",
              [("ref", "Ref", "text"), ("title", "Title", "text"), ("status", "Status", "text"),
               ("severity", "Severity", "text"), ("owner", "Owner", "text"),
               ("app", "App", "text"), ("workaround", "Workaround", "text"),
               ("review", "Workaround review", "date"), ps.TICKET_COUNT],
              [(i.ref, i.title, i.status.replace("_", " "), severity_label(i.severity), i.owner,
                i.app,
                i.workaround, i.workaround_review_date, i.linked) for i in issues],
              ps.confidential_note(hidden)),))


def _decisions(given: HandoverInputs) -> Section:
    period = given.period
    taken = sorted((d for d in given.decisions if d.status != "open"),
                   key=lambda d: (d.decided_at or given.now, d.id))
    still = sorted((d for d in given.decisions if d.status == "open"),
                   key=lambda d: (d.due_date or period.last, d.id))
    today = given.now.astimezone(period.zone).date()
    summary = (f"{plural(len(taken), 'decision')} taken, {len(still)} still open."
               if taken or still else "No policy decision was recorded.")
    return Section("decisions", "Decisions", (summary,), (
        table("decisions_taken", "Decisions taken",
              [("ref", "Ref", "text"), ("question", "Question", "text"),
               ("outcome", "Outcome", "text"), ("owner", "Process owner", "text"),
               ("decided_by", "Decided by", "text"), ("decided_at", "Decided at", "datetime")],
              [(d.ref, d.question, d.outcome, d.process_owner, d.decided_by,
                period.local(d.decided_at)) for d in taken]),
        table("decisions_open", "Decisions still open",
              [("ref", "Ref", "text"), ("question", "Question", "text"),
               ("options", "Options and impact", "text"), ("owner", "Process owner", "text"),
               ("due", "Due", "date"), ("days_overdue", "Days overdue", "int"),
               ("tickets", "Linked tickets", "int")],
              [(d.ref, d.question, ps.options_text(d.options), d.process_owner, d.due_date,
                max(0, (today - d.due_date).days) if d.due_date else None,
                ps.ticket_links(d.links)) for d in still])))


def _backlog(given: HandoverInputs) -> Section:
    items = [s for s in given.scored if s.open]
    enhancements = sum(1 for s in items if ps.is_enhancement(s.item))
    report = given.guard.report
    warnings = [report.warning] if report.warning else []
    warnings += [f"{item.ref} {item.title}: {'; '.join(reasons)}"
                 for item, reasons in given.guard.seeds]
    summary = (f"{plural(len(items), 'open backlog item')}: {len(items) - enhancements} "
               f"stabilization, {enhancements} enhancement." if items
               else "The backlog is empty.")
    return Section("backlog", "Backlog", (summary,), (
        table("backlog", "Backlog by priority", ps.BACKLOG_COLUMNS, map(ps.backlog_row, items)),),
        warnings=tuple(warnings))


def _runbooks(given: HandoverInputs) -> Section:
    books = given.runbooks
    summary = (f"{plural(len(books), 'runbook')} to run the support with."
               if books else "No runbook was found.")
    warnings = (given.runbooks_problem,) if given.runbooks_problem else ()
    return Section("runbooks", "Runbooks", (summary,), (
        table("runbooks", "Runbooks",
              [("name", "Name", "text"), ("title", "Title", "text"), ("path", "Path", "text")],
              [(b.name, b.title, b.path) for b in books]),), warnings=warnings)


def _exit_evidence(readiness: Readiness) -> Section:
    metrics = [c for c in readiness.criteria if c.kind == "metric"]
    others = [c for c in readiness.criteria if c.kind != "metric"]
    met = sum(1 for c in readiness.criteria if c.status == "met")
    summary = (f"Exit criteria: {met} of {len(readiness.criteria)} met"
               f"{' (ready to exit)' if readiness.ready else ''}.",
               f"Forecast: {readiness.forecast.explanation}.")
    return Section("exit_evidence", "Exit evidence", summary, (
        table("exit_criteria", "Metric criteria",
              [("criterion", "Criterion", "text"), ("status", "Status", "text"),
               ("value", "Value", "text"), ("trend", "Trend", "text"),
               ("evidence", "Evidence", "text")],
              [(c.label, c.status.replace("_", " "), c.value, c.trend, c.detail)
               for c in metrics]),
        table("milestones", "Milestones and sign-offs",
              [("criterion", "Criterion", "text"), ("kind", "Kind", "text"),
               ("status", "Status", "text"), ("evidence", "Evidence", "text")],
              [(c.label, c.kind.replace("_", "-"), c.status.replace("_", " "), c.detail)
               for c in others])))


def _contacts(given: HandoverInputs) -> Section:
    settings = given.settings
    levels = sorted(settings.escalation.levels, key=lambda level: level.level)
    owners: dict[str, list[int]] = {}
    for d in given.decisions:
        if d.process_owner:
            counts = owners.setdefault(d.process_owner, [0, 0])
            counts[0 if d.status == "open" else 1] += 1
    summary = (f"{plural(len(levels), 'escalation level')}, "
               f"{plural(len(settings.roles.leads), 'lead')}, "
               f"{plural(len(owners), 'process owner')}.",)
    return Section("contacts", "Contacts", summary, (
        table("escalation_levels", "Escalation levels",
              [("level", "Level", "int"), ("name", "Name", "text"),
               ("contacts", "Contacts", "text")],
              [(level.level, level.name, ", ".join(level.contacts) or "(none configured)")
               for level in levels]),
        table("leads", "Command-center leads", [("lead", "Lead", "text")],
              [(lead,) for lead in settings.roles.leads]),
        table("process_owners", "Process owners",
              [("owner", "Process owner", "text"), ("open", "Open decisions", "int"),
               ("decided", "Decisions taken", "int")],
              [(name, n[0], n[1]) for name, n in sorted(owners.items())])))
