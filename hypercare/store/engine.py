"""Engine and session factory for the store (SQLite default, PostgreSQL for teams).

One :class:`sqlmodel.Session` per thread, worker, listener or job: sessions are not
thread-safe. ``expire_on_commit=False`` so rows read in a session stay readable after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, create_engine

from hypercare.errors import ConfigError

SQLITE_BUSY_TIMEOUT_MS = 15_000


def create_store_engine(url: str) -> Engine:
    """An engine for ``url`` with the pragmas hypercare relies on.

    SQLite: WAL journal, busy timeout, foreign keys on, ``synchronous=NORMAL``, and
    real transactions (pysqlite's legacy mode would autocommit DDL and break savepoints).
    The parent directory of a SQLite file is created if missing.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(
            f"database_url {url!r} is not a database URL",
            hint="Use sqlite:///PATH or postgresql+psycopg://USER@HOST:5432/DB.",
        ) from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE: a transaction takes the write lock when it begins, waiting its turn
        # (busy_timeout). A deferred one that read first and writes later fails at once with
        # "database is locked" when another connection committed in between, and serve's
        # jobs, the bot and the TUI write concurrently. Sessions are short, so the wait is.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def is_sqlite(engine: Engine) -> bool:
    """True for a SQLite store."""
    return engine.dialect.name == "sqlite"


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for other backends and in-memory databases)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


def redacted_url(url: str) -> str:
    """The URL with any password masked, for messages and ``config show``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid url>"


class Store:
    """The engine plus a session factory. Built once per process by the wiring."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, class_=Session, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for one unit of work: commits on success, rolls back on error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
