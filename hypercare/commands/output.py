"""Shared CLI output helpers: times in the command center's timezone, JSON, CSV, tables.

Outside text is data in every format: tables go through :mod:`hypercare.terminal`
(Rich ``Text``, never markup, cells cut to one line), CSV cells that a spreadsheet would run
as a formula get the apostrophe of :func:`hypercare.text.neutralize_formula`, and JSON never
holds a raw control or bidirectional-override character (escaped as ``\\uXXXX``).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from hypercare.text import clean, neutralize_formula

if TYPE_CHECKING:
    from rich.style import StyleType
    from rich.text import Text

_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Characters ``json.dumps(ensure_ascii=False)`` writes raw (it escapes C0 controls itself)."""


def local(moment: datetime | None, zone: ZoneInfo, *, seconds: bool = False) -> str:
    """A time for a table cell, in ``zone`` (empty when unknown)."""
    if moment is None:
        return ""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def plain(value: Any, zone: ZoneInfo) -> Any:
    """Read models to JSON-ready data; datetimes as ISO 8601 with offset in ``zone``."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name), zone) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return value.astimezone(zone).isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Mapping):
        return {str(k): plain(v, zone) for k, v in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v, zone) for v in value]
    return value


def to_json(value: Any, zone: ZoneInfo) -> str:
    """Pretty JSON of read models."""
    return safe_json(json.dumps(plain(value, zone), indent=2, ensure_ascii=False))


def safe_json(text: str) -> str:
    """JSON text from ``json.dumps(..., ensure_ascii=False)`` with the characters it leaves
    raw (DEL, C1 controls, bidirectional overrides) escaped as ``\\uXXXX``: the same data,
    nothing a terminal acts on. Such characters only occur inside JSON strings."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def to_csv(rows: list[dict[str, Any]]) -> str:
    """CSV with a header; lists joined with ``;``; text cleaned of control characters and
    never a live formula (:func:`hypercare.text.neutralize_formula`), numbers as numbers."""
    if not rows:
        return ""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
    return buffer.getvalue()


def csv_cell(value: Any) -> Any:
    """One CSV field of :func:`to_csv`: text as safe text, anything else as it is."""
    if isinstance(value, list):
        value = ";".join(str(v) for v in value)
    if isinstance(value, str):
        return neutralize_formula(clean(value))
    return value


NARROW_MAX = 32
"""Characters of a column of :func:`print_table` that is not one of its ``wide`` ones."""


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[str | Text]], *,
                wide: Sequence[str] = ()) -> None:
    """A compact one-line-per-row table; ``wide`` columns take the spare width, the others
    at most :data:`NARROW_MAX` characters. Every cell is data
    (:class:`~hypercare.terminal.DataTable`): shown as typed, on one line."""
    from rich import box

    from hypercare.terminal import DataTable, console

    table = DataTable(title=title, title_justify="left", box=box.SIMPLE_HEAD, expand=True,
                      pad_edge=False)
    for column in columns:  # a long name or status cannot squeeze the wide columns out
        table.add_column(column, overflow="ellipsis", no_wrap=True,
                         ratio=2 if column in wide else None,
                         min_width=12 if column in wide else None,
                         max_width=None if column in wide else NARROW_MAX)
    for row in rows:
        table.add_row(*row)
    console().print(table)


FLEX_MIN = 20
"""Cells :func:`print_fitted`'s flexible column gets before a droppable column is dropped."""
GAP = 2
"""Cells between two columns of :func:`print_fitted`."""


@dataclass(frozen=True)
class Column:
    """One column of :func:`print_fitted`."""

    header: str
    max_width: int = NARROW_MAX
    drop: int = 0
    """0: always shown; else shown while the width allows, the lowest number dropped first."""
    flexible: bool = False
    """Takes the width the others leave, its cells cut with an ellipsis."""
    justify: Literal["left", "right"] = "left"


def print_fitted(title: str, columns: Sequence[Column], rows: Sequence[Sequence[str | Text]],
                 *, styles: Sequence[StyleType] = ()) -> None:
    """A one-line-per-row table as wide as the terminal (``COLUMNS``): the droppable
    columns, lowest ``drop`` first, give way while the flexible one would get fewer than
    :data:`FLEX_MIN` cells; ``styles``: one per row. Every cell is data
    (:class:`~hypercare.terminal.DataTable`)."""
    from rich import box

    from hypercare.terminal import DataTable, console, data

    out = console()
    cells = [[cell if not isinstance(cell, str) else data(cell) for cell in row] for row in rows]
    kept = fitted_columns(columns, cells, out.width)
    table = DataTable(title=title, title_justify="left", box=box.SIMPLE_HEAD, expand=True,
                      show_edge=False, pad_edge=False, collapse_padding=True)
    for i in kept:
        column = columns[i]
        table.add_column(column.header, no_wrap=True, overflow="ellipsis",
                         justify=column.justify, ratio=1 if column.flexible else None,
                         max_width=None if column.flexible else column.max_width)
    for n, row in enumerate(cells):
        table.add_row(*(row[i] for i in kept), style=styles[n] if n < len(styles) else None)
    out.print(table)


def fitted_columns(columns: Sequence[Column], rows: Sequence[Sequence[Text]],
                   width: int) -> list[int]:
    """The indexes of the columns :func:`print_fitted` shows in ``width`` cells."""
    sizes = [FLEX_MIN if c.flexible else min(c.max_width, max(
        [len(c.header), *(row[i].cell_len for row in rows)])) for i, c in enumerate(columns)]
    kept = list(range(len(columns)))
    for i in sorted((i for i, c in enumerate(columns) if c.drop), key=lambda i: columns[i].drop):
        if sum(sizes[k] for k in kept) + GAP * (len(kept) - 1) <= width:
            break
        kept.remove(i)
    return kept
