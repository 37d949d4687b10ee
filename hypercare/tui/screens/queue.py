"""The queue: every ticket, filtered, searched and sorted as you type, fast at 50,000 rows."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Input, Static

from hypercare.services import QueueFilter, QueueRow, count_rows, facets, filter_rows
from hypercare.terminal import line
from hypercare.text import one_line
from hypercare.tui.format import category_label, severity_label, sla_label
from hypercare.tui.messages import StoreRead
from hypercare.tui.screens.filters import FilterScreen
from hypercare.tui.screens.pickers import ChoiceScreen, TextScreen
from hypercare.tui.screens.ticket_actions import TICKET_BINDINGS, TicketActions
from hypercare.tui.widgets.data import toast
from hypercare.tui.widgets.header import TopBar
from hypercare.tui.widgets.ticket_table import TicketTable
from hypercare.tui.work import call_service

SORTS = ("urgency", "created", "updated", "severity", "ref", "company", "assignee")
STATUS_CYCLE = {"open": "closed", "closed": "all", "all": "open"}
VALUE_LIMIT = 40
"""Characters of one facet value (a company, a team...) in the filter's description."""
VIEW_NAME_LIMIT = 60
"""Characters of a saved view's name where it is quoted (a dialog, a notification)."""


def describe_filter(query: QueueFilter) -> str:
    """The active filter in words (what the header shows): plain text, each value cleaned
    and cut; show it as data (it holds company, team and assignee names)."""
    parts = [query.status]
    for field in ("company", "team", "app", "assignee", "known_issue"):
        value = getattr(query, field)
        if value:
            shown = "(none)" if value == "-" else one_line(value, VALUE_LIMIT)
            parts.append(f"{field.replace('_', ' ')}={shown}")
    if query.category:
        parts.append(f"category={category_label(query.category)}")
    if query.severity:
        parts.append(severity_label(query.severity))
    if query.sla_state:
        parts.append(f"SLA={sla_label(query.sla_state)}")
    if query.escalated:
        parts.append("escalated")
    if query.unclassified:
        parts.append("unclassified")
    order = f"sort: {query.sort}{' (reversed)' if query.descending else ''}"
    return " · ".join(parts) + "   " + order


def empty_text(query: QueueFilter, *, any_rows: bool, loaded: bool) -> str:
    """What the queue says when it shows no ticket: why, and the key that shows some."""
    if not any_rows:
        return ("No tickets synced yet: ctrl+s syncs from Odoo now." if loaded
                else "Reading the tickets...")
    default = QueueFilter()
    if replace(query, sort=default.sort, descending=default.descending) == default:
        return "No open tickets. O shows the closed ones."
    return "No ticket matches this filter. c clears the filter and the search."


class QueueScreen(TicketActions):
    """Every synced ticket; enter opens one."""

    BINDINGS = [
        Binding("slash", "search", "Search"),
        Binding("f", "filters", "Filter"),
        Binding("s", "sort", "Sort"),
        Binding("S", "reverse", "Reverse", show=False),
        Binding("O", "status", "Open/closed", show=False),
        Binding("x", "escalated", "Escalated", show=False),
        Binding("c", "clear", "Clear"),
        Binding("v", "views", "Views", show=False),
        Binding("V", "save_view", "Save view", show=False),
        Binding("I", "new_known_issue", "Known issue from marked", show=False),
        *TICKET_BINDINGS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.query_filter = QueueFilter()
        self.shown: list[QueueRow] = []

    def compose(self) -> ComposeResult:
        yield TopBar(id="topbar")
        yield Static(id="queue-counts")
        yield Static(id="queue-filter")
        yield Input(placeholder="/ search: words in any order (ref, title, company, app, "
                    "assignee)", id="search", compact=True)
        yield TicketTable(id="tickets")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TicketTable).focus()
        self.show_rows()

    def on_screen_resume(self) -> None:
        self.show_rows()

    def on_store_read(self, message: StoreRead) -> None:
        self.show_rows()

    # -- painting -----------------------------------------------------------------------

    def show_rows(self) -> None:
        """Apply the filter to the rows last read from the store and repaint."""
        ctx = self.context
        rows = ctx.rows
        self.shown = filter_rows(rows, self.query_filter)
        counts = count_rows(len(rows), self.shown)
        self.query_one(TopBar).show(ctx, "Queue")
        loading = "" if ctx.rows_loaded else "  (open tickets only: reading the rest...)"
        opened = "" if self.query_filter.status == "open" else f" · {counts.open:,} open"
        self.query_one("#queue-counts", Static).update(  # our markup around numbers only
            f"[b]{counts.shown:,}[/] of {counts.total:,}{opened} · "
            f"[red]{counts.breached:,} breached[/] · [dark_orange]{counts.at_risk:,} at risk[/]"
            f" · {counts.unclassified:,} unclassified · {counts.escalated:,} escalated"
            + loading)
        self.query_one("#queue-filter", Static).update(line(describe_filter(self.query_filter)))
        self.query_one(TicketTable).show(
            self.shown, now=ctx.now(),
            empty=empty_text(self.query_filter, any_rows=bool(rows), loaded=ctx.rows_loaded))

    def set_filter(self, query: QueueFilter) -> None:
        self.query_filter = query
        self.show_rows()

    def current_ticket(self) -> tuple[str, str, str] | None:
        row = self.query_one(TicketTable).current
        return (row.ref, "", row.title) if row else None

    # -- search and filters --------------------------------------------------------------

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        self.set_filter(replace(self.query_filter, search=event.value))

    @on(Input.Submitted, "#search")
    def search_done(self) -> None:
        self.query_one(TicketTable).focus()

    def key_escape(self) -> None:
        if self.focused is self.query_one("#search", Input):
            self.query_one(TicketTable).focus()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_filters(self) -> None:
        def apply(query: QueueFilter | None) -> None:
            if query is not None:
                self.set_filter(query)

        self.app.push_screen(FilterScreen(self.query_filter, facets(self.context.rows)), apply)

    def action_sort(self) -> None:
        position = SORTS.index(self.query_filter.sort) if self.query_filter.sort in SORTS else 0
        self.set_filter(replace(self.query_filter, sort=SORTS[(position + 1) % len(SORTS)]))

    def action_reverse(self) -> None:
        self.set_filter(replace(self.query_filter, descending=not self.query_filter.descending))

    def action_status(self) -> None:
        self.set_filter(replace(self.query_filter,
                                status=STATUS_CYCLE.get(self.query_filter.status, "open")))

    def action_escalated(self) -> None:
        self.set_filter(replace(self.query_filter, escalated=not self.query_filter.escalated))

    def action_clear(self) -> None:
        self.query_one("#search", Input).value = ""
        self.set_filter(QueueFilter())

    # -- saved views ---------------------------------------------------------------------

    def action_views(self) -> None:
        ctx = self.context

        def chosen(views: dict[str, QueueFilter]) -> None:
            if not views:
                toast(self, "No saved views yet: V saves the current filter.")
                return
            choices = [(f"{one_line(name, VIEW_NAME_LIMIT)}  ({describe_filter(q)})", name)
                       for name, q in views.items()]
            self.app.push_screen(ChoiceScreen("Open a saved view", choices),
                                 lambda name: self._open_view(views, name))

        call_service(self, lambda: ctx.services.queue.list_views(user=ctx.viewer.id), done=chosen,
                     what="Reading saved views")

    def _open_view(self, views: dict[str, QueueFilter], name: str | None) -> None:
        if name and name in views:
            view = views[name]
            self.query_one("#search", Input).value = view.search
            self.set_filter(view)
            toast(self, f"View {one_line(name, VIEW_NAME_LIMIT)!r}")

    def action_save_view(self) -> None:
        ctx = self.context
        query = self.query_filter

        def save(name: str | None) -> None:
            if not name:
                return
            call_service(self, lambda: ctx.services.queue.save_view(user=ctx.viewer.id, name=name,
                                                                    query=query),
                         done=lambda _: toast(self, f"Saved view {name!r}"),
                         what="Saving the view")

        self.app.push_screen(TextScreen("Save this filter as a view named", max_length=60), save)

    # -- several tickets at once ---------------------------------------------------------

    def action_new_known_issue(self) -> None:
        """A known issue from the marked tickets (space marks), or from the current one."""
        table = self.query_one(TicketTable)
        rows = table.marked_rows() or ([table.current] if table.current else [])
        if not rows:
            toast(self, "Mark tickets with space first.", severity="warning")
            return
        ctx = self.context
        refs = tuple(r.ref for r in rows)
        first = rows[0]

        def create(title: str | None) -> None:
            if not title:
                return

            def make() -> str:
                issue = ctx.services.known_issues.create(
                    title=title, viewer=ctx.viewer, category=first.category if first.category in
                    ("defect", "training_gap", "policy_ambiguity") else "defect",
                    severity=first.severity or 3, ticket_refs=refs)
                return f"{issue.ref} created with {len(refs)} ticket(s): {', '.join(refs)}"

            def done(summary: str) -> None:
                table.marked.clear()
                self._done(summary)

            call_service(self, make, done=done, what="Creating the known issue")

        title = "" if first.confidential else one_line(first.title, 200)
        self.app.push_screen(TextScreen(f"New known issue from {len(refs)} ticket(s): title",
                                        max_length=200, initial=title), create)

    # -- opening a ticket ----------------------------------------------------------------

    @on(TicketTable.Selected)
    def open_ticket(self, event: TicketTable.Selected) -> None:
        from hypercare.tui.screens.ticket import TicketScreen

        self.app.push_screen(TicketScreen(event.row.ref))

    def filter_state(self) -> dict[str, Any]:
        """The filter as plain values (tests and the command palette read it)."""
        return asdict(self.query_filter)
