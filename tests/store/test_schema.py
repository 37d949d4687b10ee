"""Migrations on SQLite and PostgreSQL: upgrade, idempotency, version checks, concurrency."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from hypercare.config import Settings
from hypercare.errors import SchemaAheadError, SchemaBehindError
from hypercare.services import ServiceContext
from hypercare.store.engine import create_store_engine
from hypercare.store.schema import (
    MIGRATIONS_DIR,
    SCHEMA_HEAD,
    SCHEMA_REVISIONS,
    SchemaState,
    ensure_schema,
    schema_status,
    upgrade_schema,
)
from hypercare.store.tables import SyncRun


def test_code_head_matches_the_migration_scripts() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    script = ScriptDirectory.from_config(config)
    assert script.get_current_head() == SCHEMA_HEAD
    ordered = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    assert tuple(ordered) == SCHEMA_REVISIONS


def _assert_migrated_matches_tables(url: str) -> None:
    """The migrated schema equals what tables.py declares (no autogenerate diff)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    engine = create_store_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()
    assert diff == []


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_upgrade_empty_store_then_idempotent(backend: str, request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url")
    engine = create_store_engine(url)
    try:
        assert schema_status(engine).state is SchemaState.EMPTY
        assert upgrade_schema(engine) == (None, SCHEMA_HEAD)
        assert schema_status(engine).state is SchemaState.CURRENT
        assert upgrade_schema(engine) == (SCHEMA_HEAD, SCHEMA_HEAD)
    finally:
        engine.dispose()
    _assert_migrated_matches_tables(url)


def test_sqlite_store_upgrades_itself_on_first_use(sqlite_url: str) -> None:
    context = ServiceContext(settings=Settings(database_url=sqlite_url))
    try:
        store = context.store()
        with store.session() as session:
            session.add(SyncRun(started_at=datetime.now(UTC)))
        assert schema_status(store.engine).state is SchemaState.CURRENT
    finally:
        context.close()


def test_sqlite_pragmas(sqlite_url: str) -> None:
    engine = create_store_engine(sqlite_url)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
    finally:
        engine.dispose()


def test_postgres_behind_asks_for_db_upgrade(pg_url: str) -> None:
    engine = create_store_engine(pg_url)
    try:
        with pytest.raises(SchemaBehindError) as info:
            ensure_schema(engine)
        assert "empty" in info.value.message
        assert "hypercare db upgrade" in info.value.hint
        assert schema_status(engine).state is SchemaState.EMPTY  # nothing was created
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_schema_newer_than_code_is_a_clear_error(
    backend: str, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url")
    engine = create_store_engine(url)
    try:
        upgrade_schema(engine)
        with engine.begin() as connection:
            connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
        with pytest.raises(SchemaAheadError) as info:
            ensure_schema(engine)
        assert "9999" in info.value.message
        assert "Upgrade hypercare" in info.value.hint
    finally:
        engine.dispose()


def test_concurrent_db_upgrade_on_postgres_do_not_collide(pg_url: str) -> None:
    command = [sys.executable, "-m", "hypercare", "--database-url", pg_url, "db", "upgrade"]
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    results = [
        (run.wait(timeout=120), run.stdout.read(), run.stderr.read())  # type: ignore[union-attr]
        for run in runs
    ]
    assert [code for code, _, _ in results] == [0, 0, 0, 0], results
    outputs = [out for _, out, _ in results]
    assert sum("upgraded" in out for out in outputs) == 1, outputs
    assert sum("nothing to do" in out for out in outputs) == 3, outputs
    assert "pass" not in " ".join(outputs)  # the URL's password is never echoed


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_datetimes_come_back_as_aware_utc(backend: str, request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url")
    context = ServiceContext(settings=Settings(database_url=url), check_schema=False)
    upgrade_schema(create_store_engine(url))
    brussels = timezone(timedelta(hours=1))
    local = datetime(2026, 11, 23, 9, 30, tzinfo=brussels)
    try:
        store = context.store()
        with store.session() as session:
            run = SyncRun(started_at=local)
            session.add(run)
            session.flush()
            run_id = run.id
        with store.session() as session:
            loaded = session.get(SyncRun, run_id)
            assert loaded is not None and loaded.started_at is not None
            assert loaded.started_at.tzinfo is not None
            assert loaded.started_at == local
            assert loaded.started_at.utcoffset() == timedelta(0)
        with (
            pytest.raises(sa.exc.StatementError, match="naive datetime"),
            store.session() as session,
        ):
            session.add(SyncRun(started_at=datetime(2026, 1, 1)))
            session.flush()
    finally:
        context.close()
