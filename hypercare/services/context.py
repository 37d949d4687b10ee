"""What services share: settings, the store (opened lazily), the Odoo connector and the clock.

Every service module imports this one; it imports no service (the facade that builds
them all is :mod:`hypercare.services.facade`)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from hypercare.config import Settings, default_database_url
from hypercare.store.engine import Store, create_store_engine
from hypercare.store.schema import ensure_schema

if TYPE_CHECKING:
    from hypercare.odoo import OdooClient
    from hypercare.services.access import Access, Directory
    from hypercare.store import Session
    from hypercare.store.ownership import ProcessLocks


def utc_now() -> datetime:
    """The wall clock, timezone-aware UTC."""
    return datetime.now(UTC)


@dataclass
class ServiceContext:
    """Dependencies of the services, built once per process by ``hypercare.wiring``.

    The store is opened on first use and its schema checked then (SQLite is
    upgraded automatically; PostgreSQL must be at head), so commands that never
    touch the store (``config show``) never open it.
    """

    settings: Settings
    check_schema: bool = True
    create_store: bool = True
    """Create a missing SQLite store (False for commands that only read: they say it is
    missing instead)."""
    connect_odoo: Callable[[], OdooClient] | None = None
    """Opens a logged-in Odoo client (None: no Odoo configured)."""
    clock: Callable[[], datetime] = utc_now
    directory: Directory | None = None
    """Slack's user groups and names for :attr:`access` (None: no Slack configured)."""
    _store: Store | None = field(default=None, init=False, repr=False)
    _locks: ProcessLocks | None = field(default=None, init=False, repr=False)
    _access: Access | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def database_url(self) -> str:
        """The effective store URL (the default SQLite file when unset)."""
        return self.settings.database_url or default_database_url()

    @property
    def access(self) -> Access:
        """The access authority (``[roles]``), built on first use."""
        from hypercare.services.access import Access

        with self._lock:
            if self._access is None:
                self._access = Access(self.settings.roles, self.directory)
            return self._access

    def use_directory(self, directory: Directory) -> None:
        """Read Slack user groups through ``directory`` from now on (the bot's client)."""
        from hypercare.services.access import Access

        with self._lock:
            self.directory = directory
            self._access = Access(self.settings.roles, directory)

    def store(self) -> Store:
        """The store, opened and schema-checked on first call."""
        with self._lock:
            if self._store is None:
                store = Store(create_store_engine(self.database_url, create=self.create_store))
                if self.check_schema:
                    try:
                        ensure_schema(store.engine)
                    except BaseException:
                        store.dispose()
                        raise
                self._store = store
            return self._store

    def locks(self) -> ProcessLocks:
        """This process's named locks on the store (job leases and runs), made once."""
        store = self.store()
        with self._lock:
            if self._locks is None:
                from hypercare.store.ownership import ProcessLocks

                self._locks = ProcessLocks(store.engine)
            return self._locks

    def use_store(self, store: Store) -> None:
        """Work on ``store``, already open (a tool that built it, such as a benchmark): the
        services then share its sessions and its transactions."""
        with self._lock:
            self._store = store

    def transaction(self) -> AbstractContextManager[Session]:
        """One unit of work: ``with ctx.transaction() as tx`` gives the one session that
        every service called inside shares; it commits once, or not at all
        (:meth:`hypercare.store.engine.Store.transaction`)."""
        return self.store().transaction()

    def close(self) -> None:
        """Release pooled connections."""
        with self._lock:
            if self._locks is not None:
                self._locks.release_all()
                self._locks = None
            if self._store is not None:
                self._store.dispose()
                self._store = None
