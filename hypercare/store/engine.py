"""Engine and session factory for the store (SQLite default, PostgreSQL for teams).

One :class:`sqlmodel.Session` per thread, worker, listener or job: sessions are not
thread-safe. ``expire_on_commit=False`` so rows read in a session stay readable after it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, create_engine

from hypercare.errors import ConfigError, StoreUnavailableError
from hypercare.files import (
    PRIVATE_DIR,
    PRIVATE_FILE,
    create_private_file,
    make_private,
    private_dir,
)

SQLITE_BUSY_TIMEOUT_MS = 15_000


def create_store_engine(url: str, *, create: bool = True) -> Engine:
    """An engine for ``url`` with the pragmas hypercare relies on.

    SQLite: WAL journal, busy timeout, foreign keys on, ``synchronous=NORMAL``, and
    real transactions (pysqlite's legacy mode would autocommit DDL and break savepoints).
    A missing SQLite file is created ``0600`` in a ``0700`` folder (see
    :mod:`hypercare.files`) when ``create``; otherwise it is an error that says so, and no
    folder is made. A file this process may not write is opened read-only.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(
            f"database_url {url!r} is not a database URL",
            hint="Use sqlite:///PATH or postgresql+psycopg://USER@HOST:5432/DB.",
        ) from None
    if parsed.get_backend_name() == "sqlite":
        read_only = False
        if parsed.database and parsed.database != ":memory:":
            path = Path(parsed.database).expanduser()
            read_only = _prepare_sqlite_file(path, create=create)
            if read_only:
                url = _read_only_url(path)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine, read_only=read_only)
        return engine
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})


def _prepare_sqlite_file(path: Path, *, create: bool) -> bool:
    """Make sure the store's file exists (private when hypercare creates it); True when this
    process may only read it."""
    from hypercare.config import user_data_dir

    own = path.parent == user_data_dir()
    if path.exists():
        if own:  # hypercare's own folder: tighten what an older release left readable
            make_private(path.parent, PRIVATE_DIR)
            make_private(path, PRIVATE_FILE)
        return not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))
    if not create:
        raise StoreUnavailableError(
            f"there is no store at {path}",
            hint="Run `hypercare sync` to create and fill it, or point --database-url "
                 "(HYPERCARE_DATABASE_URL) at an existing store.")
    try:
        private_dir(path.parent)
        create_private_file(path)
    except OSError as exc:
        raise StoreUnavailableError(
            f"cannot create the store {path} ({exc.strerror or exc})",
            hint="Check that the folder exists and is writable, or set --database-url.",
        ) from None
    return False


def _read_only_url(path: Path) -> str:
    # A WAL store needs its -shm file; in a folder nobody may write, the file is treated
    # as immutable (read as it is on disk, no locking), which is what such a mount holds.
    immutable = "&immutable=1" if not os.access(path.parent, os.W_OK) else ""
    return f"sqlite:///file:{quote(str(path))}?mode=ro{immutable}&uri=true"


def is_read_only(engine: Engine) -> bool:
    """True for a SQLite store opened read-only (a file this process may not write)."""
    return is_sqlite(engine) and engine.url.query.get("mode") == "ro"


def _configure_sqlite(engine: Engine, *, read_only: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        if not read_only:
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
        # A read-only store cannot take the write lock: it reads in a deferred transaction.
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


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
        self._joined: ContextVar[Session | None] = ContextVar(
            f"unit-of-work-{id(self)}", default=None)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for one unit of work: commits on success, rolls back on error. Inside
        :meth:`transaction` or :meth:`rehearsal` it is that unit's one session, and this
        block is a savepoint in it: an error rolls back this block only, and success
        "commits" only as far as the savepoint."""
        joined = self._joined.get()
        if joined is not None:
            with joined.begin_nested():
                yield joined
            return
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work across services: the session it yields is the one every
        :meth:`session` opened inside (in this thread or task) uses, and it commits once at
        the end, or rolls back as a whole when anything inside raises. Nested inside
        another transaction (or a rehearsal) it simply joins the outer one."""
        with self._outer(commit=True) as session:
            yield session

    @contextmanager
    def rehearsal(self) -> Iterator[Session]:
        """A dry run: like :meth:`transaction`, but always rolled back at the end, so the
        work sees its own writes and leaves no row behind."""
        with self._outer(commit=False) as session:
            yield session

    @contextmanager
    def _outer(self, *, commit: bool) -> Iterator[Session]:
        joined = self._joined.get()
        if joined is not None:
            if not commit:
                raise RuntimeError("a rehearsal cannot run inside a transaction")
            yield joined
            return
        session = self._sessions()
        token = self._joined.set(session)
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        else:
            (session.commit if commit else session.rollback)()
        finally:
            self._joined.reset(token)
            session.close()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
