"""Fixtures of the pack tests: one simulated world per module (see ``support``), services on a
private copy of its store with a clock starting at Monday 2026-11-23 09:30 Brussels."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hypercare.services import Services
from tests.packs.support import NOW, pack_world
from tests.services.test_home import World, services_factory
from tests.support import Clock


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from pack_world(tmp_path_factory.mktemp("pack-world"))


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def open_services(world: World, tmp_path: Path,
                  clock: Clock) -> Iterator[Callable[..., Services]]:
    yield from services_factory(tmp_path, clock, world)


@pytest.fixture
def services(open_services: Callable[..., Services]) -> Services:
    return open_services()
