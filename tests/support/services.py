"""The one place tests build :class:`~hypercare.services.Services`: on a SQLite store in the
test's folder (fresh, or a copy of a prepared "golden" store), a model directory, an optional
clock and an optional Odoo connector; a :class:`ServicesFactory` closes all it built."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from hypercare.config import Settings
from hypercare.services import ServiceContext, Services
from hypercare.services.context import utc_now
from hypercare.wiring import build_services

if TYPE_CHECKING:
    from hypercare.odoo import OdooClient

TestClock = Callable[[], datetime]
Connector = Callable[[], "OdooClient"]


def sqlite_settings(db: Path, *, model_dir: Path | None = None, **values: Any) -> Settings:
    """Settings on the SQLite store file ``db``, triage models in ``model_dir``, then
    ``values`` (which win)."""
    base: dict[str, Any] = {"database_url": f"sqlite:///{db}"}
    if model_dir is not None:
        base["triage"] = {"model_dir": str(model_dir)}
    return Settings(**{**base, **values})


def new_services(settings: Settings, *, clock: TestClock | None = None,
                 connect_odoo: Connector | None = None) -> Services:
    """Services as the application wires them (``build_services``), on ``clock`` (the wall
    clock when None); ``connect_odoo`` replaces the connector built from ``settings.odoo``."""
    clock = clock or utc_now
    if connect_odoo is None:
        return build_services(settings, clock=clock)
    return Services(ServiceContext(settings=settings, connect_odoo=connect_odoo, clock=clock))


class ServicesFactory:
    """Builds services for one test (or one fixture) and closes every one it built, in the
    order built, on :meth:`close` or when its ``with`` block ends.

    ``folder`` (a test's ``tmp_path``) holds the stores :meth:`store` names; ``clock`` is
    the default clock of the services built.
    """

    def __init__(self, folder: Path | None = None, *, clock: TestClock | None = None) -> None:
        self.folder = folder
        self.clock = clock
        self.made: list[Services] = []

    def store(self, name: str | None = None, *, copy_of: Path | None = None) -> Path:
        """A store file in the folder, ``name`` or ``store<n>.db`` (n: services built so far),
        a copy of the store ``copy_of`` when given."""
        assert self.folder is not None, "a ServicesFactory without a folder names no store"
        db = self.folder / (name or f"store{len(self.made)}.db")
        if copy_of is not None:
            shutil.copy(copy_of, db)
        return db

    def __call__(self, settings: Settings, *, clock: TestClock | None = None,
                 connect_odoo: Connector | None = None) -> Services:
        services = new_services(settings, clock=clock if clock is not None else self.clock,
                                connect_odoo=connect_odoo)
        self.made.append(services)
        return services

    def close(self) -> None:
        for services in self.made:
            services.close()

    def __enter__(self) -> ServicesFactory:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def watching(services: Services, since: datetime | None = None) -> None:
    """hypercare has been sweeping this store until ``since`` (default: a minute before the
    services' clock): what a sweep finds after that is news, not a baseline (issue 28)."""
    from datetime import timedelta

    from hypercare.services.triage.baseline import record_sweep

    moment = since or services.context.clock() - timedelta(minutes=1)
    with services.context.store().session() as session:
        record_sweep(moment, session=session)
