"""The continuous-improvement backlog: fixes, decisions, job aids and enhancements."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from hypercare.services import BACKLOG_STATUSES, BACKLOG_TYPES, BacklogView
from hypercare.tui.context import TuiContext
from hypercare.tui.format import local
from hypercare.tui.screens.pickers import ChoiceScreen, TextScreen
from hypercare.tui.screens.records import Cell, RecordScreen, link_label
from hypercare.tui.widgets.header import TopBar

NARROW_COLUMNS = (("Ref", 5), ("Type", 11), ("Status", 9), ("Created", 7), ("Title", None))
WIDE_COLUMNS = (("Ref", 5), ("Type", 11), ("Status", 9), ("Created", 7), ("Title", None),
                ("Owner", 14), ("Links", 16))
STATUS_STYLES = {"proposed": "", "approved": "cyan", "scheduled": "cyan", "in_test": "magenta",
                 "released": "green", "done": "dim green", "rejected": "dim"}
EPOCH = datetime.min


def ordered(items: list[BacklogView]) -> list[BacklogView]:
    """By status (proposed first ... rejected last), then newest first."""
    rank = {status: index for index, status in enumerate(BACKLOG_STATUSES)}
    newest = sorted(items, key=lambda i: (i.created_at.replace(tzinfo=None) if i.created_at
                                          else EPOCH, i.id), reverse=True)
    return sorted(newest, key=lambda i: rank.get(i.status, len(rank)))


def label(value: str) -> str:
    return value.replace("_", " ")


class BacklogScreen(RecordScreen):
    """Every backlog item; ``n`` adds one, ``s`` moves the highlighted one along."""

    TOP_TITLE = "Backlog"
    RUNBOOK = "daily-triage-standup"
    TABLE_ID = "bl-table"
    BINDINGS = [
        Binding("n", "new", "New item"),
        Binding("s", "status", "Status"),
    ]
    DEFAULT_CSS = """
    BacklogScreen #bl-summary { height: auto; max-height: 2; padding: 0 1;
                                color: $text-muted; }
    BacklogScreen #bl-table { height: 1fr; }
    BacklogScreen #bl-detail { height: auto; max-height: 5; padding: 0 1;
                               border-top: solid $primary-darken-2; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.items: list[BacklogView] = []

    def compose(self) -> ComposeResult:
        yield TopBar(id="topbar")
        yield Static(id="bl-summary")
        yield DataTable(id="bl-table", cursor_type="row", zebra_stripes=True)
        yield Static("reading the backlog...", id="bl-detail")
        yield Footer()

    # -- reading and painting ------------------------------------------------------------

    def reader(self, ctx: TuiContext) -> Callable[[], list[BacklogView]]:
        return ctx.services.decisions.list_backlog

    def loaded(self, data: list[BacklogView]) -> None:
        self.items = ordered(data)

    def paint(self) -> None:
        wide = self.has_class("-wide")
        ctx = self.context
        refs = self._refs()
        rows: list[tuple[str, list[Cell]]] = []
        for item in self.items:
            cells: list[Cell] = [
                item.ref, label(item.type),
                Text(label(item.status), style=STATUS_STYLES.get(item.status, "")),
                local(item.created_at, ctx.zone, fmt="%d %b") or "-", item.title]
            if wide:
                cells += [item.owner or "-",
                          ", ".join(link_label(link, refs) for link in item.links) or "-"]
            rows.append((str(item.id), cells))
        self.fill(WIDE_COLUMNS if wide else NARROW_COLUMNS, rows)
        counts = [f"{sum(i.status == s for i in self.items)} {label(s)}"
                  for s in BACKLOG_STATUSES if any(i.status == s for i in self.items)]
        self.query_one("#bl-summary", Static).update(
            f"{len(self.items)} item{'s' if len(self.items) != 1 else ''}"
            + (f" ({', '.join(counts)})" if counts else "")
            + " · by status, newest first (scoring arrives later)")

    def _refs(self) -> dict[int, str]:
        return {row.odoo_id: row.ref for row in self.context.rows}

    def current(self) -> BacklogView | None:
        return next((i for i in self.items if str(i.id) == self.current_key), None)

    def show_detail(self) -> None:
        item = self.current()
        target = self.query_one("#bl-detail", Static)
        if item is None:
            target.update(Text("The backlog is empty: n adds an item.", style="dim"))
            return
        ctx = self.context
        links = ", ".join(link_label(link, self._refs()) for link in item.links) or "none"
        text = Text.assemble((item.ref, "bold"), f"  {label(item.type)} · ",
                             (label(item.status), STATUS_STYLES.get(item.status, "")))
        if item.stabilization or item.type != "enhancement":
            text.append(" · stabilization" if item.stabilization else " · an enhancement")
        text.append(f" · owner {item.owner or '(nobody)'} · created "
                    f"{local(item.created_at, ctx.zone) or '-'}", style="dim")
        if item.release_target:
            text.append(f" · release {item.release_target}", style="dim")
        text.append(f"\n{item.title}", style="bold")
        text.append(f"\nLinked: {links}", style="dim")
        if item.description:
            text.append(f"\n{item.description}")
        target.update(text)

    # -- actions -------------------------------------------------------------------------

    def action_new(self) -> None:
        self.app.push_screen(
            ChoiceScreen("New backlog item: what kind?", [(label(t), t) for t in BACKLOG_TYPES]),
            self._ask_title)

    def _ask_title(self, kind: str | None) -> None:
        if not kind:
            return
        self.app.push_screen(TextScreen(f"New {label(kind)}: title", max_length=200),
                             lambda title: self._create(kind, title))

    def _create(self, kind: str, title: str | None) -> None:
        if not title:
            return
        decisions = self.context.services.decisions

        def create() -> tuple[str, str]:
            item = decisions.add_backlog(type=kind, title=title)
            return f"{item.ref} added to the backlog ({label(kind)}, proposed)", str(item.id)

        self.act(create, what="Adding a backlog item")

    def action_status(self) -> None:
        item = self.current()
        if item is None:
            self.warn_empty("backlog item")
            return
        title = f"Move {item.ref} to"
        if any(link.startswith("known_issue:") for link in item.links):
            title += " (released also marks its known issues fix released, told to reporters)"
        choices = [(label(s) + ("  (now)" if s == item.status else ""), s)
                   for s in BACKLOG_STATUSES]
        self.app.push_screen(ChoiceScreen(title, choices),
                             lambda status: self._move(item, status))

    def _move(self, item: BacklogView, status: str | None) -> None:
        if not status:
            return
        if status == item.status:
            self.notify(f"{item.ref} is already {label(status)}.")
            return
        ctx = self.context
        decisions = ctx.services.decisions

        def move() -> str:
            decisions.set_backlog_status(item_id=item.id, status=status, by=ctx.viewer)
            return f"{item.ref} moved to {label(status)}"

        self.act(move, what=f"Moving {item.ref}")
