"""What stand-up mode paints: the agenda preview, the progress line and the current item.

Item labels (a ticket's title), reasons, names and what was typed in the room are data
(:mod:`hypercare.terminal`), never markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from hypercare.services import Agenda, AgendaItem, TicketView
from hypercare.terminal import DataTable, data, line
from hypercare.triage.sla_text import time_text
from hypercare.tui.format import category_label, sla_head
from hypercare.tui.widgets.data import detail, heading, plain

KIND_LABELS = {"ticket": "Ticket", "known_issue": "Known issue", "decision": "Policy decision",
               "action": "Open action"}


def preview_text(agenda: Agenda | None) -> RenderableType:
    """Before the stand-up: each section, its time box and how many items it holds."""
    if agenda is None:
        return Text("Reading the agenda...", style="dim")
    table = DataTable(box=None, show_header=True, header_style="bold", expand=True)
    table.add_column("Section")
    table.add_column("Items", justify="right")
    table.add_column("Time box", justify="right")
    for section in agenda.sections:
        table.add_row(section.title, str(len(section.items)), f"{section.timebox_minutes} min")
    total = sum(s.timebox_minutes for s in agenda.sections if s.items)
    head = Text(f"Today's agenda: {agenda.item_count} items, about {total} minutes\n",
                style="bold")
    tail = Text("\nenter starts the stand-up · c picks the scope (company or workstream)",
                style="dim")
    return Group(head, table, tail)


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


def item_text(item: AgendaItem | None, section: Any, ticket: TicketView | None,
              decided: Sequence[str], *, now: datetime, zone: str) -> RenderableType:
    """The current item, large and clear: what it is, why it is on the agenda, what was decided."""
    if item is None:
        return Text("The agenda is empty: nothing needs the room today. e ends the stand-up.",
                    style="bold green")
    text = Text()
    if section is not None:
        text.append_text(line(data(section.title.upper(), "bold cyan"), "\n\n"))
    text.append_text(line(data(f"{KIND_LABELS.get(item.kind, item.kind)} {item.ref}", "bold"),
                          "\n", heading(item.label, "bold reverse"), "\n\n",
                          ("Why: ", "bold"), detail(item.why, limit=2000), "\n"))
    if ticket is not None:
        now_line = ticket_line(ticket, now=now, zone=zone)
        text.append_text(line(("Now: ", "bold"), data(now_line, limit=500), "\n"))
        if ticket.workaround:
            text.append_text(line(("Workaround: ", "bold"), detail(ticket.workaround), "\n"))
    if decided:
        text.append("\nDecided here:\n", style="bold green")
        for done in decided:
            text.append(f"  ✔ {plain(done, limit=500)}\n", style="green")
    if item.kind == "ticket":
        text.append("\nd/t/p category · 1-4 severity · o owner · x next step · l known issue · "
                    "W workaround · q policy question · g backlog item · u undo", style="dim")
    else:
        text.append("\nDiscuss, then → for the next item.", style="dim")
    return text


def ticket_line(ticket: TicketView, *, now: datetime, zone: str) -> str:
    """What the system thinks of the ticket now (severity, category, SLA, owner, known issue)."""
    parts = [ticket.severity or "S?", category_label(ticket.category)]
    if not ticket.is_closed:
        parts.append(sla_head(ticket.sla_state,
                              time_text(ticket.sla_clock(), now=now, zone=zone)))
    if ticket.assignee:
        parts.append(f"with {ticket.assignee}")
    if ticket.known_issue:
        parts.append(ticket.known_issue)
    return " · ".join(p.strip() for p in parts if p.strip())
