"""Stand-up minutes as Markdown: attendance, decisions, open actions, counts, what was not reached.

Pure and deterministic: the same agenda and decisions give the same text. Meant for a shared
channel, so confidential tickets show their ref only, never their title.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from hypercare.triage.standup import Agenda, OpenAction

CATEGORY_ORDER = ("defect", "training_gap", "policy_ambiguity", "unclassified")


@dataclass(frozen=True)
class MinuteDecision:
    ref: str
    title: str
    confidential: bool
    what: str
    """``category -> defect; owner -> Lea; next step: ...``."""
    by: str
    at: datetime


def cell(text: str) -> str:
    """One Markdown table cell: pipes escaped, line breaks flattened."""
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


def _line(text: str) -> str:
    return " ".join(text.split())


def _row(*cells: str) -> str:
    return "| " + " | ".join(cell(c) for c in cells) + " |"


def _item_label(ref: str, title: str, confidential: bool) -> str:
    """``ref title``; a confidential ticket's title comes masked by the caller."""
    return f"{ref} {title}".strip()


def render_minutes(*, agenda: Agenda, decisions: Sequence[MinuteDecision], attendees: Sequence[str],
                   open_actions: Sequence[OpenAction], started_at: datetime,
                   ended_at: datetime) -> str:
    """The minutes of one stand-up as Markdown (times in ``agenda.timezone``)."""
    zone = ZoneInfo(agenda.timezone)
    start, end = started_at.astimezone(zone), ended_at.astimezone(zone)
    minutes = max(0, round((ended_at - started_at).total_seconds() / 60))
    out = [
        f"# Stand-up minutes: {start:%Y-%m-%d} ({_line(agenda.scope)})",
        "",
        f"- Time: {start:%H:%M}-{end:%H:%M} {agenda.timezone} ({minutes} min)",
        f"- Covers: since {agenda.since.astimezone(zone):%Y-%m-%d %H:%M}",
        f"- Attendees: {', '.join(_line(a) for a in attendees) if attendees else 'none recorded'}",
        "",
        "## Decisions",
        "",
    ]
    if decisions:
        out += [_row("Item", "Decision", "By", "Time"), "|---|---|---|---|"]
        ordered = sorted(decisions, key=lambda d: (d.at, d.ref))
        out += [_row(_item_label(d.ref, d.title, d.confidential), d.what, d.by,
                     f"{d.at.astimezone(zone):%H:%M}") for d in ordered]
    else:
        out.append("No decisions recorded.")
    out += ["", "## Open actions", ""]
    if open_actions:
        out += [_row("Action", "About", "Owner", "Due"), "|---|---|---|---|"]
        ordered_actions = sorted(open_actions, key=lambda a: (a.due_date or date.max, a.id))
        out += [_row(f"A-{a.id} {a.text}", a.subject, a.owner or "unassigned",
                     a.due_date.isoformat() if a.due_date else "no due date")
                for a in ordered_actions]
    else:
        out.append("No open actions.")
    out += ["", "## Counts", "", *_counts_table(agenda.counts)]
    by_app = agenda.counts.get("by_app", {})
    if by_app:
        out += ["", "New by app: " + ", ".join(f"{_line(app) or '(none)'} {n}"
                                                for app, n in by_app.items())]
    out += ["", "## Training themes", ""]
    out += [f"- {_line(th.app) or '(no app)'} / {th.topic}: {th.count} "
            f"(e.g. {', '.join(th.refs)})" for th in agenda.training_themes] or ["None."]
    out += ["", "## Not reached", ""]
    decided = {d.ref for d in decisions}
    titles = dict((s.key, s.title) for s in agenda.sections)
    out += [f"- {_item_label(i.ref, i.title, i.confidential)} ({titles[i.section]}): {_line(i.why)}"
            for i in agenda.items() if i.ref not in decided] or ["None: every item was covered."]
    return "\n".join(out) + "\n"


def _counts_table(counts: Mapping[str, Mapping[str, int]]) -> list[str]:
    rows = [("New", counts.get("new", {})), ("Closed", counts.get("closed", {})),
            ("Open", counts.get("open", {}))]
    seen = {k for _, row in rows for k in row if k != "total"}
    columns = [c for c in CATEGORY_ORDER if c in seen] + sorted(seen - set(CATEGORY_ORDER))
    lines = [_row("", "Total", *columns), "|---" * (len(columns) + 2) + "|"]
    lines += [_row(name, str(row.get("total", 0)), *(str(row.get(c, 0)) for c in columns))
              for name, row in rows]
    return lines
