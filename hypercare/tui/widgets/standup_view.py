"""What stand-up mode paints: the agenda preview, the progress line and the current item.

Item labels (a ticket's title), reasons, names, the card's facts and what was typed in the
room are data (:mod:`hypercare.terminal`), never markup. The current ticket's card is one fact
per line under the item's header, labels bold, so the room reads it in the 20 seconds an item
gets at 80 columns as well as on a wall screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Group, RenderableType
from rich.text import Text

from hypercare.services import Agenda, AgendaItem, StandupCard
from hypercare.terminal import DataTable, data, line
from hypercare.triage.sla_text import DAYS, MONTHS, clock_text, when_text
from hypercare.tui.format import category_label, severity_label
from hypercare.tui.widgets.data import detail, heading, plain

KIND_LABELS = {"ticket": "Ticket", "known_issue": "Known issue", "decision": "Policy decision",
               "action": "Open action"}
SECTION_NOUNS = {"baseline": "tickets already past SLA when hypercare started watching",
                 "actions": "open actions", "severe": "S1/S2 items",
                 "sla": "breached or at-risk items", "escalations": "unacknowledged escalations",
                 "known_issues": "known issues with new tickets", "decisions": "decisions due",
                 "unclassified": "unclassified items"}
"""What a section's items are, in "41 S1/S2 items: 15 fit in 5 min"."""
LINE_LIMIT = 120
"""Characters of one description line, workaround or next step on the card."""


def preview_text(agenda: Agenda | None) -> RenderableType:
    """Before the stand-up: each section, its time box, how many of its items fit in it and
    how many are carried over to the next stand-up."""
    if agenda is None:
        return Text("Reading the agenda...", style="dim")
    table = DataTable(box=None, show_header=True, header_style="bold", expand=True,
                      pad_edge=False)
    table.add_column("Section", ratio=1)
    table.add_column("Items", justify="right")
    table.add_column("Carried\nover", justify="right")  # two lines: room for the titles
    table.add_column("Time\nbox", justify="right", no_wrap=True)
    for section in agenda.sections:
        table.add_row(section.title, str(len(section.items)), str(len(section.carried)),
                      f"{section.timebox_minutes} min")
    total = sum(s.timebox_minutes for s in agenda.sections if s.items)
    head = Text(f"Today's agenda: {agenda.item_count} items, about {total} minutes",
                style="bold")
    if agenda.carried_count:
        head.append(f" ({agenda.carried_count} carried over)", style="bold yellow")
    head.append("\n")
    notes = Text()
    for section in agenda.sections:
        if section.carried:
            noun = SECTION_NOUNS.get(section.key, f"items in {section.title}")
            notes.append(f"\n{section.total} {plain(noun, limit=80)}: {len(section.items)} fit "
                         f"in {section.timebox_minutes} min, {len(section.carried)} carried "
                         "over to the next stand-up", style="yellow")
    tail = Text("\nenter starts the stand-up · c picks the scope (company or workstream)",
                style="dim")
    return Group(head, table, notes, tail) if notes else Group(head, table, tail)


def progress_text(items: Sequence[AgendaItem], position: int, scope: str,
                  section: Any) -> Text:
    """``7 of 23 · Breached and at risk (3 of 5) · scope``."""
    item = items[position]
    same = [i for i in items if i.section == item.section]
    index = next((n for n, i in enumerate(same) if i is item), 0)
    text = Text(f"{position + 1} of {len(items)}", style="bold")
    title = section.title if section is not None else item.section.replace("_", " ")
    text.append(f" · {plain(title, limit=80)} ({index + 1} of {len(same)})")
    text.append(f" · {plain(scope, limit=80)}", style="dim")
    return text


def item_text(item: AgendaItem | None, section: Any, card: StandupCard | None,
              decided: Sequence[str], *, now: datetime, zone: str) -> RenderableType:
    """The current item, large and clear: what it is, why it is on the agenda, the ticket's
    card (when it is a ticket and its card is read), what was decided."""
    if item is None:
        return Text("The agenda is empty: nothing needs the room today. e ends the stand-up.",
                    style="bold green")
    # the section's title is on the progress line and beside the timer: not a third time
    head = Text()
    head.append_text(line(data(f"{KIND_LABELS.get(item.kind, item.kind)} {item.ref}", "bold"),
                          "\n", heading(item.label, "bold reverse"), "\n"))
    facts = DataTable.grid(padding=(0, 1))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column(ratio=1, overflow="fold")
    facts.add_row("Why", detail(item.why, limit=2000))
    if item.kind == "ticket":
        rows = card_rows(item, card, now=now, zone=zone) if card is not None else [
            ("Card", Text("reading the ticket...", style="dim"))]
        for label, value in rows:
            facts.add_row(label, value)
    tail = Text()
    if decided:
        tail.append("\nDecided here:\n", style="bold green")
        for done in decided:
            tail.append(f"  ✔ {plain(done, limit=500)}\n", style="green")
    if item.kind == "ticket":
        tail.append("\nd/t/p category · 1-4 severity · o owner · x next step · l known issue · "
                    "W workaround · q policy question · g backlog item · u undo", style="dim")
    else:
        tail.append("\nDiscuss, then → for the next item.", style="dim")
    return Group(head, facts, tail)


def card_rows(item: AgendaItem, card: StandupCard, *, now: datetime,
              zone: str) -> list[tuple[str, Text]]:
    """(label, value) for each fact of the card, one a line; every value is data."""
    rows = [("Now", data(now_text(card), limit=300)),
            ("Age", line(data(card.age(now) or "unknown"),
                         (f" · opened {when_text(card.created_at, now=now, zone=zone)}"
                          if card.created_at else "", "dim"))),
            ("Company", line(data(card.company or "unknown", limit=100),
                             *((" · app ", data(card.app, limit=100)) if card.app else ())))]
    rows.append(("Description", _description(item, card)))
    rows.append(("Last reply", _reply(card, now=now, zone=zone)))
    rows += _clock_rows(card, now=now, zone=zone)
    if card.known_issue is not None:
        issue = card.known_issue
        rows.append(("Known issue", line(data(issue.ref, "bold"), " ",
                                         data(issue.title, limit=LINE_LIMIT),
                                         (f" ({issue.status.replace('_', ' ')})", "dim"))))
        rows.append(("Workaround", detail(issue.workaround, limit=LINE_LIMIT * 2)
                     if issue.workaround else Text("none yet", style="dim")))
    rows.append(("Next step", _next_step(card, now=now, zone=zone)))
    if card.similar_open is not None:
        rows.append(("Similar", data(f"{card.similar_open} open ticket"
                                     f"{'s' if card.similar_open != 1 else ''}")))
    return rows


def now_text(card: StandupCard) -> str:
    """What the system thinks of the ticket now: ``S2 · defect · with Marc Dupont``."""
    parts = [severity_label(card.severity, "S?"),
             category_label(card.category) if card.category else "not classified yet"]
    if card.assignee:
        parts.append(f"with {card.assignee}")
    if card.is_closed:
        parts.append("closed")
    return " · ".join(p.strip() for p in parts if p.strip())


def _description(item: AgendaItem, card: StandupCard) -> Text:
    if not card.description:
        return Text("none", style="dim")
    text = Text()
    for n, shown in enumerate(card.description):
        text.append_text(line("\n" if n else "", data(shown, limit=LINE_LIMIT)))
    if card.description_more and not text.plain.endswith("…"):
        text.append(" …", style="dim")
    return text


def _reply(card: StandupCard, *, now: datetime, zone: str) -> Text:
    reply = card.last_reply
    if reply is None:
        return Text("none yet in Odoo", style="dim")
    when = when_text(reply.at, now=now, zone=zone) if reply.at else "unknown time"
    return line(data(reply.author or "someone", limit=80), f" ({reply.by}) · {when}")


def _clock_rows(card: StandupCard, *, now: datetime, zone: str) -> list[tuple[str, Text]]:
    if not card.clocks:
        return [("SLA", Text("not evaluated yet", style="dim"))]
    rows = []
    for n, clock in enumerate(card.clocks):
        style = {"breached": "bold red", "at_risk": "yellow"}.get(clock.state, "")
        shown = clock_text(clock.clock(), now=now, zone=zone, state=True) or clock.state
        rows.append(("SLA" if n == 0 else "", line(
            data(clock.target.replace("_", " "), limit=40), ": ", data(shown, style))))
    return rows


def _next_step(card: StandupCard, *, now: datetime, zone: str) -> Text:
    action = card.next_action
    if action is None:
        return Text("none yet (o owner, x next step)", style="dim")
    text = line(data(action.owner or "unassigned", "bold", limit=80), ": ",
                data(action.text, limit=LINE_LIMIT))
    text.append(f" · {due_date_text(action.due_date, now=now, zone=zone)}")
    if len(card.actions) > 1:
        text.append(f" (+{len(card.actions) - 1} more open)", style="dim")
    return text


def due_date_text(due: date | None, *, now: datetime, zone: str) -> str:
    """``due today``, ``due Fri 20 Nov``, ``overdue since Tue 17 Nov``, ``no due date``."""
    if due is None:
        return "no due date"
    today = now.astimezone(ZoneInfo(zone)).date()
    if due == today:
        return "due today"
    year = f" {due.year}" if due.year != today.year else ""
    day = f"{DAYS[due.weekday()]} {due.day} {MONTHS[due.month - 1]}{year}"
    return f"overdue since {day}" if due < today else f"due {day}"
