"""Named locks one process holds on a store: which process runs each periodic job.

PostgreSQL: session-level advisory locks, all on one connection of this process's own; they
are released the moment that connection closes, whatever killed the process. SQLite: an OS
file lock per name in ``<database>.locks/``, released by the OS when the process dies.
Either way another process takes over by simply acquiring the lock.

Within one process a lock is held by one thread at a time and is re-entrant for it (a job's
run takes ``run:sync`` and the refresh it calls takes it again); another thread of the same
process finds it busy, as another process does.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)


def advisory_key(name: str) -> int:
    """The signed 64-bit ``pg_advisory_lock`` key of a lock name (the migrations' lock uses
    a constant of its own)."""
    digest = hashlib.blake2b(f"hypercare:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@dataclass
class _Held:
    thread: int
    depth: int


class ProcessLocks:
    """This process's named locks on one store: ``try_acquire`` without waiting, ``release``,
    ``alive`` to check they are still ours (a PostgreSQL connection can die) and
    ``held_elsewhere`` to see whether another process holds one."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._mutex = threading.RLock()
        self._held: dict[str, _Held] = {}
        self._connection: Connection | None = None
        self._files: dict[str, FileLock] = {}
        self._folder: Path | None = None
        if engine.dialect.name == "sqlite":
            database = engine.url.database or ""
            if not database or database == ":memory:":
                raise ValueError("an in-memory SQLite store cannot be shared by processes")
            path = Path(database).expanduser()
            self._folder = path.with_name(path.name + ".locks")

    @property
    def names(self) -> set[str]:
        """The locks this process holds now."""
        with self._mutex:
            return set(self._held)

    def holds(self, name: str) -> bool:
        with self._mutex:
            return name in self._held

    def try_acquire(self, name: str) -> bool:
        """Take ``name`` if nobody else holds it; True when this thread holds it now."""
        me = threading.get_ident()
        with self._mutex:
            held = self._held.get(name)
            if held is not None:
                if held.thread != me:
                    return False
                held.depth += 1
                return True
            if not self._take(name):
                return False
            self._held[name] = _Held(me, 1)
            return True

    def release(self, name: str) -> None:
        """Give ``name`` back (once per acquire); a lost connection releases it anyway."""
        with self._mutex:
            held = self._held.get(name)
            if held is None:
                return
            held.depth -= 1
            if held.depth > 0:
                return
            del self._held[name]
            self._give(name)

    def hand_over(self, name: str) -> None:
        """Let the current thread's lock on ``name`` be released by another thread (a lease
        taken by a heartbeat loop is given back by whichever thread stops it)."""
        with self._mutex:
            if name in self._held:
                self._held[name].thread = -1

    def alive(self) -> bool:
        """True while the locks are still ours; False (and none held) when the connection
        that held them died."""
        with self._mutex:
            if self._folder is not None or self._connection is None:
                return True
            try:
                self._connection.execute(text("SELECT 1"))
                self._connection.commit()
            except SQLAlchemyError as exc:
                log.warning("the job locks' connection was lost: %s", type(exc).__name__)
                self._held.clear()
                self._drop()
                return False
            return True

    def held_elsewhere(self, name: str) -> bool:
        """True when another process holds ``name`` now."""
        with self._mutex:
            if name in self._held:
                return False
            if self._folder is not None:
                if not self._take(name):
                    return True
                self._give(name)
                return False
            hi, lo = divmod(advisory_key(name) % (1 << 64), 1 << 32)
            connection = self._connect()
            try:
                found = connection.execute(text(
                    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
                    "AND granted AND objsubid = 1 AND classid = CAST(:hi AS oid) "
                    "AND objid = CAST(:lo AS oid) AND pid <> pg_backend_pid() AND database = "
                    "(SELECT oid FROM pg_database WHERE datname = current_database()))"),
                    {"hi": hi, "lo": lo}).scalar()
                connection.commit()
            except SQLAlchemyError:
                self._held.clear()
                self._drop()
                raise
            return bool(found)

    def release_all(self) -> None:
        with self._mutex:
            for name in list(self._held):
                self._held[name].depth = 1
                self.release(name)
            self._drop()

    # -- the backends -----------------------------------------------------------------------

    def _take(self, name: str) -> bool:
        if self._folder is not None:
            self._folder.mkdir(mode=0o700, exist_ok=True)
            lock = self._files.get(name) or FileLock(
                str(self._folder / f"{_file_name(name)}.lock"), thread_local=False, mode=0o600)
            try:
                lock.acquire(timeout=0)
            except Timeout:
                return False
            self._files[name] = lock
            return True
        connection = self._connect()
        try:
            got = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                          {"key": advisory_key(name)}).scalar())
            connection.commit()
        except SQLAlchemyError:
            self._held.clear()
            self._drop()
            raise
        return got

    def _give(self, name: str) -> None:
        if self._folder is not None:
            lock = self._files.get(name)
            if lock is not None and lock.is_locked:
                lock.release(force=True)
            return
        if self._connection is None:
            return
        try:
            self._connection.execute(text("SELECT pg_advisory_unlock(:key)"),
                                     {"key": advisory_key(name)})
            self._connection.commit()
        except SQLAlchemyError:  # closing the connection releases every lock anyway
            self._held.clear()
            self._drop()

    def _connect(self) -> Connection:
        if self._connection is None:
            self._connection = self._engine.connect()
        return self._connection

    def _drop(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(SQLAlchemyError):
                self._connection.close()
            self._connection = None


def _file_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
