"""Sync runs left ``running`` by a process that is gone, on SQLite and PostgreSQL: which ones
are abandoned (a dead pid on this host, a stale heartbeat on any host, an old run recorded
before heartbeats), which stay running, and migration 0013 -> 0014."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from hypercare.config import Settings
from hypercare.services.context import ServiceContext
from hypercare.services.system.sync import SyncService
from hypercare.store import sync_state
from hypercare.store.engine import Store, create_store_engine
from hypercare.store.schema import SCHEMA_HEAD, upgrade_schema
from hypercare.store.tables import SyncRun
from hypercare.sync import liveness
from tests.store.conftest import BACKENDS
from tests.store.test_affected_signals import _alembic

NOW = datetime(2026, 12, 7, 22, 0, tzinfo=UTC)
HERE = liveness.this_process()


def _dead_pid() -> int:
    """The pid of a process of this host that has ended (and was reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait(timeout=30)
    return process.pid


def _add(store: Store, *, beat_minutes_ago: float | None, pid: int | None = None,
         host: str = "", status: str = "running", started_minutes_ago: float = 30) -> int:
    run = SyncRun(started_at=NOW - timedelta(minutes=started_minutes_ago), status=status,
                  pid=pid, host=host,
                  heartbeat_at=None if beat_minutes_ago is None
                  else NOW - timedelta(minutes=beat_minutes_ago))
    with store.session() as session:
        session.add(run)
        session.flush()
        assert run.id is not None
        return run.id


def _statuses(store: Store) -> dict[int, str]:
    with store.session() as session:
        return {r.id or 0: r.status for r in session.exec(select(SyncRun).order_by(
            col(SyncRun.id)))}


def test_which_runs_are_abandoned(store: Store) -> None:
    alive_here = _add(store, beat_minutes_ago=1, pid=HERE.pid, host=HERE.host)
    dead_here = _add(store, beat_minutes_ago=0, pid=_dead_pid(), host=HERE.host)
    elsewhere_fresh = _add(store, beat_minutes_ago=4, pid=HERE.pid, host="other-machine")
    elsewhere_stale = _add(store, beat_minutes_ago=6, pid=HERE.pid, host="other-machine")
    alive_but_silent = _add(store, beat_minutes_ago=30, pid=HERE.pid, host=HERE.host)
    old_recent = _add(store, beat_minutes_ago=None, started_minutes_ago=2)
    old_stale = _add(store, beat_minutes_ago=None, started_minutes_ago=60)
    finished = _add(store, beat_minutes_ago=60, pid=_dead_pid(), host=HERE.host, status="ok")

    with store.session() as session:
        found = liveness.abandon_dead_runs(now=NOW, session=session, here=HERE)
    assert set(found) == {dead_here, elsewhere_stale, alive_but_silent, old_stale}
    assert "is gone" in found[dead_here]
    assert "no sign of life for over 5 minutes" in found[elsewhere_stale]
    assert _statuses(store) == {
        alive_here: "running", dead_here: "abandoned", elsewhere_fresh: "running",
        elsewhere_stale: "abandoned", alive_but_silent: "abandoned", old_recent: "running",
        old_stale: "abandoned", finished: "ok"}
    with store.session() as session:
        runs = {r.id: r for r in session.exec(select(SyncRun))}
        assert runs[elsewhere_stale].finished_at == NOW - timedelta(minutes=6)
        assert runs[old_stale].finished_at == NOW - timedelta(minutes=60)
        assert runs[dead_here].notes.startswith("abandoned: process ")
        assert "the next sync resumes" in runs[dead_here].notes
    with store.session() as session:  # found once: nothing left to abandon
        assert liveness.abandon_dead_runs(now=NOW, session=session, here=HERE) == {}


def test_a_run_that_ended_meanwhile_keeps_its_end(store: Store) -> None:
    run_id = _add(store, beat_minutes_ago=30, pid=HERE.pid, host="other-machine")
    with store.session() as session:
        sync_state.finish_run(run_id, finished_at=NOW, status="ok", pages=3, rows={},
                              rpc_calls={}, pull_seconds=1.0, derive_seconds=0.1,
                              session=session)
    with store.session() as session:
        assert not sync_state.mark_abandoned(run_id, finished_at=NOW, note="abandoned: x",
                                             session=session)
    assert _statuses(store) == {run_id: "ok"}


def test_sync_status_stores_and_shows_abandoned_runs(store: Store) -> None:
    live = _add(store, beat_minutes_ago=0.5, pid=HERE.pid, host=HERE.host)
    dead = _add(store, beat_minutes_ago=0.5, pid=_dead_pid(), host=HERE.host)
    context = ServiceContext(settings=Settings(
        database_url=store.engine.url.render_as_string(hide_password=False)),
        clock=lambda: NOW)
    try:
        runs = {r.run_id: r for r in SyncService(context).sync_status().runs}
    finally:
        context.close()
    assert runs[live].status == "running" and runs[live].duration is None
    assert runs[dead].status == "abandoned"
    assert runs[dead].finished_at == NOW - timedelta(minutes=0.5)
    assert runs[dead].duration == timedelta(minutes=29.5)
    assert _statuses(store) == {live: "running", dead: "abandoned"}


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_from_0013_adds_heartbeat_pid_and_host(
        backend: str, request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url")
    engine = create_store_engine(url)
    try:
        _alembic(engine, "upgrade", "0013")
        with engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO sync_run (started_at, status, reconcile, pages, rows, rpc_calls, "
                "pull_seconds, derive_seconds, error, notes) VALUES (:at, "
                "'running', false, 4, '{}', '{}', 0, 0, '', '')"),
                {"at": NOW - timedelta(hours=3)})
        assert upgrade_schema(engine) == ("0013", SCHEMA_HEAD)
        columns = {c["name"]: c for c in sa.inspect(engine).get_columns("sync_run")}
        assert {"heartbeat_at", "pid", "host"} <= set(columns)
        assert not columns["host"]["nullable"]
        store = Store(engine)
        with store.session() as session:
            [old] = session.exec(select(SyncRun)).all()
            assert (old.heartbeat_at, old.pid, old.host) == (None, None, "")
            # killed before this release: judged by when it started
            assert liveness.abandon_dead_runs(now=NOW, session=session, here=HERE) == {
                old.id: liveness.why_abandoned(old, now=NOW, here=HERE)}
            run_id = sync_state.start_run(started_at=NOW, reconcile=False, pid=HERE.pid,
                                          host=HERE.host, session=session)
        with store.session() as session:
            new = session.get(SyncRun, run_id)
            assert new is not None
            assert (new.heartbeat_at, new.pid, new.host) == (NOW, HERE.pid, HERE.host)
        assert _statuses(store) == {old.id: "abandoned", run_id: "running"}
        _alembic(engine, "downgrade", "0013")
        columns = {c["name"] for c in sa.inspect(engine).get_columns("sync_run")}
        assert not {"heartbeat_at", "pid", "host"} & columns
    finally:
        engine.dispose()
