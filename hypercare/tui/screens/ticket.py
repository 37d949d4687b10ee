"""One ticket: what was asked, how it was classified and why, its clocks, escalations, chatter."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static, TabbedContent, TabPane

from hypercare.services import ChatterView, EscalationView, TicketDetail
from hypercare.terminal import data, line
from hypercare.tui.format import (
    category_label,
    local,
    local_with_company,
    sla_label,
    time_left,
)
from hypercare.tui.messages import ActionDone, StoreRead
from hypercare.tui.screens.ticket_actions import TICKET_BINDINGS, TicketActions
from hypercare.tui.widgets.data import TITLE_LIMIT, detail, plain
from hypercare.tui.widgets.header import TopBar
from hypercare.tui.widgets.panels import grid
from hypercare.tui.work import call_service, describe

MASK = "Confidential ticket: only command-center leads see its content."
EVENT_BODY_LIMIT = 2000
CHATTER_BODY_LIMIT = 4000
REASON_LIMIT = 500


class TicketScreen(TicketActions):
    """Detail of one ticket; escape goes back."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("c", "chatter", "Chatter", show=False),
        *TICKET_BINDINGS,
    ]

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref
        self.detail: TicketDetail | None = None
        self.escalations: Sequence[EscalationView] = ()
        self.chatter: Sequence[ChatterView] | None = None

    def compose(self) -> ComposeResult:
        yield TopBar(id="topbar")
        yield Static(id="ticket-head")
        with TabbedContent(id="ticket-tabs"):
            with TabPane("Overview", id="overview"), VerticalScroll():
                yield Static(id="ticket-body")
                yield Static(id="ticket-triage")
                yield Static(id="ticket-clocks")
                yield Static(id="ticket-escalations")
            with TabPane("Event log", id="events"), VerticalScroll():
                yield Static(id="ticket-events")
            with TabPane("Odoo chatter", id="chatter"), VerticalScroll():
                yield Static("Fetching the chatter from Odoo...", id="ticket-chatter")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TopBar).show(self.context, f"Ticket {self.ref}")
        self.load()
        self.action_chatter()

    def on_store_read(self, message: StoreRead) -> None:
        self.query_one(TopBar).show(self.context, f"Ticket {self.ref}")

    def on_action_done(self, message: ActionDone) -> None:
        self.load()

    def current_ticket(self) -> tuple[str, str, str] | None:
        if self.detail is None:
            return (self.ref, "", "")
        ticket = self.detail.ticket
        return ticket.ref, ticket.url, ticket.title

    # -- reading ------------------------------------------------------------------------

    def load(self) -> None:
        ctx = self.context
        ref = self.ref

        def read() -> tuple[TicketDetail, list[EscalationView]]:
            return (ctx.services.tickets.show_ticket(ref=ref),
                    ctx.services.sla.escalations_for(ref=ref, viewer=ctx.viewer))

        call_service(self, read, done=self._loaded, what=f"Reading {ref}", group="ticket",
                     exclusive=True)

    def action_chatter(self) -> None:
        ctx = self.context
        ref = self.ref
        self.query_one("#ticket-chatter", Static).update("Fetching the chatter from Odoo...")

        def failed(exc: BaseException) -> None:
            text = line("Odoo's chatter could not be read.\n", detail(describe(exc)),
                        "\nc tries again.")
            text.stylize("red")
            self.query_one("#ticket-chatter", Static).update(text)

        call_service(self, lambda: ctx.services.tickets.fetch_chatter(ref=ref),
                     done=self._chatter, failed=failed, what="Fetching the chatter",
                     group="chatter", exclusive=True)

    def _loaded(self, result: tuple[TicketDetail, list[EscalationView]]) -> None:
        self.detail, self.escalations = result
        self.render_detail()

    def _chatter(self, messages: list[ChatterView]) -> None:
        self.chatter = messages
        self.query_one("#ticket-chatter", Static).update(self._chatter_text(messages))

    # -- painting -----------------------------------------------------------------------

    def _masked(self) -> bool:
        ticket = self.detail.ticket if self.detail else None
        return bool(ticket and ticket.confidential and not self.context.is_lead)

    def render_detail(self) -> None:
        assert self.detail is not None
        ctx = self.context
        ticket = self.detail.ticket
        company_zone = ctx.company_zones.get(ticket.company)
        masked = self._masked()
        head = line(data(ticket.ref, "bold"), "  ", data(ticket.severity or "S?", "bold"), " ",
                    data(category_label(ticket.category), "bold magenta"), "  ")
        if ticket.is_closed:
            head.append("closed", style="green")
        else:
            head.append(sla_label(ticket.sla_state),
                        style="bold red" if ticket.sla_state == "breached" else "")
            head.append(f" {time_left(ticket.sla_business_minutes_left)}")
        if ticket.escalation_level:
            head.append(f"  L{ticket.escalation_level}", style="bold dark_orange")
        if ticket.known_issue:
            head.append(f"  {plain(ticket.known_issue)}", style="cyan")
        head.append(f"\n{plain(MASK if masked else ticket.title, limit=TITLE_LIMIT)}",
                    style="bold")
        self.query_one("#ticket-head", Static).update(head)
        facts = Text()
        for label, value in (
            ("Company", ticket.company), ("Team", ticket.team), ("Stage", ticket.stage),
            ("Assignee", ticket.assignee or "(unassigned)"),
            ("Reporter", "" if masked else ticket.partner_name), ("App", ticket.app),
            ("Created", local_with_company(ticket.created_at, ctx.zone, company_zone)),
            ("Updated", local_with_company(ticket.updated_at, ctx.zone, company_zone)),
        ):
            facts.append(f"{label:<9}", style="dim")
            facts.append_text(data(value))
            facts.append("\n")
        description = detail(MASK if masked else (ticket.description or "(no description)"))
        self.query_one("#ticket-body", Static).update(Group(facts, description))
        self.query_one("#ticket-triage", Static).update(self._triage_text())
        self.query_one("#ticket-clocks", Static).update(self._clocks(company_zone))
        self.query_one("#ticket-escalations", Static).update(self._escalation_text())
        self.query_one("#ticket-events", Static).update(self._events_text(masked))

    def _triage_text(self) -> RenderableType:
        assert self.detail is not None
        ticket = self.detail.ticket
        text = Text("\nClassification  ", style="bold")
        confidence = (f"{ticket.category_confidence:.0%}"
                      if ticket.category_confidence is not None else "n/a")
        text.append(f"{category_label(ticket.category)} ({ticket.category_source or 'none'}, "
                    f"confidence {confidence})\n", style="")
        for reason in ticket.category_explanation:
            text.append(f"  • {plain(reason, limit=REASON_LIMIT)}\n", style="dim")
        text.append("Severity  ", style="bold")
        text.append(f"{plain(ticket.severity) or 'not set'}\n")
        for reason in ticket.severity_reasons:
            text.append(f"  • {plain(reason, limit=REASON_LIMIT)}\n", style="dim")
        if ticket.known_issue:
            text.append("Known issue  ", style="bold")
            text.append(f"{plain(ticket.known_issue)}\n")
            text.append(f"  Workaround: {detail(ticket.workaround or '(none yet)').plain}\n")
        return text

    def _clocks(self, company_zone: str | None) -> RenderableType:
        assert self.detail is not None
        ctx = self.context
        clocks = self.detail.ticket.sla_clocks
        if not clocks:
            return Text("\nSLA clocks: not evaluated yet (the sweep runs after each sync).",
                        style="dim")
        table = grid(("Clock", "left"), ("State", "left"), ("Due", "left"), ("Left", "left"))
        from datetime import datetime

        for clock in clocks:
            due = clock.get("due_at")
            moment = datetime.fromisoformat(due) if due else None
            state = str(clock.get("state", ""))
            table.add_row(str(clock.get("target", "")).replace("_", " "),
                          Text(sla_label(state), style="bold red" if state == "breached" else ""),
                          local_with_company(moment, ctx.zone, company_zone),
                          time_left(clock.get("business_minutes_left")))
        return Group(Text("\nSLA clocks (business time)", style="bold"), table)

    def _escalation_text(self) -> RenderableType:
        if not self.escalations:
            return Text("\nNo escalations.", style="dim")
        ctx = self.context
        table = grid(("Lvl", "left"), ("Why", "left"), ("State", "left"), ("When", "left"),
                     ("Notified", "left"))
        for esc in self.escalations:
            state = esc.status.replace("_", " ")
            if esc.acknowledged_by:
                state += f" by {esc.acknowledged_by}"
            table.add_row(f"L{esc.level}", esc.trigger.replace("_", " "), state,
                          local(esc.created_at, ctx.zone), ", ".join(esc.notified) or "-")
        return Group(Text("\nEscalations (k acknowledges)", style="bold"), table)

    def _events_text(self, masked: bool) -> RenderableType:
        assert self.detail is not None
        ctx = self.context
        text = Text()
        for event in self.detail.events:
            text.append(f"{local(event.at, ctx.zone)}  ", style="dim")
            text.append_text(data(event.kind.replace("_", " "), "bold"))
            if event.actor:
                text.append_text(line("  ", data(event.actor)))
            if event.from_value or event.to_value:
                text.append_text(line("  ", data(event.from_value), " → ", data(event.to_value)))
            if event.body and not masked:
                text.append_text(line("\n    ", detail(event.body, limit=EVENT_BODY_LIMIT)))
            text.append("\n")
        return text if text.plain else Text("No events recorded.", style="dim")

    def _chatter_text(self, messages: Sequence[ChatterView]) -> RenderableType:
        if not messages:
            return Text("No messages in Odoo's chatter.", style="dim")
        if self._masked():
            return Text(f"{len(messages)} messages. {MASK}", style="dim")
        ctx = self.context
        text = Text()
        for message in messages:
            text.append(f"{local(message.at, ctx.zone)}  ", style="dim")
            text.append_text(data(message.author or "?", "bold"))
            text.append(f"  {plain(message.kind.replace('_', ' '))}"
                        f"{' (internal)' if message.internal else ''}\n", style="dim")
            if message.body:
                text.append_text(line(detail(message.body, limit=CHATTER_BODY_LIMIT), "\n"))
        return text
