"""``GET /healthz`` for ``hypercare serve --health-port N``: JSON a monitor can read.

200 with ``"status": "ok"`` while the store answers, 503 with ``"status": "down"`` and the
reason when it does not. The body says whether this process owns the scheduler, who does,
the last sync, the outbox depth by state (dead letters included) and every job's record.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
        "jobs": [{"name": j.name, "schedule": j.schedule, "runs": j.runs,
                  "failures": j.failures, "missed": j.missed, "last_ok": j.last_ok,
                  "last_finished_at": _iso(j.last_finished_at), "last_result": j.last_result,
                  "running": j.running_since is not None} for j in jobs],
    }


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


class HealthServer:
    """A threaded HTTP server answering ``/healthz`` (anything else: 404)."""

    def __init__(self, answer: Callable[[], tuple[int, dict[str, Any]]], *,
                 host: str = "127.0.0.1", port: int = 0) -> None:
        handler = type("_Health", (_Handler,), {"answer": staticmethod(answer)})
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="healthz",
                                        daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else str(host)
        return f"http://{name}:{port}/healthz"

    def start(self) -> HealthServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class _Handler(BaseHTTPRequestHandler):
    answer: Callable[[], tuple[int, dict[str, Any]]]

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: monitors poll often."""

    def do_GET(self) -> None:
        if self.path.split("?")[0].rstrip("/") != "/healthz":
            self._send(404, {"status": "not found", "try": "/healthz"})
            return
        status, body = self.answer()
        self._send(status, body)

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
