"""Outside text in Textual widgets: always data, never markup, never a control character.

Textual and Rich read a plain string as markup in most places a widget shows one
(``Static.update``, ``Label``, ``border_title``, ``Option`` prompts, ``Select`` options,
``DataTable`` cells, ``notify`` messages), so a ticket titled ``[/] invoice`` would end a
screen with ``MarkupError`` and ``[@click=app.quit]`` would make a link that runs an action.
Every screen shows text that came from outside (Odoo, Slack, what a user typed, stored rows)
through :mod:`hypercare.terminal` (``data``, ``line``) and the helpers here:

- :class:`DataTable`: Textual's table whose string cells, column labels and row labels are
  :func:`~hypercare.terminal.data` (one line, cut with an ellipsis);
- :func:`detail`: a long text for a detail pane (line breaks kept, cleaned, capped);
- :func:`plain`: what ``data`` shows, as a string to append to a ``Text`` we build;
- :func:`option`: an ``OptionList`` option whose prompt is data;
- :func:`toast`: a notification whose message and title are data (``markup=False``);
- :func:`markdown_literal`: outside text placed inside a Markdown document, shown as itself;
  :func:`markdown_document`: a Markdown document that quotes outside text, cleaned and cut.

Widgets stay free of services: these helpers only shape text.
"""

from __future__ import annotations

import re
from typing import Any, Literal, TypeVar

from rich.text import Text
from textual.coordinate import Coordinate
from textual.dom import DOMNode
from textual.widgets import DataTable as TextualDataTable
from textual.widgets.data_table import ColumnKey, RowKey
from textual.widgets.option_list import Option

from hypercare.terminal import CELL_LIMIT, data
from hypercare.text import clean, one_line, shorten

CellType = TypeVar("CellType")

DETAIL_LIMIT = 20_000
"""Characters of one long text in a detail pane (a ticket's description, a chatter message)."""
TITLE_LIMIT = 500
"""Characters of a title shown on its own (a detail pane's heading, a dialog's title)."""
TOAST_LIMIT = 500
"""Characters of a notification's message."""
TOAST_TITLE_LIMIT = 100
"""Characters of a notification's title."""

UNSAFE_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""What one painted line may not hold: controls (line breaks and tabs too), bidi overrides."""

Severity = Literal["information", "warning", "error"]


def cell(value: Any, *, limit: int = CELL_LIMIT) -> Any:
    """One table cell as data: a string becomes one line of literal text cut at ``limit``; a
    ``Text`` holding a control character or a line break is rebuilt from its plain text (its
    style kept); anything else (a number, a renderable) is left as it is."""
    if isinstance(value, str):
        return data(value, limit=limit)
    if isinstance(value, Text):
        if UNSAFE_IN_LINE.search(value.plain):
            return data(value.plain, value.style, limit=limit)
        if value.cell_len > limit:
            value = value.copy()
            value.truncate(limit, overflow="ellipsis")
    return value


def plain(value: object, *, limit: int | None = CELL_LIMIT, multiline: bool = False) -> str:
    """What :func:`~hypercare.terminal.data` shows, as a string to append to a ``Text`` of
    our own (``text.append(plain(title), style="bold")``: ``Text.append`` never reads markup)."""
    return data(value, limit=limit, multiline=multiline).plain


def detail(value: object, style: str = "", *, limit: int = DETAIL_LIMIT) -> Text:
    """A long text (a description, a message body, a workaround) for a detail pane: literal,
    cleaned, line breaks kept, cut at ``limit`` characters with an ellipsis."""
    return data(value, style, limit=limit, multiline=True)


def heading(value: object, style: str = "bold", *, limit: int = TITLE_LIMIT) -> Text:
    """A title shown on its own line: literal, one line, cut at ``limit`` characters."""
    return data(value, style, limit=limit)


def option(prompt: object, id: str | None = None, *, limit: int = CELL_LIMIT) -> Option:
    """An ``OptionList`` option whose prompt is data (one line, cut at ``limit``)."""
    return Option(data(prompt, limit=limit), id=id)


def toast(node: DOMNode, message: object, *, title: object = "",
          severity: Severity = "information", timeout: float | None = None) -> None:
    """Notify ``message`` as data: never read as markup, controls removed, cut to
    :data:`TOAST_LIMIT` characters (line breaks kept: an error and its hint)."""
    text = shorten(clean(message), TOAST_LIMIT).strip()
    heading_text = one_line(clean(title), TOAST_TITLE_LIMIT)
    if timeout is None:
        node.app.notify(text, title=heading_text, severity=severity, markup=False)
    else:
        node.app.notify(text, title=heading_text, severity=severity, timeout=timeout,
                        markup=False)


_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")
"""ASCII punctuation: what CommonMark lets a backslash escape."""


def markdown_literal(value: object, *, limit: int = DETAIL_LIMIT) -> str:
    """Outside text to place in a Markdown document: cleaned, cut at ``limit``, and every
    ASCII punctuation character backslash-escaped (CommonMark), so it shows as itself: no
    link, emphasis, heading, table or HTML comes from it."""
    text = shorten(clean(value), limit)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


MARKDOWN_LINE_LIMIT = 500
"""Characters of one line of a Markdown document built from outside text (the minutes)."""


def markdown_document(value: object, *, line_limit: int = MARKDOWN_LINE_LIMIT) -> str:
    """A Markdown document that quotes outside text (the stand-up minutes), ready for a
    ``Markdown`` widget: controls removed and each line cut at ``line_limit`` characters, so
    a 100 kB title stays a few lines. Show it with ``open_links=False``: its links are data."""
    return "\n".join(shorten(text, line_limit) for text in clean(value).split("\n"))


class DataTable(TextualDataTable[CellType]):
    """Textual's ``DataTable`` for outside text: string cells, column labels and row labels
    are :func:`~hypercare.terminal.data` (one line, cut at :data:`CELL_LIMIT` with an
    ellipsis), never ``Text.from_markup``; a styled cell is a ``Text`` (made with ``data``)."""

    def add_column(self, label: Any, *, width: int | None = None, key: str | None = None,
                   default: CellType | None = None) -> ColumnKey:
        return super().add_column(cell(label), width=width, key=key,
                                  default=None if default is None else cell(default))

    def add_row(self, *cells: CellType, height: int | None = 1, key: str | None = None,
                label: Any = None) -> RowKey:
        return super().add_row(*(cell(value) for value in cells), height=height, key=key,
                               label=None if label is None else cell(label))

    def update_cell(self, row_key: RowKey | str, column_key: ColumnKey | str, value: CellType, *,
                    update_width: bool = False) -> None:
        super().update_cell(row_key, column_key, cell(value), update_width=update_width)

    def update_cell_at(self, coordinate: Coordinate, value: CellType, *,
                       update_width: bool = False) -> None:
        super().update_cell_at(coordinate, cell(value), update_width=update_width)
