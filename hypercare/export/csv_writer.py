"""A pack as CSV files: one per table (``<section>__<table>.csv``) plus ``headline.csv``.

UTF-8 with a byte-order mark (so Excel shows accents and symbols right), a header row of
column labels, ints and floats as plain numbers, percent as fractions, dates and datetimes
ISO 8601 (datetimes with their offset, in the pack's timezone), empty cells for None.

Text is data: control characters removed (:func:`hypercare.text.clean`), and text that a
spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or a line
break) gets a leading apostrophe (:func:`hypercare.text.neutralize_formula`, the rule the
CLI's ``--format csv`` shares), the usual guard against CSV injection: ticket titles come from
anyone. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hypercare.export.formatting import localized, slug, trend, zone_of
from hypercare.files import private_dir, write_private
from hypercare.services.packs.model import Cell, Pack
from hypercare.text import clean, neutralize_formula

ENCODING = "utf-8-sig"
HEADLINE_HEADER = ("key", "label", "value", "previous", "change", "trend", "unit",
                   "direction", "target", "on_target")


def csv_value(value: Cell, zone: ZoneInfo | None = None) -> str:
    """One CSV field."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return localized(value, zone).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return neutralize_formula(clean(value))


def write_csv(pack: Pack, out_dir: Path) -> list[Path]:
    """Write ``headline.csv`` and one file per table into ``out_dir`` (created); returns the
    paths, headline first."""
    private_dir(out_dir, follow_link=False)
    zone = zone_of(pack)
    headline = []
    for line in pack.headline:
        judged = "" if line.on_target is None else str(line.on_target).lower()
        headline.append([csv_value(line.key), csv_value(line.label), csv_value(line.value),
                         csv_value(line.previous), csv_value(line.change),
                         csv_value(trend(line).text), csv_value(line.unit),
                         csv_value(line.direction), csv_value(line.target), judged])
    paths = [_write(out_dir / "headline.csv", HEADLINE_HEADER, headline)]
    taken = {"headline"}
    for section in pack.sections:
        for table in section.tables:
            base = f"{slug(section.key, 'section')}__{slug(table.name, 'table')}"
            name, copy = base, 2
            while name in taken:
                name, copy = f"{base}-{copy}", copy + 1
            taken.add(name)
            rows = [[csv_value(value, zone) for value in row] for row in table.rows]
            header = [csv_value(column.label) for column in table.columns]
            paths.append(_write(out_dir / f"{name}.csv", header, rows))
    return paths


def _write(path: Path, header: Sequence[str], rows: list[list[str]]) -> Path:
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return write_private(path, text.getvalue().encode(ENCODING))
