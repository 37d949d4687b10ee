"""Escalations: every open one (the done ones on ``a``), acknowledged and approved by key, and
the alerts the fatigue rules suppressed, listed so that nothing is invisible."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from hypercare.services import BASELINE_MEANING, EscalationView, OutboxView
from hypercare.terminal import data, line
from hypercare.tui.context import TuiContext, tui_context
from hypercare.tui.format import age, local
from hypercare.tui.messages import ActionDone, StoreRead
from hypercare.tui.widgets.data import DataTable, heading, plain, toast
from hypercare.tui.widgets.header import TopBar
from hypercare.tui.work import call_service

STATUS_LABELS = {
    "open": ("open", "bold"),
    "pending_approval": ("needs approval", "bold dark_orange"),
    "baseline": ("baseline", "magenta"),
    "acknowledged": ("acknowledged", "green"),
    "superseded": ("superseded", "dim"),
}
SUPPRESSED_LIMIT = 100
WIDE = 120
"""From this width the level's name shows beside its number (below, in the detail line)."""
TRIGGERS_NARROW = 30
"""Below :data:`WIDE`, an escalation's triggers are cut to this many cells in the table (whole
in the detail line), so its age and who handled it stay on an 80-column screen."""


def status_text(status: str) -> Text:
    label, style = STATUS_LABELS.get(status, (status.replace("_", " "), ""))
    return Text(label, style=style)


def handled(esc: EscalationView, zone: str) -> str:
    """Who took it: ``ack lea 20 Nov 14:05``, ``approved by lea``, or both."""
    parts = []
    if esc.approved_by:
        parts.append(f"approved by {esc.approved_by}")
    if esc.acknowledged_by:
        parts.append(f"ack {esc.acknowledged_by} "
                     f"{local(esc.acknowledged_at, zone, fmt='%d %b %H:%M')}".rstrip())
    return "; ".join(parts) or "-"


def ticket_ref(payload: dict[str, Any]) -> str:
    ticket = payload.get("ticket")
    return str(ticket.get("ref", "")) if isinstance(ticket, dict) else ""


class EscalationsScreen(Screen[Any]):
    """Escalations newest first, open and waiting ones on top; suppressed alerts below."""

    RUNBOOK = "sla-and-escalation"
    BINDINGS = [
        Binding("k", "acknowledge", "Ack"),
        Binding("v", "approve", "Approve L3/L4"),
        Binding("a", "toggle_done", "Show done"),
    ]
    DEFAULT_CSS = """
    EscalationsScreen #esc-summary { height: auto; max-height: 2; padding: 0 1; }
    EscalationsScreen DataTable { border: round $primary-darken-2; scrollbar-size-vertical: 1; }
    EscalationsScreen DataTable:focus { border: round $primary; }
    EscalationsScreen #esc-table { height: 2fr; min-height: 6; }
    EscalationsScreen #esc-detail { height: auto; max-height: 3; padding: 0 1;
                                    color: $text-muted; }
    EscalationsScreen #suppressed-table { height: 1fr; min-height: 5; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.include_done = False
        self.escalations: list[EscalationView] = []
        self.suppressed: list[OutboxView] = []
        self.loaded = False
        self.compact = False

    @property
    def context(self) -> TuiContext:
        return tui_context(self)

    def compose(self) -> ComposeResult:
        yield TopBar(id="topbar")
        yield Static("reading escalations...", id="esc-summary")
        table: DataTable[Any] = DataTable(id="esc-table", cursor_type="row", zebra_stripes=True)
        table.border_title = "Escalations"
        table.border_subtitle = "enter opens the ticket"
        yield table
        yield Static(id="esc-detail")
        alerts: DataTable[Any] = DataTable(id="suppressed-table", cursor_type="row")
        alerts.border_title = "Suppressed alerts"
        alerts.border_subtitle = "held back by the rate cap; kept so nothing is invisible"
        yield alerts
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#esc-table", DataTable).add_columns(
            "Ref", "Level", "Status", "Trigger", "Age", "Handled", "Notified", "Title")
        self.query_one("#suppressed-table", DataTable).add_columns(
            "When", "Kind", "To", "About", "Reason")
        self.query_one(TopBar).show(self.context, "Escalations")
        self.query_one("#esc-table", DataTable).focus()
        self.load()

    def on_screen_resume(self) -> None:
        self.query_one(TopBar).show(self.context, "Escalations")
        if self.loaded:  # back from a ticket: its actions may have changed these
            self.load()

    def on_store_read(self, message: StoreRead) -> None:
        self.query_one(TopBar).show(self.context, "Escalations")
        if not message.partial:
            self.load()

    def on_action_done(self, message: ActionDone) -> None:
        self.load()

    def on_resize(self, event: events.Resize) -> None:
        if self.loaded and self.compact != (event.size.width < WIDE):
            self.call_after_refresh(self.show)

    # -- reading ------------------------------------------------------------------------

    def load(self) -> None:
        ctx = self.context
        include_done = self.include_done

        def read() -> tuple[list[EscalationView], list[OutboxView]]:
            sla = ctx.services.sla
            return (sla.list_escalations(viewer=ctx.viewer, include_done=include_done),
                    sla.list_outbox(state="suppressed", limit=SUPPRESSED_LIMIT))

        call_service(self, read, done=self._loaded, what="Reading escalations",
                     group="escalations", exclusive=True)

    def _loaded(self, result: tuple[list[EscalationView], list[OutboxView]]) -> None:
        self.escalations, self.suppressed = result
        self.loaded = True
        self.show()

    # -- painting -----------------------------------------------------------------------

    def show(self) -> None:
        ctx = self.context
        now = ctx.now()
        self._summary()
        table = self.query_one("#esc-table", DataTable)
        keep = self.current()
        table.clear()
        self.compact = self.size.width < WIDE
        for esc in self.escalations:
            level = f"L{esc.level}" if self.compact else f"L{esc.level} {esc.level_name}"
            table.add_row(esc.ref, level, status_text(esc.status),
                          _cut(esc.reasons, TRIGGERS_NARROW) if self.compact else esc.reasons,
                          age(esc.created_at, now),
                          handled(esc, ctx.zone), ", ".join(esc.notified) or "-",
                          _cut(esc.title, 50), key=str(esc.id))
        if keep is not None:
            index = next((i for i, e in enumerate(self.escalations) if e.id == keep.id), None)
            if index is not None:
                table.move_cursor(row=index, animate=False)
        self._paint_suppressed(ctx)
        self._detail()

    def _summary(self) -> None:
        waiting = sum(e.status == "open" for e in self.escalations)
        approval = sum(e.status == "pending_approval" for e in self.escalations)
        baseline = sum(e.baseline for e in self.escalations)
        line = Text.assemble((f"{waiting} open", "bold"), " · ",
                             (f"{approval} waiting for approval",
                              "bold dark_orange" if approval else ""), " · ")
        if baseline:  # already past their SLA when hypercare started watching
            line.append_text(Text.assemble((f"{baseline} baseline", "magenta"), " · "))
        line.append(f"{len(self.suppressed)} suppressed alerts",
                    style="red" if self.suppressed else "")
        if self.include_done:
            done = len(self.escalations) - waiting - approval - baseline
            line.append(f" · {done} done (a hides them)", style="dim")
        else:
            line.append(" · a shows the done ones", style="dim")
        self.query_one("#esc-summary", Static).update(line)

    def _paint_suppressed(self, ctx: TuiContext) -> None:
        table = self.query_one("#suppressed-table", DataTable)
        table.clear()
        for message in self.suppressed:
            table.add_row(local(message.created_at, ctx.zone, fmt="%d %b %H:%M"),
                          message.kind.replace("_", " "), ", ".join(message.recipients),
                          _cut(message.about(viewer=ctx.viewer), 60),
                          data(message.reason or "-", "dim"), key=str(message.id))
        count = len(self.suppressed)
        table.border_title = (f"Suppressed alerts ({count}"
                              f"{'+' if count >= SUPPRESSED_LIMIT else ''})" if count
                              else "Suppressed alerts: none")

    def _detail(self) -> None:
        esc = self.current()
        text = Text()
        if esc is not None:
            text.append(plain(esc.ref), style="bold")
            text.append(f" · escalation #{esc.id} · L{esc.level} {plain(esc.level_name)} · "
                        f"{plain(esc.reasons)}")
            if esc.baseline:
                text.append(f" · baseline: {BASELINE_MEANING}", style="magenta")
            if esc.company:
                text.append_text(line(" · ", data(esc.company)))
            if esc.detail:
                text.append_text(line(" · ", data(esc.detail, limit=300)))
            text.append_text(line("\n", heading(esc.title, "")))
        elif self.loaded:
            text.append("No escalation is waiting. " if not self.include_done
                        else "No escalations yet. ", style="green")
        self.query_one("#esc-detail", Static).update(text)

    @on(DataTable.RowHighlighted, "#esc-table")
    def highlighted(self) -> None:
        self._detail()

    def current(self) -> EscalationView | None:
        table = self.query_one("#esc-table", DataTable)
        row = table.cursor_row
        if not self.escalations or not 0 <= row < min(len(self.escalations), table.row_count):
            return None
        return self.escalations[row]

    # -- actions ------------------------------------------------------------------------

    def _done(self, summary: str) -> None:
        toast(self, summary, timeout=4)
        self.post_message(ActionDone(summary))

    def action_toggle_done(self) -> None:
        self.include_done = not self.include_done
        self.load()

    def action_acknowledge(self) -> None:
        esc = self.current()
        if esc is None:
            toast(self, "No escalation selected.", severity="warning")
            return
        if esc.status == "acknowledged":
            toast(self, f"{esc.ref}: already acknowledged by {esc.acknowledged_by}.")
            return
        if esc.status == "superseded":
            toast(self, f"{esc.ref}: superseded by a higher level; acknowledge that one.",
                        severity="warning")
            return
        ctx = self.context
        sla = ctx.services.sla
        escalation_id, viewer = esc.id, ctx.viewer
        summary = f"{esc.ref}: L{esc.level} escalation acknowledged by {viewer.name}"
        if esc.status == "pending_approval":
            summary += " (not approved: its contacts are not notified)"

        def acknowledge() -> str:
            sla.acknowledge(escalation_id=escalation_id, viewer=viewer)
            return summary

        call_service(self, acknowledge, done=self._done, what=f"Acknowledging {esc.ref}")

    def action_approve(self) -> None:
        esc = self.current()
        if esc is None:
            toast(self, "No escalation selected.", severity="warning")
            return
        if esc.status != "pending_approval":
            toast(self, f"{esc.ref}: this L{esc.level} escalation is {esc.status.replace('_', ' ')}"
                        ", not waiting for approval.", severity="warning")
            return
        ctx = self.context
        sla = ctx.services.sla
        escalation_id, viewer = esc.id, ctx.viewer
        summary = (f"{esc.ref}: L{esc.level} ({esc.level_name}) approved by {viewer.name}; "
                   "its contacts are notified")

        def approve() -> str:
            sla.approve(escalation_id=escalation_id, viewer=viewer)
            return summary

        call_service(self, approve, done=self._done, what=f"Approving {esc.ref}")

    @on(DataTable.RowSelected, "#esc-table")
    def open_escalation(self) -> None:
        esc = self.current()
        if esc is None:
            return
        if esc.subject.startswith("ticket:"):
            self._open_ticket(esc.ref)
        elif esc.subject.startswith("known_issue:"):
            toast(self, f"{esc.ref} is a known issue: K lists the known issues.")
        else:
            toast(self, f"{esc.ref} is a policy decision: D lists the decisions.")

    @on(DataTable.RowSelected, "#suppressed-table")
    def open_suppressed(self, event: DataTable.RowSelected) -> None:
        row = event.cursor_row
        ref = ticket_ref(self.suppressed[row].payload) if 0 <= row < len(self.suppressed) else ""
        if ref:
            self._open_ticket(ref)

    def _open_ticket(self, ref: str) -> None:
        from hypercare.tui.screens.ticket import TicketScreen

        self.app.push_screen(TicketScreen(ref))


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"

