"""Dashboard widgets: KPI tiles and titled panels that render read models.

Titles and cells are data (:mod:`hypercare.terminal`): a panel's string title is never read
as markup, and :func:`grid` tables take string cells as literal text on one line.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import RenderableType
from rich.text import Text
from textual.widgets import Static

from hypercare.kpi.registry import SHORT_UNITS, format_number
from hypercare.services import KpiTile
from hypercare.terminal import DataTable, data
from hypercare.tui.format import delta, sparkline

SPARK_POINTS = 14
TITLE_CHROME = 6
"""Cells of a tile's top edge that are not its title: two corners, a rule and a blank each
side."""
BODY_CHROME = 4
"""Cells of a tile's width that are not its body: the border and the padding."""


class Tile(Static):
    """One KPI: value, week-over-week change, 14-day sparkline; red when off target. Its title
    is the metric's label, or its short label when the tile is too narrow for it."""

    DEFAULT_CSS = """
    Tile { height: 4; border: round $primary-darken-2; padding: 0 1; text-wrap: nowrap;
           text-overflow: ellipsis; }
    Tile.-off-target { border: round $error; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tile: KpiTile | None = None
        self._body = 0
        """Cells the widest line of the body takes."""

    def show(self, tile: KpiTile) -> None:
        self.tile = tile
        self.border_subtitle = data(self.window)
        self.tooltip = data(f"{tile.label}: {tile.definition} Value {tile.window}.\n▲▼: change "
                            "over the last 7 days.", limit=1000, multiline=True)
        self.set_class(tile.on_target is False, "-off-target")
        line = Text(format_number(tile.value, tile.unit), style="bold", no_wrap=True,
                    overflow="ellipsis")
        unit = SHORT_UNITS.get(tile.unit, tile.unit)
        if unit:
            line.append(unit if unit.startswith("/") else f" {unit}", style="dim")
        change = delta(tile.week_delta, tile.direction, tile.unit)
        if change.plain:
            line.append("  ")
            line.append_text(change)
        spark = Text(sparkline(tile.spark[-SPARK_POINTS:]), style="cyan", no_wrap=True)
        self._body = max(line.cell_len, spark.cell_len)
        self.update(Text("\n", no_wrap=True).join([line, spark]))
        self._title()

    @property
    def window(self) -> str:
        return self.tile.window.removeprefix("in the last ") if self.tile else ""

    def needs(self) -> int:
        """The width (cells) at which nothing of this tile is cut: its body, its short title
        and its window."""
        if self.tile is None:
            return 0
        short = self.tile.short_label or self.tile.label
        return max(self._body + BODY_CHROME, cell_len(data(short).plain) + TITLE_CHROME,
                   cell_len(self.window) + TITLE_CHROME)

    def on_resize(self) -> None:
        self._title()

    def _title(self) -> None:
        """The label when it fits the tile's top edge, else the short label."""
        if self.tile is None:
            return
        label = data(self.tile.label)
        room = self.outer_size.width - TITLE_CHROME
        if label.cell_len > room and self.tile.short_label:
            label = data(self.tile.short_label)
        self.border_title = label


class Panel(Static):
    """A bordered section of the dashboard with a title and a count."""

    DEFAULT_CSS = """
    Panel { height: auto; border: round $primary-darken-2; padding: 0 1; }
    """

    def show(self, title: str | Text, body: RenderableType, *,
             subtitle: str | Text = "") -> None:
        self.border_title = data(title)
        self.border_subtitle = data(subtitle)
        self.update(body)


def grid(*columns: tuple[str, str], flex: str | tuple[str, ...] = "Title",
         wrap: bool = False) -> DataTable:
    """A borderless table for panel bodies: (header, justify) per column; string cells are
    data (one line, never markup).

    Every column is as wide as its widest cell, except the ``flex`` ones: they share the
    room left, their cells cut with an ellipsis (``wrap``: wrapped onto more lines, for
    times and our own words), so a narrow table cuts only those.
    """
    table = DataTable(box=None, expand=True, padding=(0, 1), show_edge=False, pad_edge=False,
                      header_style="bold dim")
    flexible_ones = (flex,) if isinstance(flex, str) else flex
    for header, justify in columns:
        flexible = header in flexible_ones
        table.add_column(header, justify=justify,  # type: ignore[arg-type]
                         no_wrap=not (flexible and wrap),
                         overflow="fold" if flexible and wrap else "ellipsis",
                         ratio=1 if flexible else None)
    return table
