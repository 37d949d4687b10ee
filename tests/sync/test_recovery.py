"""A sync process killed with SIGKILL recovers cleanly, on SQLite and PostgreSQL:

- killed between deriving a chunk and classifying it, no ticket is left derived but
  unclassified, and the next sync derives and classifies every ticket;
- its run, left ``running``, is stored and shown as ``abandoned`` at the next start, while a
  run genuinely in progress in another live process stays ``running``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlmodel import col, select

from hypercare.config import Settings, SyncSettings
from hypercare.odoo.sim import OdooSimulator
from hypercare.services.context import ServiceContext
from hypercare.services.system.sync import RunView, SyncService
from hypercare.store.engine import Store
from hypercare.store.tables import SyncRun, Ticket, TicketClassification
from hypercare.sync.runner import SyncEngine
from tests.sync.conftest import client_for, engine_for, make_sim, ticket_state

BACKENDS = ["sqlite", "postgres"]

# The child process: a normal `hypercare sync`, except that it kills itself (SIGKILL, as
# `kill -9` would) once the second chunk's derived state is written, before it is classified.
DIE_BETWEEN_DERIVE_AND_CLASSIFY = """
import os, signal, sys
from hypercare.sync import runner

chunks = []

def die(chunk):
    chunks.append(chunk)
    if len(chunks) == 2:
        os.kill(os.getpid(), signal.SIGKILL)

runner.DERIVE_CHUNK = 25
runner.after_derive = die
from hypercare.cli import main
sys.exit(main(["sync"]))
"""


def _env(sim: OdooSimulator, store: Store, **extra: str) -> dict[str, str]:
    return {**os.environ, "HYPERCARE_DATABASE_URL": _url(store),
            "HYPERCARE_ODOO__URL": sim.url, "HYPERCARE_ODOO__DB": "hypercare",
            "HYPERCARE_ODOO__LOGIN": "admin", "HYPERCARE_ODOO__API_KEY": "sim-api-key",
            "HYPERCARE_SYNC__PAGE_SIZE": "10", **extra}


def _url(store: Store) -> str:
    return store.engine.url.render_as_string(hide_password=False)


def _runs(store: Store) -> list[SyncRun]:
    with store.session() as session:
        return list(session.exec(select(SyncRun).order_by(col(SyncRun.id))))


def _status(store: Store) -> dict[int, RunView]:
    """What `sync --status` reads (a process of its own, the wall clock)."""
    context = ServiceContext(settings=Settings(database_url=_url(store)))
    try:
        return {run.run_id: run for run in SyncService(context).sync_status().runs}
    finally:
        context.close()


def _derived_and_classified(store: Store) -> tuple[set[int], set[int], set[int]]:
    """(every ticket, tickets derived, tickets classified), by Odoo id."""
    with store.session() as session:
        tickets = {t.odoo_id: t.needs_derive for t in session.exec(select(Ticket))}
        classified = set(session.exec(select(TicketClassification.ticket_odoo_id)))
    return set(tickets), {k for k, flagged in tickets.items() if not flagged}, classified


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_killed_between_derive_and_classify_then_next_sync_classifies_every_ticket(
        make_store: Callable[[str], Store], backend: str) -> None:
    sim = make_sim(flavor="enterprise", version="19.0", tickets=80)
    try:
        reference = make_store("sqlite")
        engine_for(sim, reference, page_size=10).run()
        store = make_store(backend)
        env = _env(sim, store)

        killed = subprocess.Popen([sys.executable, "-c", DIE_BETWEEN_DERIVE_AND_CLASSIFY],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, stderr = killed.communicate(timeout=180)
        assert killed.returncode == -signal.SIGKILL, stderr.decode()
        tickets, derived, classified = _derived_and_classified(store)
        assert len(tickets) == 80
        assert len(derived) == 25  # the first chunk committed whole, the second not at all
        assert classified == derived  # never derived without being classified
        [run] = _runs(store)
        assert (run.status, run.pid, run.host) == ("running", killed.pid, socket.gethostname())

        finished = subprocess.run([sys.executable, "-m", "hypercare", "sync"], env=env,
                                  capture_output=True, text=True, timeout=180)
        assert finished.returncode == 0, finished.stderr
        assert "sync run 1 was abandoned" in finished.stdout
        tickets, derived, classified = _derived_and_classified(store)
        assert derived == tickets and classified == tickets
        assert ticket_state(store) == ticket_state(reference)  # first responses, reopens
        assert [r.status for r in _runs(store)] == ["abandoned", "ok"]
    finally:
        sim.stop()


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_live_run_stays_running_and_is_abandoned_once_its_process_is_killed(
        make_store: Callable[[str], Store], backend: str) -> None:
    sim = make_sim(flavor="enterprise", version="19.0", tickets=40)
    try:
        store = make_store(backend)
        # Odoo stops answering the second page of tickets: the run is alive, waiting on it
        # (after the first page committed), and holds no transaction meanwhile
        sim.inject_fault("timeout", path_prefix="/json/2/helpdesk.ticket/search_read",
                         after=1, delay=120)
        live = subprocess.Popen([sys.executable, "-m", "hypercare", "sync"],
                                env=_env(sim, store, HYPERCARE_ODOO__TIMEOUT="120"),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            run = _wait_for_a_page(store, live)
            assert _status(store)[run.id or 0].status == "running"
            # the next sync (in this process) starts and ends while the other one runs
            SyncEngine(client_for(sim), store, SyncSettings(page_size=10),
                       clock=lambda: datetime.now(UTC)).run()
            runs = _status(store)
            assert [(r.run_id, r.status) for r in sorted(runs.values(), key=_id)] == [
                (run.id, "running"), ((run.id or 0) + 1, "ok")]
            assert runs[run.id or 0].pid == live.pid
        finally:
            live.send_signal(signal.SIGKILL)
            live.wait(timeout=30)
        view = _status(store)[run.id or 0]
        assert view.status == "abandoned"
        assert f"process {live.pid} on {socket.gethostname()} is gone" in view.notes
        assert view.finished_at == view.heartbeat_at and view.pages >= 1
        stored = {r.id: r for r in _runs(store)}[run.id]
        assert stored.status == "abandoned" and stored.notes == view.notes
        shown = subprocess.run([sys.executable, "-m", "hypercare", "sync", "--status"],
                               env=_env(sim, store, COLUMNS="200"), capture_output=True,
                               text=True, timeout=60)
        assert shown.returncode == 0, shown.stderr
        assert f"run {run.id} abandoned: process {live.pid}" in shown.stdout
        assert "running" not in shown.stdout
    finally:
        sim.stop()


def _id(run: RunView) -> int:
    return run.run_id


def _wait_for_a_page(store: Store, process: subprocess.Popen[bytes]) -> SyncRun:
    """The run of ``process`` once it has committed a page (its heartbeat says so)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the sync ended before it was caught running"
        runs = [r for r in _runs(store) if r.pid == process.pid and r.pages >= 1]
        if runs:
            return runs[0]
        time.sleep(0.1)
    raise AssertionError("the sync never committed a page")
