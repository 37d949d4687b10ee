"""Who owns the scheduler: one ``hypercare serve`` per store runs the jobs.

PostgreSQL: a session-level advisory lock held on a connection of its own; it is released
the moment the owner's connection closes, whatever killed the process. SQLite: an OS file
lock on ``<database>.scheduler.lock`` next to the database, released by the OS when the
process dies. Either way a waiting process takes over by simply acquiring it.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)
SCHEDULER_LOCK_KEY = 0x6879706572736368
"""pg_advisory_lock key of the scheduler ("hypersch"); the migrations use another."""


class SchedulerLock:
    """The scheduler's lock on one store: ``try_acquire`` without waiting, ``held`` to check
    the lock is still ours (a PostgreSQL connection can die), ``release`` when stopping."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None
        self._file: FileLock | None = None
        if engine.dialect.name == "sqlite":
            database = engine.url.database or ""
            if not database or database == ":memory:":
                raise ValueError("an in-memory SQLite store cannot be shared by processes")
            path = Path(database).expanduser()
            # not thread-local: the lease loop takes it, the main thread gives it back
            self._file = FileLock(str(path.with_name(path.name + ".scheduler.lock")),
                                  thread_local=False, mode=0o600)

    def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; True when this process holds it now."""
        if self._file is not None:
            try:
                self._file.acquire(timeout=0)
            except Timeout:
                return False
            return True
        if self._connection is not None:
            return self.held()
        connection = self._engine.connect()
        try:
            got = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                          {"key": SCHEDULER_LOCK_KEY}).scalar())
            connection.commit()
        except SQLAlchemyError:
            connection.close()
            raise
        if not got:
            connection.close()
            return False
        self._connection = connection
        return True

    def held(self) -> bool:
        """True while the lock is still ours."""
        if self._file is not None:
            return self._file.is_locked
        if self._connection is None:
            return False
        try:
            self._connection.execute(text("SELECT 1"))
            self._connection.commit()
        except SQLAlchemyError as exc:  # the connection died: so did the lock
            log.warning("the scheduler lock's connection was lost: %s", type(exc).__name__)
            self._drop()
            return False
        return True

    def release(self) -> None:
        if self._file is not None:
            if self._file.is_locked:
                self._file.release()
            return
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"),
                                         {"key": SCHEDULER_LOCK_KEY})
                self._connection.commit()
            except SQLAlchemyError:
                pass  # closing the connection releases it anyway
            self._drop()

    def _drop(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(SQLAlchemyError):
                self._connection.close()
            self._connection = None
