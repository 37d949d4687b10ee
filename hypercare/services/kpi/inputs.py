"""What the pure KPI board is fed from the store: ticket rows as numpy columns (one
conversion, no ORM loops)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from itertools import islice
from typing import TYPE_CHECKING, Any

import numpy as np

from hypercare.kpi.tickets import TicketColumns

if TYPE_CHECKING:
    from hypercare.store.batches import RowStream


CHUNK = 500
"""Store rows turned into an array at a time: few enough that they are freed before they
add up to a garbage collection (700 new objects)."""


def as_columns(found: RowStream) -> TicketColumns:
    """The store's rows (:func:`hypercare.store.kpi_records.ticket_columns`) as the numpy
    arrays the pure board works on, each column by its name. Read :data:`CHUNK` rows at a
    time, each chunk made an array at once, so the store's tuples never pile up."""
    parts = []
    while chunk := list(islice(found.rows, CHUNK)):
        parts.append(np.array(chunk, dtype=object))
    if not parts:
        return TicketColumns.empty()
    table = np.concatenate(parts)
    column = {name: table[:, at] for name, at in found.positions().items()}

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
