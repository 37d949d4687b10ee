"""Shared CLI output helpers: times in the command center's timezone, JSON, CSV, tables."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo


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
    return json.dumps(plain(value, zone), indent=2, ensure_ascii=False)


def to_csv(rows: list[dict[str, Any]]) -> str:
    """CSV with a header; lists joined with ``;``."""
    if not rows:
        return ""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ";".join(v) if isinstance(v, list) else v for k, v in row.items()})
    return buffer.getvalue()


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[str]], *,
                wide: Sequence[str] = ()) -> None:
    """A compact one-line-per-row table; ``wide`` columns take the spare width."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, expand=True,
                  pad_edge=False)
    for column in columns:
        table.add_column(column, overflow="ellipsis", no_wrap=True,
                         ratio=2 if column in wide else None)
    for row in rows:
        table.add_row(*row)
    Console().print(table)
