"""Fixtures: one shared model cache per test session (fitting takes a second or two)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hypercare.config import Settings, TriageSettings
from hypercare.services import Services
from tests.support import ServicesFactory


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture
def services(sqlite_url: str, model_dir: Path) -> Iterator[Services]:
    """Services on a fresh SQLite store, sharing the session's model cache."""
    settings = Settings(database_url=sqlite_url, triage=TriageSettings(model_dir=model_dir))
    with ServicesFactory() as build:
        yield build(settings)
