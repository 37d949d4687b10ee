"""Text on the terminal as data: how the CLI and the TUI show what came from outside (Odoo,
Slack, files, stored records) with Rich.

Rich reads a plain string as markup (``[bold]``, ``[/]``, ``[link=...]``) and emoji codes, so
a ticket titled ``[/] invoice`` would stop a command with ``MarkupError`` and ``[link=...]``
would make a link. Everything the CLI prints and the TUI paints through Rich that holds
outside text goes through this module instead:

- :func:`data` turns one value into ``rich.text.Text`` (never markup), controls and
  bidirectional overrides removed (:func:`hypercare.text.clean`, for rows stored before text
  was cleaned where it enters), on one line and cut at :data:`CELL_LIMIT` unless asked not to;
- :func:`line` assembles a printed line from our own words, styled words and :func:`data`;
- :class:`DataTable` is a ``rich.table.Table`` whose string cells, title and caption are
  :func:`data`, so no table can take a cell for markup (styled cells are ``Text``).

It imports no Textual: the TUI's Textual widgets (``hypercare.tui.widgets.data``) call it.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console, RenderableType
from rich.protocol import is_renderable
from rich.style import Style, StyleType
from rich.table import Table
from rich.text import Text

from hypercare.text import clean, one_line, shorten

CELL_LIMIT = 200
"""Characters of one table cell (a 100 kB title must not make a table unusable)."""

Part = str | Text | tuple[str, StyleType]


def data(value: object, style: StyleType = "", *, limit: int | None = CELL_LIMIT,
         multiline: bool = False) -> Text:
    """``value`` (a title, a name, a message, a number) as literal text: never markup or
    emoji codes, no control character. One line cut at ``limit`` characters (``None``: the
    whole text); ``multiline`` keeps line breaks (a description)."""
    if isinstance(value, Text):
        return value
    text = clean(value, multiline=True)
    if multiline:
        text = shorten(text, limit) if limit is not None else text
    else:
        text = one_line(text, limit if limit is not None else len(text) + 1)
    return Text(text, style=style)


def line(*parts: Part) -> Text:
    """One printable text from ``parts``: our words (``str``, taken literally, controls
    removed), styled words (``(text, style)``) and values already made :func:`data`."""
    text = Text()
    for part in parts:
        if isinstance(part, Text):
            text.append_text(part)
        elif isinstance(part, tuple):
            text.append(clean(part[0]), style=part[1])
        else:
            text.append(clean(part))
    return text


def link(url: str) -> Text:
    """A URL shown as itself and linked (on terminals that support links)."""
    shown = clean(url, multiline=False)
    return Text(shown, style=Style(link=shown) if shown else "")


def console(*, stderr: bool = False) -> Console:
    """The console commands print on (no highlighting of numbers or URLs in our lines)."""
    return Console(highlight=False, stderr=stderr)


class DataTable(Table):
    """A Rich table of data: string (and number) cells, the title and the caption are shown
    as :func:`data` (one line, cut at :data:`CELL_LIMIT`), never read as markup; a styled
    cell is a ``Text`` (``data(value, "green")``)."""

    def __init__(self, *headers: Any, title: Any = None, caption: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(*headers, title=_data_or_none(title), caption=_data_or_none(caption),
                         **kwargs)

    def add_row(self, *renderables: RenderableType | None, style: StyleType | None = None,
                end_section: bool = False) -> None:
        super().add_row(*(cell if cell is None or (not isinstance(cell, str)
                                                   and is_renderable(cell)) else data(cell)
                          for cell in renderables), style=style, end_section=end_section)


def _data_or_none(value: object) -> Any:
    return data(value, limit=None) if isinstance(value, str) else value
