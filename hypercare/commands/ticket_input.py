"""Reading tickets to classify from ``.jsonl`` or ``.csv`` files, with row-precise errors."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypercare.errors import UsageError
from hypercare.numbers import parse_count
from hypercare.text import clean

MAX_FIELD = 20_000
MAX_LINE = 1_000_000
"""Longest JSONL line or CSV field read (characters); longer ones are refused."""


@dataclass(frozen=True)
class InputRow:
    """One ticket read from an input file."""

    id: str
    subject: str
    description: str
    app: str
    priority: int
    category: str | None


def read_rows(path: Path, *, need_category: bool = False) -> list[InputRow]:
    """Rows of a JSONL or CSV file: ``id``, ``subject`` (or ``title``), ``description``,
    optional ``app``, ``priority`` (0-3) and, when evaluating, ``category``."""
    if not path.is_file():
        raise UsageError(f"input file {path} does not exist")
    suffix = path.suffix.lower()
    if suffix not in (".jsonl", ".csv"):
        raise UsageError(f"input file {path} must end in .jsonl or .csv")
    raw = _jsonl(path) if suffix == ".jsonl" else _csv(path)
    rows = [_row(record, where, need_category) for where, record in raw]
    if not rows:
        raise UsageError(f"input file {path} holds no rows")
    return rows


def _jsonl(path: Path) -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            where = f"{path.name} line {number}"
            line = _text(raw.removeprefix(b"\xef\xbb\xbf") if number == 1 else raw, where)
            if not line.strip():
                continue
            if len(line) > MAX_LINE:
                raise UsageError(f"{where} is longer than {MAX_LINE:,} characters")
            try:
                record = json.loads(line, parse_constant=_no_constant, parse_int=_int)
            except json.JSONDecodeError as exc:
                raise UsageError(f"{where} is not valid JSON: {exc.msg}") from None
            except (ValueError, RecursionError) as exc:  # 5,000-digit numbers, deep nesting
                reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
                raise UsageError(f"{where} is not valid JSON: {reason[:120]}") from None
            if not isinstance(record, dict):
                raise UsageError(f"{where} is not a JSON object")
            found.append((where, record))
    return found


def _csv(path: Path) -> list[tuple[str, dict[str, Any]]]:
    text = _text(path.read_bytes().removeprefix(b"\xef\xbb\xbf"), path.name)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    found: list[tuple[str, dict[str, Any]]] = []  # row 1 is the header, as in a spreadsheet
    try:
        if reader.fieldnames is None:
            raise UsageError(f"{path.name} has no header row")
        for record in reader:
            where = f"{path.name} row {len(found) + 2}"
            if None in record:
                raise UsageError(f"{where} has more fields than the header")
            found.append((where, dict(record)))
    except csv.Error as exc:  # a field over the limit, a stray quote
        raise UsageError(f"{path.name} row {len(found) + 2} is not valid CSV: {exc}",
                         hint=f"A field may hold {csv.field_size_limit():,} characters at "
                              "most; save the file as UTF-8 CSV.") from None
    return found


def _text(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        place = f"{where} line {line}" if "line" not in where else where
        raise UsageError(f"{place} is not UTF-8 text (byte 0x{raw[exc.start]:02x})",
                         hint="Save the file as UTF-8 (Excel: CSV UTF-8).") from None


def _int(digits: str) -> int:
    if len(digits.lstrip("-")) > 18:
        raise ValueError(f"a number of {len(digits):,} digits")
    return int(digits)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number hypercare reads")


def _priority(value: Any, where: str) -> int:
    if value in (None, ""):
        return 0
    if isinstance(value, bool) or not isinstance(value, int | str):
        number = None
    else:
        number = parse_count(str(value), low=0, high=3)
    if number is None:
        raise UsageError(f"{where}: priority must be 0-3, not {str(value)[:40]!r}")
    return number


def _row(record: dict[str, Any], where: str, need_category: bool) -> InputRow:
    identifier = record.get("id")
    if identifier in (None, ""):
        raise UsageError(f"{where} has no id", hint="Every row needs an id column/key.")
    subject = record.get("subject") or record.get("title")
    if not isinstance(subject, str) or not subject.strip():
        raise UsageError(f"{where} (id {str(identifier)[:40]}) has no subject or title")
    description = record.get("description") or ""
    if not isinstance(description, str):
        raise UsageError(f"{where} (id {str(identifier)[:40]}): description must be text")
    priority = _priority(record.get("priority"), f"{where} (id {str(identifier)[:40]})")
    category = record.get("category")
    if need_category and not category:
        raise UsageError(f"{where} (id {str(identifier)[:40]}) has no category to evaluate against")
    app = record.get("app") or ""
    # a file's text enters hypercare here: cleaned once (hypercare.text.clean)
    return InputRow(clean(identifier, multiline=False), clean(subject, multiline=False)[:MAX_FIELD],
                    clean(description)[:MAX_FIELD], clean(app, multiline=False), priority,
                    clean(category, multiline=False) if category else None)
