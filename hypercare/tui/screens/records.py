"""What the record screens (known issues, decisions, backlog) share: a list beside its detail.

Each screen reads its records in one worker (on show and after every action), paints a
``DataTable`` whose last column takes the width that is left, and shows the highlighted
record in a detail pane: beside the list at 120 columns and more, below it when narrower.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.screen import Screen

from hypercare.tui.context import TuiContext, tui_context
from hypercare.tui.messages import ActionDone, StoreRead
from hypercare.tui.widgets.data import DataTable, toast
from hypercare.tui.widgets.header import TopBar
from hypercare.tui.work import call_service

Cell = str | Text
#: (header, width); width None: takes what is left (one such column per table).
Columns = Sequence[tuple[str, int | None]]
LINK_LABELS = {"known_issue": "KI-", "decision": "D-", "backlog": "B-"}
SCROLLBAR = 2
MIN_FLEX = 12


class RecordScreen(Screen[Any]):
    """A list of records with a detail pane; subclasses say how to read and paint them."""

    SCOPED_CSS = False
    TOP_TITLE: ClassVar[str] = ""
    RUNBOOK: ClassVar[str] = ""
    TABLE_ID: ClassVar[str] = "records"
    DETAIL_WIDTH: ClassVar[int] = 0
    """Columns the detail pane takes beside the list when the screen is wide (0: below)."""

    def __init__(self) -> None:
        super().__init__()
        self.current_key: str | None = None
        self.wanted_key: str | None = None
        """The record to highlight at the next paint (one an action just created)."""
        self.loaded_once = False

    @property
    def context(self) -> TuiContext:
        return tui_context(self)

    # -- the life cycle ------------------------------------------------------------------

    def on_mount(self) -> None:
        self.query_one(TopBar).show(self.context, self.TOP_TITLE)
        self.query_one(f"#{self.TABLE_ID}", DataTable).focus()

    def on_screen_resume(self) -> None:
        """Also arrives when the screen is first shown (a mode switch or a push)."""
        self.query_one(TopBar).show(self.context, self.TOP_TITLE)
        self.load()

    def on_store_read(self, message: StoreRead) -> None:
        self.query_one(TopBar).show(self.context, self.TOP_TITLE)

    def on_action_done(self, message: ActionDone) -> None:
        self.load()

    def on_resize(self) -> None:
        if self.loaded_once:
            self.call_after_refresh(self.paint)

    # -- reading -------------------------------------------------------------------------

    def reader(self, ctx: TuiContext) -> Callable[[], Any]:
        """What to read, as a call that runs in a worker thread (capture what it needs)."""
        raise NotImplementedError

    def loaded(self, data: Any) -> None:
        """Hold what was read (on the UI thread); ``paint`` follows."""
        raise NotImplementedError

    def paint(self) -> None:
        raise NotImplementedError

    def load(self) -> None:
        """Read the records again; only the newest read is painted (an older one still on its
        way may predate an action, and Textual shows a screen twice when its mode opens)."""
        call_service(self, self.reader(self.context), done=self._records_read,
                     what=f"Reading {self.TOP_TITLE.lower()}", group=self.TABLE_ID,
                     exclusive=True)

    def _records_read(self, data: Any) -> None:
        self.loaded(data)
        self.loaded_once = True
        self.paint()

    # -- acting --------------------------------------------------------------------------

    def act(self, call: Callable[[], str | tuple[str, str]], *, what: str) -> None:
        """Run one action in a worker; its summary becomes a notification and a reload.

        ``call`` may return (summary, key): the record to highlight once reloaded (a new one).
        """
        call_service(self, call, done=self.acted, what=what)

    def acted(self, result: str | tuple[str, str]) -> None:
        summary, key = (result, None) if isinstance(result, str) else result
        if key is not None:
            self.wanted_key = key
        toast(self, summary, timeout=5)
        self.post_message(ActionDone(summary))

    # -- the list ------------------------------------------------------------------------

    @property
    def table(self) -> DataTable[Cell]:
        return self.query_one(f"#{self.TABLE_ID}", DataTable)

    def fill(self, columns: Columns, rows: Sequence[tuple[str, Sequence[Cell]]]) -> None:
        """Repaint the table with ``rows`` (key, cells), keeping the highlighted key."""
        table = self.table
        keys = [key for key, _ in rows]
        keep = self.wanted_key if self.wanted_key in keys else self.current_key
        if self.wanted_key in keys:
            self.wanted_key = None
        table.clear(columns=True)
        widths = fit(columns, self.table_width())
        for (header, _), width in zip(columns, widths, strict=True):
            table.add_column(header, width=width, key=header)
        for key, cells in rows:
            table.add_row(*[clip(cell, width) for cell, width in
                            zip(cells, widths, strict=True)], key=key)
        if keys:
            row = keys.index(keep) if keep in keys else 0
            table.move_cursor(row=row, animate=False)
            self.current_key = keys[row]
        else:
            self.current_key = None
        self.show_detail()

    def table_width(self) -> int:
        """What the list gets of the screen's width (known before the layout settles)."""
        width = self.size.width or 80
        return width - self.DETAIL_WIDTH if self.has_class("-wide") else width

    @on(DataTable.RowHighlighted)
    def highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row != self.table.cursor_row:
            return  # from before the last repaint
        key = event.row_key.value
        if key != self.current_key:
            self.current_key = key
            self.show_detail()

    def show_detail(self) -> None:
        """Paint the detail pane for ``current_key``."""
        raise NotImplementedError

    def warn_empty(self, what: str) -> None:
        toast(self, f"No {what} is highlighted.", severity="warning")


def fit(columns: Columns, available: int) -> list[int]:
    """Column widths: fixed ones as asked, the flexible one gets the rest (at least 12)."""
    padding = 2 * len(columns) + SCROLLBAR
    fixed = sum(width for _, width in columns if width is not None)
    rest = max(MIN_FLEX, available - padding - fixed)
    return [rest if width is None else width for _, width in columns]


def clip(cell: Cell, width: int) -> Cell:
    """A cell cut to ``width`` with an ellipsis (DataTable would crop without one)."""
    if isinstance(cell, Text):
        if cell.cell_len > width:
            cell = cell.copy()
            cell.truncate(width, overflow="ellipsis")
        return cell
    return cell if len(cell) <= width else cell[: max(0, width - 1)] + "…"


def link_label(target: str, ticket_refs: dict[int, str]) -> str:
    """``ticket:42`` -> its ref (when known), ``known_issue:3`` -> ``KI-3``, and so on."""
    kind, _, ident = target.partition(":")
    if kind == "ticket" and ident.isdigit():
        return f"ticket {ticket_refs.get(int(ident), '#' + ident)}"
    prefix = LINK_LABELS.get(kind)
    return f"{prefix}{ident}" if prefix else target


def day(moment: date | None) -> str:
    """``20 Nov``; ``-`` when unknown."""
    return f"{moment:%d %b}" if moment is not None else "-"


def today(ctx: TuiContext) -> date:
    """The command center's date (in its timezone)."""
    return ctx.now().astimezone(ZoneInfo(ctx.zone)).date()


def parse_day(text: str) -> date | None:
    """``YYYY-MM-DD`` -> a date; empty -> None; anything else raises ``ValueError``."""
    text = text.strip()
    return date.fromisoformat(text) if text else None
