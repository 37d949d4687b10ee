"""Schema version: a cheap check on every start, and the upgrade.

:func:`check_schema` reads ``alembic_version`` with one query and does not import
Alembic. :func:`upgrade_schema` imports Alembic and migrates to head: on PostgreSQL
under an advisory lock, on SQLite under a lock file, so two processes never migrate
at once (the second waits, then finds nothing to do).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError, ProgrammingError, SQLAlchemyError

from hypercare.errors import SchemaAheadError, SchemaBehindError, StoreError, StoreUnavailableError
from hypercare.store.engine import is_read_only, is_sqlite, redacted_url

#: Every Alembic revision in order, oldest first. The last one is the head.
SCHEMA_REVISIONS: tuple[str, ...] = (
    "0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009",
    "0010", "0011", "0012", "0013", "0014", "0015", "0016", "0017")
SCHEMA_HEAD = SCHEMA_REVISIONS[-1]

#: Arbitrary but fixed key for pg_advisory_lock ("hypercare" in ASCII, truncated to int64).
ADVISORY_LOCK_KEY = 0x6879706572636172

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class SchemaState(enum.Enum):
    """Where a store's schema stands relative to this code."""

    EMPTY = "empty"
    BEHIND = "behind"
    CURRENT = "current"
    AHEAD = "ahead"


@dataclass(frozen=True)
class SchemaStatus:
    """The store's revision and how it compares with the code's head."""

    state: SchemaState
    revision: str | None
    head: str = SCHEMA_HEAD


def read_revision(connection: Connection) -> str | None:
    """The store's Alembic revision, or None when no schema was ever created."""
    try:
        row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
    except (OperationalError, ProgrammingError):
        connection.rollback()
        return None
    return row[0] if row else None


def schema_status(engine: Engine) -> SchemaStatus:
    """Compare the store's revision with the code's head (one query, no Alembic import)."""
    try:
        with engine.connect() as connection:
            revision = read_revision(connection)
    except SQLAlchemyError as exc:
        raise StoreUnavailableError(
            f"cannot open the store {redacted_url(str(engine.url))}: {_first_line(exc)}"
        ) from None
    if revision is None:
        return SchemaStatus(SchemaState.EMPTY, None)
    if revision == SCHEMA_HEAD:
        return SchemaStatus(SchemaState.CURRENT, revision)
    if revision in SCHEMA_REVISIONS:
        return SchemaStatus(SchemaState.BEHIND, revision)
    return SchemaStatus(SchemaState.AHEAD, revision)


def ensure_schema(engine: Engine) -> SchemaStatus:
    """The start-up check: SQLite is upgraded automatically; PostgreSQL must be upgraded by hand."""
    status = schema_status(engine)
    if status.state is SchemaState.CURRENT:
        return status
    if status.state is SchemaState.AHEAD:
        raise SchemaAheadError(
            f"the store is at schema revision {status.revision}, newer than this hypercare "
            f"(which knows up to {SCHEMA_HEAD})"
        )
    if is_read_only(engine):
        raise StoreError(
            f"the store is read-only and at schema revision {status.revision or '(none)'}; "
            f"this hypercare needs {SCHEMA_HEAD}",
            hint="Open it once where it is writable (any command upgrades a SQLite store), "
                 "or use the hypercare release that wrote it.")
    if is_sqlite(engine):
        upgrade_schema(engine)
        return schema_status(engine)
    where = "empty" if status.state is SchemaState.EMPTY else f"at revision {status.revision}"
    raise SchemaBehindError(
        f"the PostgreSQL store is {where}; this hypercare needs schema revision {SCHEMA_HEAD}"
    )


def upgrade_schema(engine: Engine) -> tuple[str | None, str]:
    """Migrate to head under a cross-process lock. Returns (revision before, revision after)."""
    status = schema_status(engine)
    if status.state is SchemaState.AHEAD:
        raise SchemaAheadError(
            f"the store is at schema revision {status.revision}, newer than this hypercare"
        )
    if is_sqlite(engine):
        return _upgrade_sqlite(engine)
    return _upgrade_postgresql(engine)


def _upgrade_sqlite(engine: Engine) -> tuple[str | None, str]:
    from filelock import FileLock

    database = engine.url.database
    if not database or database == ":memory:":
        with engine.connect() as connection:
            return _run_alembic(connection)
    lock = FileLock(f"{database}.migrate.lock", timeout=120, mode=0o600)
    with lock, engine.connect() as connection:
        return _run_alembic(connection)


def _upgrade_postgresql(engine: Engine) -> tuple[str | None, str]:
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
        connection.commit()
        try:
            return _run_alembic(connection)
        finally:
            connection.rollback()
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
            connection.commit()


def _run_alembic(connection: Connection) -> tuple[str | None, str]:
    from alembic import command
    from alembic.config import Config

    before = read_revision(connection)
    connection.commit()
    if before == SCHEMA_HEAD:
        return before, before
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
    connection.commit()
    after = read_revision(connection)
    connection.commit()
    return before, after or SCHEMA_HEAD


def _first_line(exc: BaseException) -> str:
    text_ = str(getattr(exc, "orig", None) or exc)
    return text_.strip().splitlines()[0] if text_.strip() else type(exc).__name__
