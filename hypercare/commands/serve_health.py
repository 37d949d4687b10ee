"""``GET /healthz`` for ``hypercare serve --health-port N``: JSON a monitor can read.

200 with ``"status": "ok"`` while the store answers, 503 with ``"status": "down"`` and the
reason when it does not. The body says whether this process owns the scheduler, who does,
the last sync, the outbox depth by state (dead letters included), every job's record, and
the escalation levels whose alerts would go to dead letters (``unreachable_levels``: a
level without contacts, or a user group, while ``slack.alerts_channel`` is unset; still 200).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hypercare.web_server import WebServer

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

    from hypercare.services import Services

log = logging.getLogger("hypercare.serve")


def health(services: Services, *, owner: bool, process: str) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body) of the health check."""
    try:
        status = services.sync.sync_status()
        jobs = services.job_records.states()
        depth = services.job_records.outbox_depth()
        scheduler = services.system.scheduler_owner()
    except Exception as exc:  # the store is down: that is the answer
        return 503, {"status": "down", "process": process,
                     "error": f"the store does not answer ({type(exc).__name__})"}
    last = status.runs[0] if status.runs else None
    return 200, {
        "status": "ok", "process": process, "scheduler_owner": owner,
        "scheduler_owned_by": scheduler,
        "last_sync": None if last is None else {
            "status": last.status, "finished_at": _iso(last.finished_at),
            "error": last.error or None},
        "last_good_sync_at": _iso(status.last_good_at), "data_stale": status.stale,
        "outbox": depth,
        "unreachable_levels": services.system.unreachable_levels(),
        "jobs": [{"name": j.name, "schedule": j.schedule, "runs": j.runs,
                  "failures": j.failures, "missed": j.missed, "last_ok": j.last_ok,
                  "last_finished_at": _iso(j.last_finished_at), "last_result": j.last_result,
                  "running": j.running_since is not None,
                  "run_by": j.holder or None, "run_by_command": j.holder_command or None}
                 for j in jobs],
    }


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


class HealthServer:
    """``/healthz`` (anything else: 404) on :class:`~hypercare.web_server.WebServer`."""

    def __init__(self, answer: Callable[[], tuple[int, dict[str, Any]]], *,
                 host: str = "127.0.0.1", port: int = 0) -> None:
        self._answer = answer
        self._web = WebServer(self._wsgi, host=host, port=port, name="healthz", threads=2,
                              connection_limit=20, channel_timeout=10, max_body=1024)

    @property
    def url(self) -> str:
        return self._web.url("/healthz")

    def start(self) -> HealthServer:
        self._web.start()
        return self

    def stop(self) -> None:
        self._web.stop()

    def _wsgi(self, environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return _send(start_response, 405, {"status": "method not allowed", "try": "GET"})
        if str(environ.get("PATH_INFO", "")).rstrip("/") != "/healthz":
            return _send(start_response, 404, {"status": "not found", "try": "/healthz"})
        status, body = self._answer()
        return _send(start_response, status, body)


_REASONS = {200: "OK", 404: "Not Found", 405: "Method Not Allowed", 503: "Service Unavailable"}


def _send(start_response: StartResponse, status: int, body: dict[str, Any]) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(f"{status} {_REASONS.get(status, 'Status')}",
                   [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]
