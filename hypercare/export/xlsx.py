"""A pack as an XLSX workbook: a Summary sheet, then one sheet per section.

Cells keep real types (ints, floats, dates with date formats, percent fractions as ``0.0%``);
text is always stored as text, so ``=HYPERLINK(...)`` from a ticket title stays a string and
never becomes a formula (with Excel's quote prefix when it looks like one,
:func:`hypercare.text.looks_like_formula`, so editing the cell keeps it text). Text is cleaned
of control characters (openpyxl refuses most of them) and cut to Excel's 32,767 characters
per cell, an ellipsis marking the cut. Each table is an Excel table (its own filter buttons: a
sheet holds several tables and Excel allows one sheet-level autofilter only); the first
table's header row is frozen.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.cell import Cell as XlCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table as ExcelTable
from openpyxl.worksheet.table import TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from hypercare.export.formatting import (
    EMPTY_TEXT,
    confidential_text,
    display,
    generated_text,
    localized,
    numbered,
    period_text,
    trend,
    zone_of,
)
from hypercare.files import write_private
from hypercare.services.packs.model import Cell, Column, ColumnKind, Pack, Section, Table
from hypercare.text import clean, looks_like_formula, shorten

MAX_CELL = 32_767
"""Characters Excel holds in one cell."""

FORMATS: dict[str, str] = {"int": "#,##0", "float": "#,##0.0#", "percent": "0.0%",
                           "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm"}
TITLE = Font(bold=True, size=16, color="102A43")
HEADING = Font(bold=True, size=12, color="243B53")
BOLD = Font(bold=True)
MUTED = Font(italic=True, color="627D98")
WARNING = Font(bold=True, color="9A3412")
HEADER_FILL = PatternFill("solid", fgColor="F0F4F8")
STYLE = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
BAD_SHEET_CHARS = re.compile(r"[\\/?*\[\]:]")
HEADLINE_COLUMNS = (Column("kpi", "KPI"), Column("value", "This week", "float"),
                    Column("previous", "Week before", "float"),
                    Column("change", "Change", "float"), Column("trend", "Trend"),
                    Column("unit", "Unit"), Column("target", "Target", "float"),
                    Column("on_target", "On target"), Column("direction", "Better when"))


def write_xlsx(pack: Pack, path: Path) -> Path:
    """Write the workbook to ``path``; returns it."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Summary"
    writer = _Writer(zone_of(pack))
    names = sheet_names(pack.sections)
    _summary(writer, summary, pack, names)
    for (n, section), name in zip(numbered(pack.sections), names, strict=True):
        _section(writer, book.create_sheet(name), n, section)
    buffer = io.BytesIO()
    book.save(buffer)
    return write_private(path, buffer.getvalue())


def sheet_names(sections: tuple[Section, ...]) -> list[str]:
    """``1 Executive summary``: valid (<= 31 characters, no ``[]:*?/\\``) and unique."""
    taken = {"summary"}
    names = []
    for n, section in numbered(sections):
        base = BAD_SHEET_CHARS.sub(" ", clean(f"{n} {section.title}", multiline=False))
        base = base.strip(" '")
        base = " ".join(base.split())[:31].rstrip()
        name, copy = base, 2
        while name.lower() in taken:
            suffix = f" ({copy})"
            name, copy = base[: 31 - len(suffix)].rstrip() + suffix, copy + 1
        taken.add(name.lower())
        names.append(name)
    return names


class _Writer:
    """Writes tables onto sheets, numbering Excel tables across the workbook."""

    def __init__(self, zone: ZoneInfo | None) -> None:
        self.zone = zone
        self.count = 0

    def table(self, sheet: Worksheet, row: int, table: Table) -> int:
        """Write ``table`` (title, header, rows, note) from ``row``; returns the next free row."""
        _text(sheet, row, 1, table.title).font = HEADING
        header_row = row + 1
        for index, label in enumerate(_unique([c.label for c in table.columns]), start=1):
            _text(sheet, header_row, index, label).font = BOLD
            sheet.cell(header_row, index).fill = HEADER_FILL
        for offset, values in enumerate(table.rows, start=1):
            for index, (value, column) in enumerate(zip(values, table.columns, strict=False), 1):
                self.value(sheet, header_row + offset, index, value, column.kind)
        last_row = header_row + max(len(table.rows), 1)  # an Excel table needs a data row
        if table.columns:
            self.count += 1
            ref = f"A{header_row}:{get_column_letter(len(table.columns))}{last_row}"
            safe = re.sub(r"[^A-Za-z0-9_]", "_", table.name)[:40]
            # Column names come from the header cells when the workbook is saved.
            sheet.add_table(ExcelTable(displayName=f"T{self.count}_{safe}", ref=ref,
                                       autoFilter=AutoFilter(ref=ref), tableStyleInfo=STYLE))
        _widen(sheet, table, self.zone)
        row = last_row + 1
        if not table.rows:
            _text(sheet, row, 1, "No rows.").font = MUTED
            row += 1
        if table.note:
            _text(sheet, row, 1, table.note).font = MUTED
            row += 1
        return row + 1

    def value(self, sheet: Worksheet, row: int, col: int, value: Cell, kind: ColumnKind) -> None:
        """One typed cell: numbers and dates as such, everything else as text."""
        if value is None:
            return
        if isinstance(value, str):
            cell = _text(sheet, row, col, value)
            if "\n" in str(cell.value) or len(str(cell.value)) > 60:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            return
        if isinstance(value, datetime):
            value = localized(value, self.zone).replace(tzinfo=None)
            kind = "datetime"
        elif isinstance(value, date):
            kind = "date"
        elif kind not in ("int", "float", "percent"):
            _text(sheet, row, col, display(value, kind, self.zone))
            return
        cell = sheet.cell(row, col, value)
        cell.number_format = FORMATS.get(kind, "General")


def cell_text(text: str) -> str:
    """Text as an XLSX cell holds it: no character openpyxl or Excel refuses (controls), at
    most :data:`MAX_CELL` characters."""
    return shorten(ILLEGAL_CHARACTERS_RE.sub("", clean(text)), MAX_CELL)


def _text(sheet: Worksheet, row: int, col: int, text: str) -> XlCell:
    """A text cell that stays text: a leading ``=`` never makes a formula."""
    cell = sheet.cell(row, col)
    cell.value = text = cell_text(text)
    cell.data_type = "s"
    if looks_like_formula(text):
        cell.quotePrefix = True
    return cell


def _unique(labels: list[str]) -> list[str]:
    """Excel table headers must be unique, non-empty, one-line strings."""
    seen: set[str] = set()
    result = []
    for index, label in enumerate(labels, start=1):
        base = " ".join(label.split()) or f"Column {index}"
        name, copy = base, 2
        while name.lower() in seen:
            name, copy = f"{base} ({copy})", copy + 1
        seen.add(name.lower())
        result.append(name)
    return result


def _widen(sheet: Worksheet, table: Table, zone: ZoneInfo | None) -> None:
    """Column widths that fit the header and values (between 8 and 60 characters)."""
    for index, column in enumerate(table.columns, start=1):
        lines = [line for value in table.column(column.key)
                 for line in display(value, column.kind, zone).splitlines()]
        longest = max([len(column.label) + 2, *map(len, lines)])
        if column.kind == "datetime":
            longest = max(longest, 17)
        letter = get_column_letter(index)
        current = sheet.column_dimensions[letter].width or 0
        sheet.column_dimensions[letter].width = max(current, min(60, max(8, longest + 2)))


def _summary(writer: _Writer, sheet: Worksheet, pack: Pack, names: list[str]) -> None:
    _text(sheet, 1, 1, pack.title).font = TITLE
    _text(sheet, 2, 1, period_text(pack)).font = HEADING
    _text(sheet, 3, 1, generated_text(pack)).font = MUTED
    row = 4
    lines = [*([EMPTY_TEXT] if pack.empty else []), *pack.notes,
             *([confidential_text(pack)] if pack.confidential_count > 0 else [])]
    for text in lines:
        _text(sheet, row, 1, text).font = WARNING if text == EMPTY_TEXT else Font()
        row += 1
    row += 1
    rows = []
    for line in pack.headline:
        change = trend(line)
        judged = "" if line.on_target is None else ("yes" if line.on_target else "no")
        better = {"up": "higher", "down": "lower"}.get(line.direction, line.direction)
        rows.append((line.label, line.value, line.previous, line.change, change.text,
                     line.unit, line.target, judged, better))
    table = Table("headline", "Headline KPIs", HEADLINE_COLUMNS, tuple(rows))
    header_row = row + 1
    row = writer.table(sheet, row, table)
    for offset, line in enumerate(pack.headline, start=1):
        if line.unit == "%":
            for col in (2, 3, 7):
                sheet.cell(header_row + offset, col).number_format = '0.0" %"'
        sheet.cell(header_row + offset, 4).number_format = (
            '+0.0" pts";-0.0" pts";0' if line.unit == "%" else "+#,##0.0#;-#,##0.0#;0")
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.column_dimensions["A"].width = max(sheet.column_dimensions["A"].width or 0, 28)
    if pack.sections:
        sheet.cell(row, 1, "Sections").font = HEADING
        for (n, section), name in zip(numbered(pack.sections), names, strict=True):
            row += 1
            link = _text(sheet, row, 1, f"{n}. {section.title}")
            place = "'{}'!A1".format(name.replace("'", "''"))
            link.hyperlink = Hyperlink(ref=link.coordinate, location=place, display=link.value)
            link.font = Font(color="1F4E79", underline="single")


def _section(writer: _Writer, sheet: Worksheet, n: int, section: Section) -> None:
    _text(sheet, 1, 1, f"{n}. {section.title}").font = TITLE
    row = 2
    for sentence in section.summary:
        _text(sheet, row, 1, sentence)
        row += 1
    for warning in section.warnings:
        _text(sheet, row, 1, f"⚠ Warning: {warning}").font = WARNING
        row += 1
    if not (section.summary or section.warnings or section.tables):
        _text(sheet, row, 1, "Nothing to report.").font = MUTED
        row += 1
    row += 1
    first_header = row + 1
    for table in section.tables:
        row = writer.table(sheet, row, table)
    if section.tables:
        sheet.freeze_panes = f"A{first_header + 1}"
    if section.charts:
        sheet.cell(row, 1, "Chart data").font = TITLE
        row += 1
    for series in section.charts:
        columns = (Column("label", "Label"), Column("value", series.unit or "Value", "float"))
        rows = tuple(zip(series.labels, series.values, strict=False))
        chart = Table(re.sub(r"\W", "_", series.title), series.title, columns, rows)
        row = writer.table(sheet, row, chart)
