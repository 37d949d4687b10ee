"""``GET /healthz`` over real HTTP: what a monitor reads while the store answers (owner,
outbox depth, jobs and their runs), 404 elsewhere, 503 when the store is gone."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from hypercare.commands.serve_health import HealthServer, health
from hypercare.services import Services
from hypercare.wiring import build_services
from tests.jobs.conftest import OWNER, closed_port, runner_for, settings_for
from tests.support import Clock


def get(url: str) -> tuple[int, str, dict[str, Any]]:
    """(status, content type, JSON body) whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.headers["Content-Type"], json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], json.loads(error.read())


@pytest.fixture
def serve() -> Iterator[Callable[[Services, bool], HealthServer]]:
    """``serve(services, owner)``: a started health server on a free port, stopped after."""
    servers: list[HealthServer] = []

    def start(services: Services, owner: bool) -> HealthServer:
        server = HealthServer(lambda: health(services, owner=owner, process=OWNER)).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def test_healthz_reports_owner_outbox_and_jobs(open_services: Callable[..., Services],
                                               serve: Callable[[Services, bool],
                                                               HealthServer]) -> None:
    services = open_services()
    runner = runner_for(services)
    assert runner.run("triage_sweep").ok  # escalations: messages wait in the outbox
    assert runner.run("triage_sweep").ok
    assert runner.run("standup_digest:finance").ok  # Friday 16:00: today's digest, queued
    queued = Counter(m.state for m in services.sla.list_outbox(limit=10_000))
    assert queued["pending"] > 1 and not queued["sent"]
    lease = services.job_leases("serve")
    assert lease.claim_serve()
    try:
        server = serve(services, True)
        assert server.url.startswith("http://127.0.0.1:") and server.url.endswith("/healthz")
        status, kind, body = get(server.url)
    finally:
        lease.release_all()

    assert (status, kind) == (200, "application/json")
    assert body["status"] == "ok" and body["process"] == OWNER
    assert body["scheduler_owner"] is True and body["scheduler_owned_by"] == OWNER
    assert body["outbox"] == dict(queued)
    jobs = {job["name"]: job for job in body["jobs"]}
    assert set(jobs) == {"triage_sweep", "standup_digest:finance"}  # the ones that ran
    sweep = jobs["triage_sweep"]
    assert (sweep["runs"], sweep["failures"], sweep["missed"]) == (2, 0, 0)
    assert sweep["schedule"] == "every 60 s" and sweep["last_ok"] is True
    assert sweep["running"] is False and "tickets swept" in sweep["last_result"]
    assert jobs["standup_digest:finance"]["last_result"] == "digest queued"
    assert body["last_sync"]["status"] == "ok" and body["data_stale"] is False

    again = get(server.url)[2]  # the lease released: nobody owns the scheduler now
    assert again["scheduler_owned_by"] is None


def test_a_process_not_owning_the_scheduler_says_so(
        open_services: Callable[..., Services],
        serve: Callable[[Services, bool], HealthServer]) -> None:
    services = open_services(synced=False)
    status, _, body = get(serve(services, False).url)
    assert status == 200 and body["status"] == "ok"
    assert body["scheduler_owner"] is False and body["scheduler_owned_by"] is None
    assert body["outbox"] == {} and body["jobs"] == []
    assert body["last_sync"] is None and body["data_stale"] is True  # never synced


def test_any_other_path_is_404(open_services: Callable[..., Services],
                               serve: Callable[[Services, bool], HealthServer]) -> None:
    url = serve(open_services(synced=False), True).url
    root = url.removesuffix("/healthz")
    for path in ("/", "/health", "/healthz/jobs", "/metrics"):
        status, _, body = get(root + path)
        assert status == 404 and body["try"] == "/healthz", path
    assert get(url + "?verbose=1")[0] == 200


def test_healthz_is_503_when_the_store_cannot_be_reached(
        clock: Clock, tmp_path: Any,
        serve: Callable[[Services, bool], HealthServer]) -> None:
    url = f"postgresql+psycopg://hypercare:secret@127.0.0.1:{closed_port()}/no_such_db"
    services = build_services(settings_for(None, tmp_path / "unused.db", database_url=url),
                              clock=clock)  # built lazily: nothing is opened yet
    try:
        status, kind, body = get(serve(services, True).url)
    finally:
        services.close()
    assert (status, kind) == (503, "application/json")
    assert body["status"] == "down" and body["process"] == OWNER
    assert "store does not answer" in body["error"]
    assert "secret" not in json.dumps(body)  # no credentials in what a monitor shows
    assert "jobs" not in body
