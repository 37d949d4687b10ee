"""HTTP front of the simulator: routing, request counting and fault injection."""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .rpc import Backend, json2_call, jsonrpc_envelope

FAULT_KINDS = frozenset({"http_500", "http_502", "http_503", "http_504", "html_page",
                         "timeout", "reset"})
NOT_FOUND_HTML = (
    "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
    "<p>The requested URL was not found on the server. If you entered the URL manually please "
    "check your spelling and try again.</p>\n"
)
ERROR_PAGE = (
    "<!DOCTYPE html><html><head><title>Odoo</title></head><body>"
    "<div class='o_error_detail'><h1>Internal Server Error</h1><p>The server encountered an "
    "internal error and was unable to complete your request.</p></div></body></html>"
)
GATEWAY = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
           504: "Gateway Time-out"}


@dataclass
class Fault:
    kind: str
    count: int
    path_prefix: str | None
    after: int
    delay: float


class FaultPlan:
    """Thread-safe queue of injected faults."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        if fault.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {fault.kind!r}; "
                             f"choose from {sorted(FAULT_KINDS)}")
        with self._lock:
            self._faults.append(fault)

    def take(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.count <= 0 or (fault.path_prefix and not path.startswith(
                        fault.path_prefix)):
                    continue
                if fault.after > 0:
                    fault.after -= 1
                    return None
                fault.count -= 1
                return fault
            self._faults = [f for f in self._faults if f.count > 0]
            return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()


class SimHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr: tuple[str, int], backend: Backend, faults: FaultPlan,
                 before_request: Callable[[], None]) -> None:
        super().__init__(addr, Handler)
        self.backend = backend
        self.faults = faults
        self.before_request = before_request
        self.stopping = threading.Event()
        self.counts_lock = threading.Lock()
        self.paths: list[str] = []


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out without a delayed-ACK stall
    server: SimHTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    # -- plumbing -------------------------------------------------------------
    def _handle(self, verb: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path = self.path.split("?", 1)[0]
        with self.server.counts_lock:
            self.server.paths.append(path)
        fault = self.server.faults.take(path)
        if fault is not None and self._apply_fault(fault):
            return
        self.server.before_request()
        backend = self.server.backend
        if path == "/web/webclient/version_info":
            req_id = _json_id(raw)
            self._json(200, {"jsonrpc": "2.0", "id": req_id, "result": backend.server_version()})
        elif path == "/web/version" or (path == "/json/version" and backend.major >= 19):
            self._json(200, {"version_info": backend.version_info(), "version": backend.version})
        elif path == "/jsonrpc" and verb == "POST":
            try:
                payload = json.loads(raw or b"null")
            except ValueError:
                self._send(400, b"Invalid JSON data", "text/plain; charset=utf-8")
                return
            self._json(200, jsonrpc_envelope(backend, payload))
        elif path.startswith("/json/2/") and backend.major >= 19:
            self._json2(verb, path, raw)
        else:
            self._send(404, NOT_FOUND_HTML.encode(), "text/html; charset=utf-8")

    def _json2(self, verb: str, path: str, raw: bytes) -> None:
        parts = path[len("/json/2/"):].split("/")
        if verb != "POST" or len(parts) != 2 or not all(parts):
            body = {"name": "werkzeug.exceptions.NotFound",
                    "message": "404 Not Found: Did you mean POST /json/2/<model>/<method>?",
                    "arguments": [], "context": {}, "debug": ""}
            self._json(404, body)
            return
        try:
            payload = json.loads(raw or b"{}")
        except ValueError:
            self._send(400, b"Invalid JSON data", "text/plain; charset=utf-8")
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, body = json2_call(self.server.backend, parts[0], parts[1], headers, payload)
        self._json(status, body)

    def _apply_fault(self, fault: Fault) -> bool:
        if fault.kind == "reset":
            self._reset()
            return True
        if fault.kind == "timeout":
            deadline = time.monotonic() + fault.delay
            while time.monotonic() < deadline and not self.server.stopping.is_set():
                time.sleep(0.02)
            self._reset()
            return True
        if fault.kind == "html_page":
            self._send(200, ERROR_PAGE.encode(), "text/html; charset=utf-8")
            return True
        status = int(fault.kind.split("_")[1])
        page = f"<html><head><title>{status} {GATEWAY[status]}</title></head><body><center>" \
               f"<h1>{status} {GATEWAY[status]}</h1></center><hr><center>nginx</center>" \
               "</body></html>"
        self._send(status, page.encode(), "text/html")
        return True

    def _reset(self) -> None:
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass
        self.close_connection = True

    def _json(self, status: int, obj: Any) -> None:
        self._send(status, json.dumps(obj).encode(), "application/json; charset=utf-8")

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Server", "Werkzeug/3.0.1 Python/3.11")
        self.end_headers()
        self.wfile.write(body)


def _json_id(raw: bytes) -> Any:
    try:
        payload = json.loads(raw or b"{}")
    except ValueError:
        return None
    return payload.get("id") if isinstance(payload, dict) else None
