"""A virtual ticket table: paints only the visible lines of any number of rows.

Textual's DataTable keeps a row object per row and measures every cell, which takes seconds at
50,000 tickets. This table holds the read models it is given and renders line by line, so
showing, filtering and scrolling cost the same at 50 rows and at 50,000.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from hypercare.services import QueueRow
from hypercare.text import clean
from hypercare.triage.sla_text import short_text
from hypercare.tui.format import age, category_label, cut_middle, severity_label, sla_label
from hypercare.tui.widgets.data import UNSAFE_IN_LINE

ROW_STYLES = {
    "breached": Style(color="red", bold=True),
    "at_risk": Style(color="dark_orange"),
    "met": Style(dim=True),
    "paused": Style(dim=True),
}
SLA_CELL_STYLES = {
    "breached": Style(color="white", bgcolor="dark_red", bold=True),
    "at_risk": Style(color="black", bgcolor="dark_orange"),
}
CATEGORY_CELL_STYLES = {
    "defect": Style(color="red"),
    "training_gap": Style(color="cyan"),
    "policy_ambiguity": Style(color="magenta"),
}


@dataclass(frozen=True)
class Column:
    label: str
    width: int
    """Cells; 0 means "takes the remaining width"."""
    cell: Callable[[QueueRow, datetime], str]
    min_width: int = 0
    """Shown only when the table is at least this wide."""
    key: str = ""
    wide: int = 0
    """Width when the table has room (at least 140 cells)."""
    middle: bool = False
    """Cut in the middle, so the end shows too (names that differ only at their end)."""


def _left(row: QueueRow, now: datetime) -> str:
    """The SLA formatter's narrow form: ``30 bh over``, ``4 bh left``, ``26 h over`` (24x7)."""
    if row.is_closed or row.sla_minutes_left is None:
        return ""
    return short_text(row.sla_clock())


COLUMNS: tuple[Column, ...] = (
    Column("", 1, lambda r, n: "", key="mark"),
    Column("Ref", 8, lambda r, n: r.ref, key="ref"),
    Column("Sev", 3, lambda r, n: severity_label(r.severity, "--"), key="severity"),
    Column("SLA", 8, lambda r, n: "closed" if r.is_closed else sla_label(r.sla_state),
           key="sla"),
    Column("Left", 11, _left),
    Column("Category", 8, lambda r, n: category_label(r.category), key="category"),
    Column("Esc", 3, lambda r, n: f"L{r.escalation_level}" if r.escalation_level else "",
           min_width=100),
    Column("Company", 12, lambda r, n: r.company, key="company", wide=20, middle=True),
    Column("App", 12, lambda r, n: r.app, min_width=120, wide=14),
    Column("Title", 0, lambda r, n: r.title),
    Column("Known", 6, lambda r, n: r.known_issue, min_width=110),
    Column("Assignee", 16, lambda r, n: r.assignee or "-", min_width=130, key="assignee"),
    Column("Stage", 12, lambda r, n: r.stage, min_width=150),
    Column("Age", 4, lambda r, n: age(r.created_at, n), min_width=90, key="created"),
)
TITLE_MIN = 16


def fit(text: str, cells: int) -> str:
    """``text`` as exactly ``cells`` cells of one line, literal (Segments are never markup).

    Rows stored before text was cleaned where it enters may still hold control characters,
    line breaks or bidi overrides: they are removed here, per painted cell, so only the
    visible rows pay (and only those holding one; painted lines are cached). Only the head
    of a long text is looked at: a 100 kB title costs what a short one does.
    """
    head = text[: cells * 4 + 16]
    if UNSAFE_IN_LINE.search(head) is not None:
        head = clean(head, multiline=False)
    return set_cell_size(head, cells)


def columns_for(width: int) -> list[tuple[Column, int]]:
    """The columns that fit ``width`` cells, with their widths (the title takes the rest)."""
    chosen = [c for c in COLUMNS if width >= c.min_width]
    widths = [(c.wide or c.width) if width >= 140 else c.width for c in chosen]
    fixed = sum(widths) + len(chosen) - 1
    title = max(TITLE_MIN, width - fixed)
    return [(c, w or title) for c, w in zip(chosen, widths, strict=True)]


class TicketTable(ScrollView, can_focus=True):
    """Tickets, one per line, coloured by SLA state; a header line stays on top."""

    COMPONENT_CLASSES = {"ticket-table--header", "ticket-table--cursor"}
    DEFAULT_CSS = """
    TicketTable { height: 1fr; overflow-x: hidden; }
    TicketTable > .ticket-table--header { text-style: bold; background: $panel; }
    TicketTable > .ticket-table--cursor { background: $block-cursor-background;
                                          color: $block-cursor-foreground; }
    TicketTable:blur > .ticket-table--cursor { background: $block-cursor-blurred-background; }
    """
    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "select", "Open", show=True),
        Binding("space", "mark", "Mark", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)

    class Highlighted(Message):
        """The cursor moved to ``row``."""

        def __init__(self, row: QueueRow | None) -> None:
            self.row = row
            super().__init__()

    class Selected(Message):
        """Enter (or a click on the highlighted row) on ``row``."""

        def __init__(self, row: QueueRow) -> None:
            self.row = row
            super().__init__()

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self._rows: Sequence[QueueRow] = ()
        self._now = datetime.now(UTC)
        self.marked: set[int] = set()
        """Odoo ids of the tickets marked with space (to act on several at once)."""
        self._strips: dict[tuple[int, int, bool, Style], Strip] = {}
        """Painted lines of the rows shown (cleared when other rows are shown)."""
        self._empty = ""
        """What the table says when it shows no row (our words: how to see some)."""

    @property
    def rows(self) -> Sequence[QueueRow]:
        return self._rows

    @property
    def current(self) -> QueueRow | None:
        """The row under the cursor."""
        if 0 <= self.cursor < len(self._rows):
            return self._rows[self.cursor]
        return None

    def show(self, rows: Sequence[QueueRow], *, now: datetime, empty: str = "") -> None:
        """Show ``rows``; the cursor stays on the same ticket when it is still shown.
        ``empty``: what to say instead when there is none (how to clear the filter)."""
        keep = self.current
        self._rows = rows
        self._now = now
        self._empty = empty
        self._strips.clear()
        self.virtual_size = Size(self.size.width, len(rows) + 1)
        index = 0
        if keep is not None:
            ids = [r.odoo_id for r in rows]
            index = ids.index(keep.odoo_id) if keep.odoo_id in ids else 0
        self.cursor = index
        self.refresh()

    # -- cursor -------------------------------------------------------------------------

    @property
    def _visible(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self._rows) - 1)) if self._rows else 0

    def watch_cursor(self, old: int, new: int) -> None:
        top = round(self.scroll_offset.y)
        if new < top:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif new >= top + self._visible:
            self.scroll_to(y=new - self._visible + 1, animate=False, immediate=True)
        self.refresh()
        self.post_message(self.Highlighted(self.current))

    def action_cursor(self, step: int) -> None:
        self.cursor += step

    def action_page(self, direction: int) -> None:
        self.scroll_to(y=self.scroll_offset.y + direction * self._visible, animate=False,
                       immediate=True)
        self.cursor += direction * self._visible

    def action_jump(self, where: int) -> None:
        self.cursor = len(self._rows) - 1 if where < 0 else 0

    def action_mark(self) -> None:
        """Mark or unmark the ticket under the cursor, then move down."""
        row = self.current
        if row is None:
            return
        self.marked.symmetric_difference_update({row.odoo_id})
        self._strips.clear()
        self.cursor += 1
        self.refresh()

    def marked_rows(self) -> list[QueueRow]:
        """The marked tickets that are shown, in the order shown."""
        return [r for r in self._rows if r.odoo_id in self.marked]

    def action_select(self) -> None:
        if self.current is not None:
            self.post_message(self.Selected(self.current))

    def on_click(self, event: events.Click) -> None:
        if event.y < 1:
            return
        index = round(self.scroll_offset.y) + event.y - 1
        if 0 <= index < len(self._rows):
            if index == self.cursor or event.chain > 1:
                self.cursor = index
                self.action_select()
            else:
                self.cursor = index

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self._rows) + 1)

    # -- painting -----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        columns = _columns_for(width)
        if y == 0:
            style = base + self.get_component_rich_style("ticket-table--header")
            text = " ".join(set_cell_size(c.label, w) for c, w in columns)
            return Strip([Segment(set_cell_size(text, width), style)], width)
        index = round(self.scroll_offset.y) + y - 1
        if not self._rows and index == 0 and self._empty:
            text = set_cell_size(f" {self._empty}", width)
            return Strip([Segment(text, base + Style(italic=True))], width)
        if index >= len(self._rows):
            return Strip.blank(width, base)
        row = self._rows[index]
        selected = index == self.cursor
        key = (index, width, selected, base)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._paint(row, columns, width, base, selected)
            if len(self._strips) > 400:
                self._strips.clear()
            self._strips[key] = strip
        return strip

    def _paint(self, row: QueueRow, columns: list[tuple[Column, int]], width: int,
               base: Style, selected: bool) -> Strip:
        row_style = base + ROW_STYLES.get("met" if row.is_closed else row.sla_state, Style())
        if selected:
            row_style = row_style + self.get_component_rich_style("ticket-table--cursor")
        segments: list[Segment] = []
        gap = Segment(" ", row_style)
        for position, (column, cells) in enumerate(columns):
            if position:
                segments.append(gap)
            value = ("●" if column.key == "mark" and row.odoo_id in self.marked
                     else column.cell(row, self._now))
            text = fit(cut_middle(value, cells) if column.middle else value, cells)
            style = row_style
            if column.key == "sla" and not row.is_closed and not selected:
                style = row_style + SLA_CELL_STYLES.get(row.sla_state, Style())
            elif column.key == "category" and not selected:
                style = row_style + CATEGORY_CELL_STYLES.get(row.category, Style())
            segments.append(Segment(text, style))
        used = sum(w for _, w in columns) + len(columns) - 1
        if used < width:
            segments.append(Segment(" " * (width - used), row_style))
            return Strip(segments, width)
        return Strip(segments).crop(0, width)


@lru_cache(maxsize=16)
def _columns_for(width: int) -> list[tuple[Column, int]]:
    return columns_for(width)
