"""What the pure KPI board is fed from the store: ticket rows as numpy columns (one
conversion, no ORM loops)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from hypercare.kpi.tickets import TicketColumns


def as_columns(raw: dict[str, Sequence[Any]]) -> TicketColumns:
    """The store's rows as the numpy arrays the pure board works on (one conversion)."""
    from hypercare.store.kpi_records import TICKET_COLUMNS

    rows = raw["rows"]
    if not rows:
        return TicketColumns.empty()
    table = np.array(rows, dtype=object)
    column = {name: table[:, i] for i, name in enumerate(TICKET_COLUMNS)}

    def epoch(name: str) -> np.ndarray[Any, Any]:
        values = column[name].astype(np.float64)
        values[values < 0] = math.nan
        return values

    return TicketColumns(
        odoo_id=column["odoo_id"].astype(np.int64), company=column["company"],
        team=column["team"], assignee=column["assignee"], app=column["app"],
        category=column["category"], severity=column["severity"].astype(np.int64),
        created=epoch("created"), assigned=epoch("assigned"),
        first_response=epoch("first_response"), closed=epoch("closed"),
        is_closed=column["is_closed"].astype(np.bool_),
        reopen_count=column["reopen_count"].astype(np.int64),
        sla_state=column["sla_state"], workaround=epoch("workaround"),
        tags=_tags(column["tags"]))


def _tags(values: Iterable[Any]) -> tuple[tuple[str, ...], ...]:
    """Tags arrive as JSON text (SQLite) or decoded (psycopg): each distinct list of tags
    is parsed once (tickets share a handful of combinations)."""
    parsed: dict[Any, tuple[str, ...]] = {}
    found = []
    for value in values:
        key = value if isinstance(value, str | bytes) or value is None else tuple(value)
        tags = parsed.get(key)
        if tags is None:
            if not value:
                tags = ()
            elif isinstance(value, str | bytes):
                tags = tuple(json.loads(value))
            else:
                tags = tuple(value)
            parsed[key] = tags
        found.append(tags)
    return tuple(found)
