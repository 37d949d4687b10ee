"""Stand-up minutes as Markdown, built from what the stand-up recorded: the items handled and
their decisions, new actions, policy questions and known issues, actions carried over, counts,
and what was not reached.

Pure and deterministic: the same agenda and decisions give the same text. Meant for a shared
channel, so confidential tickets show their ref only, never their title.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from hypercare.triage.standup import Agenda, AgendaItem, OpenAction

CATEGORY_ORDER = ("defect", "training_gap", "policy_ambiguity", "unclassified")


@dataclass(frozen=True)
class HandledItem:
    """An agenda item the room decided on: its current decisions (the last value of each
    field) and who took them."""

    ref: str
    title: str
    """Masked by the caller when confidential."""
    confidential: bool
    what: str
    """``category -> defect; owner -> Lea; next step -> ...``."""
    by: tuple[str, ...]
    at: datetime
    """When the first decision on it was taken."""


@dataclass(frozen=True)
class RaisedRecord:
    """A policy question or known issue raised in the meeting."""

    ref: str
    """``D-5``, ``KI-3``."""
    text: str
    owner: str
    due_date: date | None
    about: str
    """The item it was raised from."""


@dataclass(frozen=True)
class MinutesInput:
    """What the stand-up recorded, as the minutes report it."""

    agenda: Agenda
    """Counts and training themes for the period the stand-up covered."""
    handled: Sequence[HandledItem]
    new_actions: Sequence[OpenAction]
    questions: Sequence[RaisedRecord]
    known_issues: Sequence[RaisedRecord]
    backlog: Sequence[RaisedRecord]
    carried_actions: Sequence[OpenAction]
    """Actions from earlier stand-ups still open."""
    not_reached: Sequence[AgendaItem]
    """Agenda items nobody decided on, in agenda order (carried over to the next one)."""
    attendees: Sequence[str]
    started_at: datetime
    ended_at: datetime


def cell(text: str) -> str:
    """One Markdown table cell: pipes escaped, line breaks flattened."""
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


def _line(text: str) -> str:
    return " ".join(text.split())


def _row(*cells: str) -> str:
    return "| " + " | ".join(cell(c) for c in cells) + " |"


def _item_label(ref: str, title: str) -> str:
    """``ref title``; a confidential ticket's title comes masked by the caller."""
    return f"{ref} {title}".strip()


def _due(day: date | None) -> str:
    return day.isoformat() if day else "no due date"


def render_minutes(record: MinutesInput) -> str:
    """The minutes of one stand-up as Markdown (times in ``agenda.timezone``)."""
    agenda = record.agenda
    zone = ZoneInfo(agenda.timezone)
    start, end = record.started_at.astimezone(zone), record.ended_at.astimezone(zone)
    minutes = max(0, round((record.ended_at - record.started_at).total_seconds() / 60))
    attendees = record.attendees
    out = [
        f"# Stand-up minutes: {start:%Y-%m-%d} ({_line(agenda.scope)})",
        "",
        f"- Time: {start:%H:%M}-{end:%H:%M} {agenda.timezone} ({minutes} min)",
        f"- Covers: since {agenda.since.astimezone(zone):%Y-%m-%d %H:%M}",
        f"- Attendees: {', '.join(_line(a) for a in attendees) if attendees else 'none recorded'}",
        "",
        "## Handled items",
        "",
    ]
    if record.handled:
        out += [_row("Item", "Decisions", "By", "Time"), "|---|---|---|---|"]
        out += [_row(_item_label(h.ref, h.title), h.what, ", ".join(h.by),
                     f"{h.at.astimezone(zone):%H:%M}")
                for h in sorted(record.handled, key=lambda h: (h.at, h.ref))]
    else:
        out.append("No decisions recorded.")
    out += ["", "## New actions", "", *_actions(record.new_actions, "No new actions.")]
    out += ["", "## New policy questions", "",
            *_raised(record.questions, "No new policy questions.")]
    out += ["", "## New known issues", "", *_raised(record.known_issues, "No new known issues.")]
    if record.backlog:
        out += ["", "## New backlog items", "", *_raised(record.backlog, "")]
    out += ["", "## Carried-over actions", "",
            *_actions(record.carried_actions, "No actions carried over from earlier stand-ups.")]
    out += ["", "## Counts", "", *_counts_table(agenda.counts)]
    by_app = agenda.counts.get("by_app", {})
    if by_app:
        out += ["", "New by app: " + ", ".join(f"{_line(app) or '(none)'} {n}"
                                                for app, n in by_app.items())]
    out += ["", "## Training themes", ""]
    out += [f"- {_line(th.app) or '(no app)'} / {th.topic}: {th.count} "
            f"(e.g. {', '.join(th.refs)})" for th in agenda.training_themes] or ["None."]
    out += ["", "## Not reached, carried over", ""]
    titles = dict((s.key, s.title) for s in agenda.sections)
    out += [f"- {_item_label(i.ref, i.title)} ({titles.get(i.section, i.section)}): "
            f"{_line(i.why)}" for i in record.not_reached] or ["None: every item was covered."]
    return "\n".join(out) + "\n"


def _actions(actions: Sequence[OpenAction], empty: str) -> list[str]:
    if not actions:
        return [empty]
    ordered = sorted(actions, key=lambda a: (a.due_date or date.max, a.id))
    return [_row("Action", "About", "Owner", "Due"), "|---|---|---|---|",
            *(_row(f"A-{a.id} {a.text}", a.subject, a.owner or "unassigned", _due(a.due_date))
              for a in ordered)]


def _raised(records: Sequence[RaisedRecord], empty: str) -> list[str]:
    if not records:
        return [empty]
    return [_row("Ref", "What", "Owner", "Due", "From"), "|---|---|---|---|---|",
            *(_row(r.ref, r.text, r.owner or "unassigned", _due(r.due_date), r.about)
              for r in records)]


def _counts_table(counts: Mapping[str, Mapping[str, int]]) -> list[str]:
    rows = [("New", counts.get("new", {})), ("Closed", counts.get("closed", {})),
            ("Open", counts.get("open", {}))]
    seen = {k for _, row in rows for k in row if k != "total"}
    columns = [c for c in CATEGORY_ORDER if c in seen] + sorted(seen - set(CATEGORY_ORDER))
    lines = [_row("", "Total", *columns), "|---" * (len(columns) + 2) + "|"]
    lines += [_row(name, str(row.get("total", 0)), *(str(row.get(c, 0)) for c in columns))
              for name, row in rows]
    return lines
