"""Dashboard widgets: KPI tiles and titled panels that render read models.

Titles and cells are data (:mod:`hypercare.terminal`): a panel's string title is never read
as markup, and :func:`grid` tables take string cells as literal text on one line.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual.widgets import Static

from hypercare.kpi.registry import SHORT_UNITS, format_number
from hypercare.services import KpiTile
from hypercare.terminal import DataTable, data
from hypercare.tui.format import delta, sparkline


class Tile(Static):
    """One KPI: value, week-over-week change, 14-day sparkline; red when off target."""

    DEFAULT_CSS = """
    Tile { height: 4; border: round $primary-darken-2; padding: 0 1; text-wrap: nowrap;
           text-overflow: ellipsis; }
    Tile.-off-target { border: round $error; }
    """

    def show(self, tile: KpiTile) -> None:
        self.border_title = data(tile.label)
        self.border_subtitle = data(tile.window.removeprefix("in the last "))
        self.tooltip = data(f"{tile.definition} Value {tile.window}.\n▲▼: change over the "
                            "last 7 days.",
                            limit=1000, multiline=True)
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
        spark = Text(sparkline(tile.spark[-14:]), style="cyan", no_wrap=True)
        self.update(Text("\n", no_wrap=True).join([line, spark]))


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


def grid(*columns: tuple[str, str]) -> DataTable:
    """A borderless table for panel bodies: (header, justify) per column; string cells are
    data (one line, never markup)."""
    table = DataTable(box=None, expand=True, padding=(0, 1), show_edge=False, pad_edge=False,
                  header_style="bold dim")
    for header, justify in columns:
        table.add_column(header, justify=justify,  # type: ignore[arg-type]
                         no_wrap=True, overflow="ellipsis", ratio=3 if header == "Title" else None)
    return table
