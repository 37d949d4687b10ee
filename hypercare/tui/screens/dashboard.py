"""The dashboard: KPI tiles, what is breaching, what waits for someone, and how fresh it all is;
a warning above them when an escalation level's alerts would reach nobody."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from hypercare.services import Dashboard
from hypercare.terminal import data, line
from hypercare.triage.sla_text import short_text
from hypercare.tui.context import TuiContext, tui_context
from hypercare.tui.format import (
    age,
    category_label,
    cut_middle,
    local,
    severity_label,
    sla_label,
)
from hypercare.tui.messages import StoreRead
from hypercare.tui.widgets.data import plain
from hypercare.tui.widgets.header import TopBar
from hypercare.tui.widgets.panels import BODY_CHROME, Panel, Tile, grid

TILE_COUNT = 8
ERROR_LIMIT = 300
COMPANY_CELLS = (12, 24)
"""Cells of a company's name in the SLA watch, fewest and most: what the title leaves (cut in
the middle: ``Acme…ries BE``)."""
WATCH_FIXED = 58
"""Cells of the SLA watch's body the company does not get: the other columns, the gaps
between them and some room for the title."""
WIDE = 120
"""From this width the category mix and the known issues sit side by side, and the tiles
eight in a row when an eighth of the width shows each whole (:func:`tile_columns`)."""
LISTS_SIDE_BY_SIDE = 160
"""From this width every panel sits beside another. Below, the SLA watch, the escalations,
the exit criteria and the sync take the whole width (titles and criteria keep their room)."""
BOARD_CHROME = 4
"""Cells of the screen's width the tiles do not get: the board's padding and scrollbar."""
STATUS_MARKS = {"met": ("✔", "green"), "not_met": ("✘", "red"), "at_risk": ("!", "dark_orange"),
                "pending": ("…", "dim")}


class DashboardScreen(Screen[Any]):
    """Read-only overview; the queue is where work happens."""

    BINDINGS = [Binding("w", "app.show('queue')", "Queue")]

    def compose(self) -> ComposeResult:
        yield TopBar(id="topbar")
        yield Static(id="stale", classes="banner")
        yield Static(id="unreachable", classes="banner warning")
        with VerticalScroll(id="board"):
            with Grid(id="tiles"):
                for index in range(TILE_COUNT):
                    yield Tile(id=f"tile-{index}")
            with Grid(id="lists", classes="panels"):
                yield Panel(id="sla-watch")
                yield Panel(id="escalations")
            with Grid(id="mix", classes="panels"):
                yield Panel(id="categories")
                yield Panel(id="known-issues")
            with Grid(id="closing", classes="panels"):
                yield Panel(id="exit")
                yield Panel(id="sync")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#board").focus()  # PageDown and the arrows scroll it
        self.show_board()

    def on_screen_resume(self) -> None:
        self.show_board()

    def on_store_read(self, message: StoreRead) -> None:
        self.show_board()

    def on_resize(self, event: events.Resize) -> None:
        self.show_board()  # laid out anew, and the SLA watch's companies cut to the width

    def lay_out(self, width: int) -> None:
        """Tiles and panels by the width there is (:func:`tile_columns`). Each row of panels
        is a grid of its own rather than a column span: Textual sizes an auto row by one
        column's width, which makes a spanning panel whose text wraps too tall."""
        need = max((tile.needs() for tile in self.query(Tile)), default=0)
        self.query_one("#tiles").styles.grid_size_columns = tile_columns(width, need)
        self.query_one("#mix").styles.grid_size_columns = 2 if width >= WIDE else 1
        beside = 2 if width >= LISTS_SIDE_BY_SIDE else 1
        for row in ("#lists", "#closing"):
            self.query_one(row).styles.grid_size_columns = beside

    def _company_cells(self) -> int:
        """Cells for a company in the SLA watch at this width (the panel's body less the
        other columns)."""
        width = self.size.width or 80
        halves = 2 if width >= LISTS_SIDE_BY_SIDE else 1
        body = (width - BOARD_CHROME - (halves - 1)) // halves - BODY_CHROME
        return max(COMPANY_CELLS[0], min(COMPANY_CELLS[1], body - WATCH_FIXED))

    def show_board(self) -> None:
        ctx = tui_context(self)
        self.query_one(TopBar).show(ctx, "Dashboard")
        board = ctx.dashboard
        banner = self.query_one("#stale", Static)
        banner.display = False
        self.query_one("#unreachable", Static).display = False
        if board is None:
            self.lay_out(self.size.width)
            self.query_one("#sla-watch", Panel).show("SLA watch", Text("reading the store...",
                                                                       style="dim"))
            return
        if board.sync.stale or ctx.sync_error:
            banner.display = True
            banner.update(_stale_text(ctx, board))
        if board.unreachable_levels:
            warning = self.query_one("#unreachable", Static)
            warning.display = True
            warning.update(unreachable_text(board.unreachable_levels))
        for index, tile in enumerate(board.tiles[:TILE_COUNT]):
            self.query_one(f"#tile-{index}", Tile).show(tile)
        self.lay_out(self.size.width)  # by the room the tiles' values need
        self._sla_watch(ctx, board)
        self._escalations(ctx, board)
        self._categories(board)
        self._known_issues(board)
        self._exit(board)
        self._sync(ctx, board)

    def _sla_watch(self, ctx: TuiContext, board: Dashboard) -> None:
        table = grid(("Ref", "left"), ("Sev", "left"), ("SLA", "left"), ("Left", "right"),
                     ("Company", "left"), ("Title", "left"))
        company = self._company_cells()
        for row in board.sla_watch:  # the SLA formatter's narrow form, as in the queue
            style = "bold red" if row.sla_state == "breached" else "dark_orange"
            table.add_row(row.ref, severity_label(row.severity, "--"),
                          Text(sla_label(row.sla_state), style=style),
                          short_text(row.sla_clock()), cut_middle(row.company, company),
                          row.title)
        body: RenderableType = table if board.sla_watch else Text(
            "Nothing at risk or breached.", style="green")
        self.query_one("#sla-watch", Panel).show(
            "SLA watch", body, subtitle=f"{board.breached} breached · {board.at_risk} at risk")

    def _escalations(self, ctx: TuiContext, board: Dashboard) -> None:
        table = grid(("Ref", "left"), ("Lvl", "left"), ("Why", "left"), ("State", "left"),
                     ("Age", "right"), ("Title", "left"))
        now = ctx.now()
        for esc in board.awaiting_ack:
            state, style = (("baseline", "magenta") if esc.baseline else
                            ("approve?" if esc.status == "pending_approval" else "unacked",
                             "dark_orange" if esc.level >= 3 else ""))
            table.add_row(esc.ref, f"L{esc.level}", esc.trigger.replace("_", " "),
                          Text(state, style=style), age(esc.created_at, now), esc.title)
        body: RenderableType = table if board.awaiting_ack else Text(
            "Every escalation is acknowledged.", style="green")
        baseline = f"{board.baseline_total} baseline · " if board.baseline_total else ""
        self.query_one("#escalations", Panel).show(
            "Escalations awaiting acknowledgement", body,
            subtitle=f"{baseline}{board.awaiting_ack_total} waiting")

    def _categories(self, board: Dashboard) -> None:
        total = sum(n for _, n in board.category_mix) or 1
        table = grid(("Category", "left"), ("Open", "right"), ("Share", "left"))
        for category, count in board.category_mix:
            bar = "█" * max(1, round(20 * count / total)) if count else ""
            table.add_row(category_label(category), f"{count:,}",
                          Text(f"{bar} {count / total:.0%}", style="cyan"))
        self.query_one("#categories", Panel).show("Category mix (open tickets)", table)

    def _known_issues(self, board: Dashboard) -> None:
        table = grid(("Ref", "left"), ("Tickets", "right"), ("Status", "left"),
                     ("Title", "left"))
        for issue in board.known_issues:
            table.add_row(issue.ref, str(issue.linked), issue.status.replace("_", " "),
                          issue.title)
        body: RenderableType = table if board.known_issues else Text("No open known issues.",
                                                                     style="dim")
        self.query_one("#known-issues", Panel).show("Top known issues", body)

    def _exit(self, board: Dashboard) -> None:
        table = grid(("", "left"), ("Criterion", "left"), ("Now", "left"), flex="Criterion",
                     wrap=True)
        for criterion in board.readiness.criteria:
            mark, style = STATUS_MARKS.get(criterion.status, ("?", ""))
            table.add_row(Text(mark, style=style), criterion.label,
                          criterion.value_short or criterion.value)
        forecast = board.readiness.forecast
        when = (f"forecast exit {forecast.exit_date:%d %b}" if forecast.exit_date
                else "no exit forecast yet")
        ready = board.readiness.ready
        self.query_one("#exit", Panel).show(
            "Exit criteria", Group(table, data(forecast.explanation or when, "dim",
                                               limit=1000, multiline=True)),
            subtitle="READY" if ready else when)

    def _sync(self, ctx: TuiContext, board: Dashboard) -> None:
        sync = board.sync
        lines = Text()
        lines.append(f"Last good sync: {local(sync.last_good_at, ctx.zone) or 'never'}\n")
        if sync.runs:
            run = sync.runs[0]
            lines.append(f"Last run: {run.status} at {local(run.started_at, ctx.zone)}\n",
                         style="red" if run.status == "failed" else "")
            if run.error:
                lines.append(f"Error: {plain(run.error, limit=ERROR_LIMIT)}\n", style="red")
        if ctx.sync_error:
            lines.append(f"This screen's sync: {plain(ctx.sync_error, limit=ERROR_LIMIT)}\n",
                         style="red")
        lines.append(f"{sync.open_tickets:,} open of {sync.tickets:,} tickets")
        self.query_one("#sync", Panel).show("Sync", lines,
                                            subtitle="STALE" if sync.stale else "fresh")


def tile_columns(width: int, need: int) -> int:
    """Tiles in a row on a screen ``width`` cells wide, when each tile needs ``need`` cells to
    show everything uncut: 8 from :data:`WIDE` columns when they fit, else 4 (2, 1 on a very
    narrow screen)."""
    for columns in (8, 4, 2):
        if columns == 8 and width < WIDE:
            continue
        if (width - BOARD_CHROME - (columns - 1)) // columns >= need:
            return columns
    return 1


def unreachable_text(levels: tuple[str, ...]) -> Text:
    """The warning above the board: which levels' alerts reach nobody, and what to set."""
    text = Text("Alerts nobody receives: ", style="bold")
    text.append_text(data("; ".join(levels), limit=1000))
    text.append(" (no slack.alerts_channel; see hypercare config check)")
    return text


def _stale_text(ctx: TuiContext, board: Dashboard) -> Text:
    sync = board.sync
    minutes = int(sync.stale_after.total_seconds() // 60)
    if sync.last_good_at is None:
        head = "No good sync yet: nothing here reflects Odoo."
    else:
        head = (f"Data is stale: the last good sync was {age(sync.last_good_at, ctx.now())} "
                f"ago (limit {minutes} min).")
    error = ctx.sync_error or (sync.runs[0].error if sync.runs else "")
    cause = data(error, limit=ERROR_LIMIT)
    advice = " Check Odoo (hypercare config check), then ctrl+s syncs now."
    text = line(head, " Last error: ", cause) if cause.plain else line(head)
    text.append(advice)
    text.stylize("bold white on dark_red")
    return text
