"""Reading many rows: by many keys without tripping over SQL parameter limits, and without
the garbage collector walking the heap while they arrive."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, col, select

CHUNK = 5000
Row = TypeVar("Row", bound=SQLModel)


def chunks(keys: Iterable[int], size: int = CHUNK) -> Iterator[Sequence[int]]:
    """``keys`` in lists of at most ``size`` (SQLite allows 32,766 parameters a statement)."""
    wanted = list(keys)
    for start in range(0, len(wanted), size):
        yield wanted[start : start + size]


def rows_by_key(model: type[Row], column: Any, keys: Iterable[int], *,
                session: Session) -> dict[int, Row]:
    """Rows of ``model`` whose ``column`` is one of ``keys``, by that key."""
    name = column.key
    found: dict[int, Row] = {}
    for chunk in chunks(keys):
        for row in session.exec(select(model).where(col(column).in_(chunk))):
            found[getattr(row, name)] = row
    return found


@contextmanager
def gc_paused() -> Iterator[None]:
    """Reading 50,000 to 100,000 rows allocates as many tuples and objects: without this the
    cyclic garbage collector walks the whole heap again and again meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
