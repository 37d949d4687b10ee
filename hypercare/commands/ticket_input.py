"""Reading tickets to classify from ``.jsonl`` or ``.csv`` files, with row-precise errors."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypercare.errors import UsageError

MAX_FIELD = 20_000


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
    with path.open(encoding="utf-8-sig") as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            where = f"{path.name} line {number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise UsageError(f"{where} is not valid JSON: {exc.msg}") from None
            if not isinstance(record, dict):
                raise UsageError(f"{where} is not a JSON object")
            found.append((where, record))
    return found


def _csv(path: Path) -> list[tuple[str, dict[str, Any]]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.DictReader(stream)
        if reader.fieldnames is None:
            raise UsageError(f"{path.name} has no header row")
        return [(f"{path.name} row {number}", dict(record))
                for number, record in enumerate(reader, start=2)]


def _row(record: dict[str, Any], where: str, need_category: bool) -> InputRow:
    identifier = record.get("id")
    if identifier in (None, ""):
        raise UsageError(f"{where} has no id", hint="Every row needs an id column/key.")
    subject = record.get("subject") or record.get("title")
    if not isinstance(subject, str) or not subject.strip():
        raise UsageError(f"{where} (id {identifier}) has no subject or title")
    description = record.get("description") or ""
    if not isinstance(description, str):
        raise UsageError(f"{where} (id {identifier}): description must be text")
    priority_raw = record.get("priority")
    try:
        priority = int(priority_raw) if priority_raw not in (None, "") else 0
    except (TypeError, ValueError):
        raise UsageError(f"{where} (id {identifier}): priority must be 0-3, "
                         f"not {priority_raw!r}") from None
    if not 0 <= priority <= 3:
        raise UsageError(f"{where} (id {identifier}): priority must be 0-3, not {priority}")
    category = record.get("category")
    if need_category and not category:
        raise UsageError(f"{where} (id {identifier}) has no category to evaluate against")
    app = record.get("app") or ""
    return InputRow(str(identifier), subject.strip()[:MAX_FIELD], description[:MAX_FIELD],
                    str(app), priority, str(category) if category else None)
