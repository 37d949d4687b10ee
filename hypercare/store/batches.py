"""Reading many rows: by many keys without tripping over SQL parameter limits, and a big
select's rows as the driver gives them, with their column names (no ``Row`` objects)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Columns:
    """The column names of a select's rows (its labels), in the order of each row's values."""

    columns: tuple[str, ...]

    def positions(self) -> dict[str, int]:
        """Each column's position in a row, by name."""
        return {name: at for at, name in enumerate(self.columns)}


@dataclass(frozen=True)
class Rows(Columns):
    """Every row of a select as the driver gives them (plain tuples)."""

    rows: list[tuple[Any, ...]]


@dataclass(frozen=True)
class RowStream(Columns):
    """The rows of a select, read from the driver one at a time as they are iterated: once,
    while the session is open."""

    rows: Iterator[tuple[Any, ...]]


def read_rows(statement: Any, *, session: Session, binary: bool = False) -> Rows:
    """Every row of a Core select, as the driver's tuples, with the select's column names.

    It runs on the driver's own cursor, its parameters bound as SQLAlchemy binds them (each
    through its type's ``bind_processor``): what this skips is SQLAlchemy's result
    machinery (a ``Row`` and the type processing of every value), which costs more than the
    database itself on 50,000 to 100,000 rows. So the select should give each value as the
    driver reads it (text, numbers, 0/1). ``binary``: psycopg's binary protocol (numbers
    parsed in C); ignored on SQLite."""
    cursor = _execute(statement, session=session, binary=binary)
    try:
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return Rows(tuple(statement.selected_columns.keys()), rows)


def stream_rows(statement: Any, *, session: Session, binary: bool = False) -> RowStream:
    """As :func:`read_rows`, the rows read one at a time while the caller iterates them, so
    that no list of every row is held beside what the caller makes of them (nor wakes the
    garbage collector: each tuple is freed as soon as it is used)."""
    cursor = _execute(statement, session=session, binary=binary)
    return RowStream(tuple(statement.selected_columns.keys()), _each(cursor))


def _each(cursor: Any) -> Iterator[tuple[Any, ...]]:
    try:
        yield from cursor
    finally:
        cursor.close()


def _execute(statement: Any, *, session: Session, binary: bool) -> Any:
    """A driver cursor that has run ``statement`` with its parameters bound."""
    connection = session.connection()
    dialect = connection.dialect
    compiled = statement.compile(dialect=dialect)
    values = compiled.construct_params()
    names = list(compiled.positiontup) if compiled.positional else list(values)
    bound = []
    for name in names:
        processor = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
        bound.append(processor(values[name]) if processor is not None else values[name])
    parameters: Any = tuple(bound) if compiled.positional else dict(zip(names, bound,
                                                                         strict=True))
    driver: Any = connection.connection.driver_connection
    cursor = driver.cursor(binary=True) if binary and dialect.name != "sqlite" else (
        driver.cursor())
    try:
        cursor.execute(str(compiled), parameters)
    except BaseException:
        cursor.close()
        raise
    return cursor
