"""A ticket's event log and Odoo chatter as the ticket detail shows them: one entry a head
line (when, what, who) and its text indented under it, its kind in words (``reply by agent``,
``stand-up decision``), every outside text as data (:mod:`hypercare.terminal`)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from hypercare.services import MASKED_TEXT, ChatterView, EventView
from hypercare.terminal import data, line
from hypercare.tui.format import chatter_label, event_label, local
from hypercare.tui.widgets.data import detail

EVENT_BODY_LIMIT = 2000
CHATTER_BODY_LIMIT = 4000
INDENT = 4
"""Cells an entry's text is indented under its head line."""


def events_text(events: Sequence[EventView], zone: str, *, masked: bool) -> RenderableType:
    """The event log, oldest first: when, what, who, the change, and the text (unless the
    ticket is masked for the viewer)."""
    entries: list[RenderableType] = []
    for event in events:
        head = Text(f"{local(event.at, zone)}  ", style="dim")
        head.append(event_label(event.kind), style="bold")
        if event.actor:
            head.append_text(line("  ", data(event.actor)))
        if event.kind == "standup_decision":  # to: the stand-up it was taken in
            head.append_text(line("  in ", data(event.to_value)))
        elif event.from_value:
            head.append_text(line("  ", data(event.from_value), " → ", data(event.to_value)))
        elif event.to_value:
            head.append_text(line("  → ", data(event.to_value)))
        entries.append(head)
        if event.body and not masked:
            entries.append(_indented(detail(event.body, limit=EVENT_BODY_LIMIT)))
    return Group(*entries) if entries else Text("No events recorded.", style="dim")


def chatter_text(messages: Sequence[ChatterView], zone: str, *,
                 masked: bool) -> RenderableType:
    """Odoo's chatter, oldest first: when, who, which kind of message, and its text."""
    if not messages:
        return Text("No messages in Odoo's chatter.", style="dim")
    if masked:
        return Text(f"{len(messages)} messages. {MASKED_TEXT}", style="dim")
    entries: list[RenderableType] = []
    for message in messages:
        head = Text(f"{local(message.at, zone)}  ", style="dim")
        head.append_text(data(message.author or "?", "bold"))
        head.append(f"  {chatter_label(message.kind)}", style="dim")
        entries.append(head)
        if message.body:
            entries.append(_indented(detail(message.body, limit=CHATTER_BODY_LIMIT)))
    return Group(*entries)


def _indented(body: Text) -> Padding:
    return Padding(body, (0, 0, 0, INDENT))
