"""One ticket: what was asked, how it was classified and why, its clocks, escalations, chatter,
who else said it affects them, and (for a lead) the replies held for a lead to send to Odoo.

What the person may see is the services' answer: the detail comes masked for them
(``TicketView.masked``) and a refused action is a polite notification (``tui/work.py``)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static, TabbedContent, TabPane

from hypercare.services import ChatterView, EscalationView, HeldReply, TicketDetail
from hypercare.terminal import data, line
from hypercare.triage.sla_text import time_text
from hypercare.tui.format import (
    category_label,
    due_with_company,
    local,
    local_with_company,
    severity_label,
    sla_head,
    sla_label,
)
from hypercare.tui.guard import open_dialog, refuse_dialog
from hypercare.tui.messages import ActionDone, StoreRead
from hypercare.tui.screens.pickers import ChoiceScreen
from hypercare.tui.screens.ticket_actions import TICKET_BINDINGS, TicketActions
from hypercare.tui.widgets.data import TITLE_LIMIT, detail, plain
from hypercare.tui.widgets.header import TopBar
from hypercare.tui.widgets.panels import grid
from hypercare.tui.widgets.ticket_log import chatter_text, events_text
from hypercare.tui.work import call_service, describe

REASON_LIMIT = 500
HELD_BODY_LIMIT = 2000
NAMES_LIMIT = 500
HELD_VERBS = {"send": ("Send", "to Odoo as an internal note"),
              "dismiss": ("Dismiss", "(it still counts as also affected)")}

TABS = Binding.Group("Tabs", compact=True)
TAB_IDS = ("overview", "events", "chatter")
"""The tabs in their order (``[`` and ``]`` go from one to the next)."""

Loaded = tuple[TicketDetail, list[EscalationView], list[HeldReply] | None]


class TicketScreen(TicketActions):
    """Detail of one ticket; escape goes back."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("c", "chatter", "Chatter", show=False),
        *TICKET_BINDINGS,
        Binding("left_square_bracket", "tab(-1)", "Previous tab", group=TABS),
        Binding("right_square_bracket", "tab(1)", "Next tab", group=TABS),
        Binding("s", "held('send')", "Send a held reply to Odoo", show=False),
        Binding("x", "held('dismiss')", "Dismiss a held reply", show=False),
    ]

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref
        self.detail: TicketDetail | None = None
        self.escalations: Sequence[EscalationView] = ()
        self.chatter: Sequence[ChatterView] | None = None
        self.held: list[HeldReply] | None = None
        """Replies held for a lead (None: not for this viewer to see)."""

    def compose(self) -> ComposeResult:
        yield TopBar(id="topbar")
        yield Static(id="ticket-head")
        with TabbedContent(id="ticket-tabs"):
            with TabPane("Overview", id="overview"), VerticalScroll(id="overview-scroll"):
                yield Static(id="ticket-body")
                yield Static(id="ticket-held")
                yield Static(id="ticket-triage")
                yield Static(id="ticket-clocks")
                yield Static(id="ticket-escalations")
            with TabPane("Event log", id="events"), VerticalScroll(id="events-scroll"):
                yield Static(id="ticket-events")
            with TabPane("Odoo chatter", id="chatter"), VerticalScroll(id="chatter-scroll"):
                yield Static("Fetching the chatter from Odoo...", id="ticket-chatter")
        yield Footer(show_command_palette=False)  # room for the tabs key at 80 columns

    def on_mount(self) -> None:
        self.query_one(TopBar).show(self.context, f"Ticket {self.ref}")
        self.query_one("#overview-scroll").focus()  # PageDown and the arrows scroll it
        self.load()
        self.action_chatter()

    def on_store_read(self, message: StoreRead) -> None:
        """The store changed (a sync, someone's decision): read the ticket again."""
        self.query_one(TopBar).show(self.context, f"Ticket {self.ref}")
        if not message.partial:
            self.load()

    def on_action_done(self, message: ActionDone) -> None:
        self.load()

    # -- tabs ---------------------------------------------------------------------------

    def action_tab(self, step: int) -> None:
        """``[`` / ``]``: the previous or next tab (Overview, Event log, Odoo chatter)."""
        tabs = self.query_one(TabbedContent)
        position = TAB_IDS.index(tabs.active) if tabs.active in TAB_IDS else 0
        tabs.active = TAB_IDS[(position + step) % len(TAB_IDS)]
        self._focus_tab(tabs.active)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """A tab shown (by key or click): its text takes the keys, so they scroll it."""
        if event.pane.id:
            self._focus_tab(event.pane.id)

    def _focus_tab(self, pane: str) -> None:
        self.query_one(f"#{pane}-scroll").focus()

    def current_ticket(self) -> tuple[str, str, str] | None:
        if self.detail is None:
            return (self.ref, "", "")
        ticket = self.detail.ticket
        return ticket.ref, ticket.url, ticket.title

    # -- reading ------------------------------------------------------------------------

    def load(self) -> None:
        ctx = self.context
        ref = self.ref
        services, viewer = ctx.services, ctx.viewer
        # the held replies are read only for whom the rules let act on them (leads): for
        # anyone else the section is hidden, and s / x are refused by the service
        leads_only = services.context.access.allows(viewer, "held_reply")

        def read() -> Loaded:
            return (services.tickets.show_ticket(ref=ref, viewer=viewer),
                    services.sla.escalations_for(ref=ref, viewer=viewer),
                    services.affected.held(viewer=viewer, ref=ref) if leads_only else None)

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

        call_service(self, lambda: ctx.services.tickets.fetch_chatter(ref=ref, viewer=ctx.viewer),
                     done=self._chatter, failed=failed, what="Fetching the chatter",
                     group="chatter", exclusive=True)

    def _loaded(self, result: Loaded) -> None:
        self.detail, self.escalations, self.held = result
        self.render_detail()

    def _chatter(self, messages: list[ChatterView]) -> None:
        self.chatter = messages
        self.query_one("#ticket-chatter", Static).update(
            chatter_text(messages, self.context.zone, masked=self._masked()))

    # -- painting -----------------------------------------------------------------------

    def _masked(self) -> bool:
        """The services masked this ticket for the viewer (confidential, not theirs)."""
        return bool(self.detail and self.detail.ticket.masked)

    def render_detail(self) -> None:
        assert self.detail is not None
        ctx = self.context
        ticket = self.detail.ticket
        company_zone = ctx.company_zones.get(ticket.company)
        masked = self._masked()
        head = line(data(ticket.ref, "bold"), "  ",
                    data(severity_label(ticket.severity, "S?"), "bold"), " ",
                    data(category_label(ticket.category), "bold magenta"), "  ")
        if ticket.is_closed:
            head.append("closed", style="green")
        else:
            time = time_text(ticket.sla_clock(), now=ctx.now(), zone=ctx.zone)
            head.append(sla_head(ticket.sla_state, time),
                        style="bold red" if ticket.sla_state == "breached" else "")
        if ticket.escalation_level:
            head.append(f"  L{ticket.escalation_level}", style="bold dark_orange")
        if ticket.known_issue:
            head.append(f"  {plain(ticket.known_issue)}", style="cyan")
        head.append(f"\n{plain(ticket.title, limit=TITLE_LIMIT)}", style="bold")
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
        description = detail(ticket.description or "(no description)")
        affected = self._affected_text()
        self.query_one("#ticket-body", Static).update(
            Group(facts, affected, description) if affected is not None
            else Group(facts, description))
        held = self.query_one("#ticket-held", Static)
        held.display = bool(self.held)
        held.update(self._held_text())
        self.query_one("#ticket-triage", Static).update(self._triage_text())
        self.query_one("#ticket-clocks", Static).update(self._clocks(company_zone))
        self.query_one("#ticket-escalations", Static).update(self._escalation_text())
        self.query_one("#ticket-events", Static).update(
            events_text(self.detail.events, ctx.zone, masked=masked))

    def _affected_text(self) -> Text | None:
        """``Also affected: 3 people (Ann, Bob, Cy)``: the names only when the services gave
        them (to a lead); None when nobody said so."""
        assert self.detail is not None
        count = self.detail.also_affected
        if not count:
            return None
        text = Text("Also affected: ", style="bold")
        text.append(f"{count} {'person' if count == 1 else 'people'}")
        names = self.detail.also_affected_names
        if names:
            text.append_text(line(" (", data(", ".join(names), limit=NAMES_LIMIT), ")"))
        text.append("\n")
        return text

    def _held_text(self) -> RenderableType:
        """The replies held for a lead: who, when, what (literally); empty when none."""
        if not self.held:
            return Text()
        ctx = self.context
        count = len(self.held)
        text = Text(f"\nHeld replies: {count} waiting for a lead", style="bold")
        text.append(" (s sends one to Odoo as a note, x dismisses one)\n", style="dim")
        for reply in self.held:
            text.append(f"{local(reply.at, ctx.zone)}  ", style="dim")
            text.append_text(data(reply.who_name or reply.who, "bold"))
            text.append_text(line("\n    ", detail(reply.text, limit=HELD_BODY_LIMIT), "\n"))
        return text

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
        text.append(f"{severity_label(ticket.severity, 'not set')}\n")
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
        table = grid(("Clock", "left"), ("State", "left"), ("Due", "left"), ("Time", "left"),
                     flex=("Due", "Time"), wrap=True)
        now = ctx.now()
        for target, clock in self.detail.ticket.sla_clock_times():
            table.add_row(target.replace("_", " "),
                          Text(sla_label(clock.state),
                               style="bold red" if clock.state == "breached" else ""),
                          due_with_company(clock.due_at, ctx.zone, company_zone, now),
                          time_text(clock, now=now, zone=ctx.zone))
        kind = ("24x7: calendar hours" if self.detail.ticket.sla_24x7
                else "business hours: bh, bm")
        return Group(Text(f"\nSLA clocks ({kind}; times in {ctx.zone})", style="bold"), table)

    def _escalation_text(self) -> RenderableType:
        if not self.escalations:
            return Text("\nNo escalations.", style="dim")
        ctx = self.context
        table = grid(("Lvl", "left"), ("Why", "left"), ("State", "left"), ("When", "left"),
                     ("Notified", "left"), flex=("State", "Notified"), wrap=True)
        for esc in self.escalations:
            state = esc.status.replace("_", " ")
            if esc.acknowledged_by:
                state += f" by {esc.acknowledged_by}"
            table.add_row(f"L{esc.level}", esc.trigger.replace("_", " "), state,
                          local(esc.created_at, ctx.zone), ", ".join(esc.notified) or "-")
        return Group(Text("\nEscalations (k acknowledges)", style="bold"), table)

    # -- held replies (leads) ------------------------------------------------------------

    def action_held(self, how: str) -> None:
        """Pick one of the ticket's held replies to send to Odoo or dismiss. The list is read
        afresh (another lead may have decided some); the services refuse anyone but a lead."""
        ctx = self.context
        ref = self.ref
        services, viewer = ctx.services, ctx.viewer
        verb, where = HELD_VERBS[how]

        def chosen(replies: list[HeldReply]) -> bool:
            if not replies:
                refuse_dialog(self, f"No reply of {ref} is waiting for a lead.")
                return False
            choices = [(f"{r.who_name or r.who}: {r.text}", str(r.id)) for r in replies]
            self.app.push_screen(ChoiceScreen(f"{verb} which held reply of {ref} {where}?",
                                              choices),
                                 lambda value: self._decide_held(how, value))
            return True

        open_dialog(self, lambda: services.affected.held(viewer=viewer, ref=ref),
                    show=chosen, what="Reading held replies")

    def _decide_held(self, how: str, value: str | None) -> None:
        if not value:
            return
        ctx = self.context
        ref = self.ref
        affected, viewer = ctx.services.affected, ctx.viewer

        def decide() -> str:
            if how == "send":
                reply = affected.send(signal_id=int(value), viewer=viewer)
                return f"{ref}: the reply of {reply.who_name or reply.who} was sent to Odoo"
            reply = affected.dismiss(signal_id=int(value), viewer=viewer)
            return f"{ref}: the reply of {reply.who_name or reply.who} was dismissed"

        call_service(self, decide, done=self._done,
                     what=f"{HELD_VERBS[how][0]}ing a held reply of {ref}")
