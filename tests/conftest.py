"""Shared fixtures: an isolated environment per test, SQLite and PostgreSQL stores."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_ENV = "HYPERCARE_TEST_DATABASE_URL"


@pytest.fixture(autouse=True)
def restored_logging() -> Iterator[None]:
    """A test that runs ``hypercare.cli.main`` configures logging for the process (root
    handlers, pinned library loggers); put it back so later tests see pytest's capture."""
    import logging

    from hypercare.logging_setup import PINNED_LOGGERS

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    pinned = {name: logging.getLogger(name).level for name in PINNED_LOGGERS}
    yield
    root.handlers, root.level = handlers, level
    for name, was in pinned.items():
        logging.getLogger(name).setLevel(was)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No HYPERCARE_/SLACK_ variables leak in; user dirs and cwd point into tmp_path."""
    for name in list(os.environ):
        if name.startswith(("HYPERCARE_", "SLACK_")) and name != PG_ENV:
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite store URL in a fresh directory."""
    return f"sqlite:///{tmp_path / 'store' / 'hypercare.db'}"


def _admin_url() -> str | None:
    return os.environ.get(PG_ENV) or None


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards.

    Skips when HYPERCARE_TEST_DATABASE_URL is unset; under CI=true an unset or
    unreachable server fails the test instead.
    """
    import sqlalchemy as sa

    admin = _admin_url()
    in_ci = os.environ.get("CI", "").lower() == "true"
    if admin is None:
        if in_ci:
            pytest.fail(f"{PG_ENV} is not set under CI=true: PostgreSQL tests cannot be skipped")
        pytest.skip(
            f"PostgreSQL tests need {PG_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)"
        )
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    name = f"hc_test_{uuid.uuid4().hex[:12]}"
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        engine.dispose()
        message = f"PostgreSQL at {PG_ENV} is unreachable: {str(exc.orig).strip().splitlines()[0]}"
        if in_ci:
            pytest.fail(message)
        pytest.skip(message)
    url = sa.engine.make_url(admin).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()
