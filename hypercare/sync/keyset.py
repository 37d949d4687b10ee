"""Keyset paging over ``write_date, id``, with the overlap behind the cursor.

Odoo stamps ``write_date`` at transaction *start*, so a long transaction can commit a row
whose ``write_date`` is older than rows already read. Each run therefore starts
``overlap`` before the stored cursor; upserts make the re-read harmless.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

ODOO_DATETIME = "%Y-%m-%d %H:%M:%S"


class Fetch(Protocol):
    """One page of raw rows in ``write_date, id`` order: an Odoo reader's ``page_*`` method
    (``HelpdeskReader.page_tickets``, ``page_users``, ``ChatterReader.page_messages``)."""

    def __call__(
        self, domain: list[Any], *, limit: int, offset: int
    ) -> list[dict[str, Any]]: ...


def to_odoo(moment: datetime) -> str:
    """An aware datetime as Odoo's naive UTC string."""
    return moment.astimezone(UTC).strftime(ODOO_DATETIME)


def from_odoo(value: Any) -> datetime | None:
    """Odoo's naive UTC string as an aware datetime."""
    if not value or not isinstance(value, str):
        return None
    return datetime.fromisoformat(value[:19]).replace(tzinfo=UTC)


@dataclass(frozen=True)
class Position:
    """The last (write_date, id) read."""

    write_date: datetime
    last_id: int


def start_domain(base: Sequence[Any], cursor: Position | None, overlap: timedelta) -> list[Any]:
    """The first page's domain: everything written since ``overlap`` before the cursor."""
    domain = list(base)
    if cursor is not None:
        domain.append(("write_date", ">=", to_odoo(cursor.write_date - overlap)))
    return domain


def after(base: Sequence[Any], position: Position) -> list[Any]:
    """Rows strictly after ``position`` in (write_date, id) order."""
    stamp = to_odoo(position.write_date)
    return [
        *base,
        "|",
        ("write_date", ">", stamp),
        "&",
        ("write_date", "=", stamp),
        ("id", ">", position.last_id),
    ]


def pages(
    fetch: Fetch,
    base: Sequence[Any],
    cursor: Position | None,
    *,
    overlap: timedelta,
    page_size: int,
) -> Iterator[tuple[list[dict[str, Any]], Position | None]]:
    """Yield (rows, position after them) until a short page.

    ``fetch(domain, limit=, offset=)`` reads one page ordered by ``write_date, id``.
    If a page makes no progress in (write_date, id) order (a server with sub-second
    write dates that compares them to our second-precision strings), the next page
    is taken by offset on the same domain so paging can never loop.
    """
    domain: list[Any] = start_domain(base, cursor, overlap)
    offset = 0
    position: Position | None = None
    while True:
        rows = fetch(domain, limit=page_size, offset=offset)
        if not rows:
            return
        last = rows[-1]
        stamp = from_odoo(last.get("write_date"))
        new_position = Position(stamp, int(last["id"])) if stamp else position
        progressed = new_position is not None and (
            position is None
            or (new_position.write_date, new_position.last_id)
            > (position.write_date, position.last_id)
        )
        yield rows, new_position
        if len(rows) < page_size:
            return
        if progressed and new_position is not None:
            domain, offset, position = after(base, new_position), 0, new_position
        else:
            offset += len(rows)


def stored_position(cursor: Any) -> Position | None:
    """A stored cursor row (``write_date``, ``last_id``) as a position (None before the
    first page)."""
    if cursor is None or cursor.write_date is None:
        return None
    return Position(cursor.write_date, cursor.last_id)


def newer_than(cursor: Position | None, rows: list[dict[str, Any]]) -> int:
    """Rows past the stored cursor (the rest were re-read by the overlap)."""
    if cursor is None:
        return len(rows)
    mark = (cursor.write_date, cursor.last_id)
    count = 0
    for row in rows:
        stamp = from_odoo(row.get("write_date"))
        if stamp is None or (stamp, int(row["id"])) > mark:
            count += 1
    return count
