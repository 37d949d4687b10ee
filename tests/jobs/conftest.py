"""Job fixtures: a store synced from the Odoo simulator (copied per test), services on a
driven clock, an empty store, and a port nothing listens on."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from hypercare.config import Settings
from hypercare.jobs.registry import JobSpec, build_jobs
from hypercare.jobs.runner import JobRunner
from hypercare.odoo.sim import OdooSimulator
from hypercare.services import Services
from hypercare.services.system.scheduling import process_name
from tests.support import Clock, ServicesFactory, watching
from tests.sync.conftest import make_sim, odoo_settings

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # a Friday afternoon, days after go-live
LEAD = "lea"
OWNER = process_name()
FINANCE = {"name": "finance", "time": "09:00", "timezone": "Europe/Brussels"}


@dataclass
class World:
    """A simulator and the store synced from it (not swept), which tests copy."""

    sim: OdooSimulator
    golden: Path
    model_dir: Path


def settings_for(world: World | None, db: Path, **extra: Any) -> Settings:
    """Brussels settings on the store ``db``; Odoo is the world's simulator (none without)."""
    values: dict[str, Any] = {
        "database_url": f"sqlite:///{db}", "timezone": "Europe/Brussels",
        "roles": {"leads": [LEAD]}, "standups": [FINANCE],
        "sla": {"calendars": {"default": {"days": "mon-fri", "holidays": ["2026-10-28"]}}}}
    if world is not None:
        values["odoo"] = odoo_settings(world.sim, protocol="json2")
        values["triage"] = {"model_dir": str(world.model_dir)}
    values.update(extra)
    return Settings(**values)


@pytest.fixture(scope="session")
def jobs_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("jobs-world")
    sim = make_sim(flavor="enterprise", version="19.0", tickets=60, days=6, now=NOW)
    world = World(sim, root / "golden.db", root / "models")
    with ServicesFactory(clock=lambda: NOW) as build:
        build(settings_for(world, world.golden)).sync.run_sync()
    try:
        yield world
    finally:
        sim.stop()


@pytest.fixture
def clock() -> Clock:
    """The services' one clock: NOW until a test moves it."""
    return Clock(NOW)


@pytest.fixture
def open_services(jobs_world: World, tmp_path: Path,
                  clock: Clock) -> Iterator[Callable[..., Services]]:
    """``open_services(synced=True, **settings)``: services on the driven clock, on a private
    copy of the synced store (``synced=False``: an empty store and no Odoo)."""
    with ServicesFactory(tmp_path, clock=clock) as made:

        def factory(*, synced: bool = True, **extra: Any) -> Services:
            db = made.store(copy_of=jobs_world.golden if synced else None)
            extra.setdefault("triage", {"model_dir": str(jobs_world.model_dir)})
            services = made(settings_for(jobs_world if synced else None, db, **extra))
            if synced:
                watching(services)  # the command center has been watching since go-live
            return services

        yield factory


def runner_for(services: Services, specs: list[JobSpec] | None = None) -> JobRunner:
    """The named jobs of these services (or ``specs``), run now as ``jobs run NAME`` does."""
    return JobRunner(services, build_jobs(services) if specs is None else specs,
                     leases=services.job_leases("cli"))


def spec_of(services: Services, name: str) -> JobSpec:
    return next(spec for spec in build_jobs(services) if spec.name == name)


def record_of(services: Services, name: str) -> Any:
    """The job's record (``JobStateView``), or None when it never ran."""
    return next((r for r in services.job_records.states() if r.name == name), None)


def closed_port() -> int:
    """A local TCP port nothing listens on (taken from the OS, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
