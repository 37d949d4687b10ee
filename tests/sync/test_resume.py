"""An Odoo that dies mid-sync, and a sync process killed at a random point, lose nothing."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable

import pytest
from sqlmodel import select

from hypercare.errors import SyncError
from hypercare.odoo.sim import OdooSimulator
from hypercare.store.engine import Store
from hypercare.store.tables import SyncRun, Ticket, TicketEvent
from tests.sync.conftest import engine_for, event_state, make_sim, ticket_state


def assert_consistent(store: Store) -> None:
    """No half-written page: every stored ticket is complete, events are unique."""
    with store.session() as session:
        tickets = list(session.exec(select(Ticket)))
        events = list(session.exec(select(TicketEvent)))
    assert all(t.ref and t.title and t.updated_at for t in tickets)
    keys = [(e.ticket_odoo_id, e.source_key) for e in events]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(("backend", "seed"), [("sqlite", 1), ("sqlite", 2), ("sqlite", 3),
                                               ("postgres", 4)])
def test_odoo_dying_mid_sync_then_resume_converges(
    make_store: Callable[[str], Store], backend: str, seed: int
) -> None:
    rng = random.Random(seed)
    sim = make_sim(flavor=rng.choice(["enterprise", "oca"]), version="19.0", tickets=60)
    try:
        reference = make_store("sqlite")
        engine_for(sim, reference, page_size=7).run()

        store = make_store(backend)
        engine = engine_for(sim, store, page_size=7)
        failures = 0
        for _ in range(3):  # the server dies at a random request, three times over
            sim.inject_fault(rng.choice(["reset", "http_502", "html_page"]),
                             after=rng.randint(3, 25))
            try:
                engine.run()
            except SyncError as exc:
                failures += 1
                assert "sync stopped" in exc.message
                assert "continues" in exc.hint
            assert_consistent(store)
            sim.clear_faults()
        engine.run()
        assert failures >= 1
        assert ticket_state(store) == ticket_state(reference)
        assert event_state(store) == event_state(reference)
        with store.session() as session:
            runs = list(session.exec(select(SyncRun).order_by(SyncRun.id)))  # type: ignore[arg-type]
        failed = [run for run in runs if run.status == "failed"]
        assert len(failed) == failures
        assert all(run.error for run in failed)
        assert runs[-1].status == "ok"
    finally:
        sim.stop()


@pytest.mark.slow
@pytest.mark.parametrize("seed", [11, 12])
def test_sync_process_killed_at_random_then_resumed(
    tmp_path: object, make_store: Callable[[str], Store], seed: int
) -> None:
    rng = random.Random(seed)
    sim: OdooSimulator = make_sim(flavor="enterprise", version="19.0", tickets=250)
    try:
        reference = make_store("sqlite")
        engine_for(sim, reference, page_size=10).run()
        store = make_store("sqlite")
        url = str(store.engine.url)
        env = {**os.environ, "HYPERCARE_DATABASE_URL": url, "HYPERCARE_ODOO__URL": sim.url,
               "HYPERCARE_ODOO__DB": "hypercare", "HYPERCARE_ODOO__LOGIN": "admin",
               "HYPERCARE_ODOO__API_KEY": "sim-api-key", "HYPERCARE_SYNC__PAGE_SIZE": "10"}
        for _ in range(2):
            process = subprocess.Popen([sys.executable, "-m", "hypercare", "sync"], env=env,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.8, 2.5))
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            assert_consistent(store)
        finished = subprocess.run([sys.executable, "-m", "hypercare", "sync"], env=env,
                                  capture_output=True, text=True, timeout=120)
        assert finished.returncode == 0, finished.stderr
        assert ticket_state(store) == ticket_state(reference)
        assert event_state(store) == event_state(reference)
    finally:
        sim.stop()
