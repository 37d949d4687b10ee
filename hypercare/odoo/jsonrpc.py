"""JSON-RPC transport (Odoo up to 21) through odoorpc 0.10.1.

odoorpc resends the password or API key with every ``/jsonrpc`` call and, at DEBUG, logs each
request payload *including* it. :func:`silence_odoorpc` pins its loggers at WARNING and adds a
filter on the logger that emits those lines, so nothing below WARNING ever leaves odoorpc,
whatever the root logger's level.
"""

from __future__ import annotations

import http.client
import json
import logging
import socket
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

import odoorpc

from hypercare.errors import OdooError
from hypercare.odoo import faults
from hypercare.odoo.base import BaseClient, redact
from hypercare.odoo.client import HANDSHAKE, ServerInfo, parse_version
from hypercare.odoo.retry import RetryPolicy, TransientError, run_with_retry

_ODOORPC_LOGGERS = ("odoorpc", "odoorpc.rpc", "odoorpc.rpc.jsonrpclib")


class _DropBelowWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING


_FILTER = _DropBelowWarning()


def silence_odoorpc() -> None:
    """Keep odoorpc's request logs (which carry the password) out of every log (idempotent)."""
    for name in _ODOORPC_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.WARNING)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


class _Opener:
    """urllib opener for odoorpc: adds the URL's path prefix and counts requests."""

    def __init__(self, prefix: str, on_request: Callable[[], None]) -> None:
        self._inner = urllib.request.build_opener()
        self._prefix = prefix
        self._on_request = on_request

    def open(self, request: urllib.request.Request, timeout: float | None = None) -> Any:
        if self._prefix:
            parts = urlsplit(request.full_url)
            request.full_url = parts._replace(path=self._prefix + parts.path).geturl()
        self._on_request()
        return self._inner.open(request, timeout=timeout)


def split_url(url: str) -> tuple[str, str, int, str]:
    """``(odoorpc protocol, host, port, path prefix)`` for a base URL."""
    parts = urlsplit(url)
    ssl = parts.scheme == "https"
    port = parts.port or (443 if ssl else 80)
    return ("jsonrpc+ssl" if ssl else "jsonrpc"), parts.hostname or "", port, parts.path.rstrip("/")


class JsonRpcClient(BaseClient):
    """An :class:`~hypercare.odoo.client.OdooClient` over ``/jsonrpc`` (odoorpc)."""

    def __init__(
        self,
        *,
        url: str,
        db: str,
        login: str,
        secret: str,
        timeout: float,
        policy: RetryPolicy,
        version: str | None = None,
    ) -> None:
        super().__init__(policy)
        silence_odoorpc()
        self._target = faults.Target(url=url, db=db, login=login)
        self._timeout = timeout
        self._secret = secret
        protocol, host, port, prefix = split_url(url)
        opener = _Opener(prefix, self._count_http)
        target = faults.Target(url=url, db=db, login=login, method="/web/webclient/version_info")

        def make() -> Any:
            return self._guard(
                lambda: odoorpc.ODOO(
                    host,
                    protocol=protocol,
                    port=port,
                    timeout=timeout,
                    version=version,
                    opener=opener,
                ),
                target,
            )

        if not version:
            with self._lock:
                self._calls[HANDSHAKE] += 1
        self._odoo = run_with_retry(make, policy, on_retry=self._on_retry)
        uid = self._login()
        server_version = str(self._odoo.version or version or "")
        major, minor = parse_version(server_version)
        self._info = ServerInfo(server_version, major, "jsonrpc", uid, minor, url)

    def _login(self) -> int:
        target = faults.Target(**{**self._target.__dict__, "method": "common.login"})

        def attempt() -> int:
            self._guard(
                lambda: self._odoo.login(self._target.db, self._target.login, self._secret), target
            )
            return int(self._odoo.env.uid)

        with self._lock:
            self._calls[HANDSHAKE] += 2  # common.login + res.users.context_get
        return run_with_retry(attempt, self._policy, on_retry=self._on_retry)

    def _send(
        self, model: str, method: str, ids: Sequence[int] | None, kwargs: dict[str, Any]
    ) -> Any:
        if method == "create":
            args: list[Any] = [kwargs.pop("vals_list")]
        else:
            args = [list(ids)] if ids is not None else []
        target = faults.Target(self._target.url, self._target.db, self._target.login, model, method)
        return self._guard(lambda: self._odoo.execute_kw(model, method, args, kwargs), target)

    def _guard(self, action: Callable[[], Any], target: faults.Target) -> Any:
        """Run one odoorpc action, translating every failure (never echoing the secret)."""
        try:
            return action()
        except odoorpc.error.RPCError as exc:
            raise self._rpc_error(exc, target) from None
        except urllib.error.HTTPError as exc:
            raise self._http_error(
                exc.code, str(exc.headers.get("Content-Type", "") if exc.headers else ""), target
            ) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                raise TransientError(faults.timed_out(target, self._timeout)) from None
            refused = isinstance(exc.reason, ConnectionRefusedError | socket.gaierror)
            raise TransientError(
                faults.unreachable(target, str(exc.reason)), maybe_processed=not refused
            ) from None
        except TimeoutError:
            raise TransientError(faults.timed_out(target, self._timeout)) from None
        except ConnectionError as exc:
            raise TransientError(
                faults.unreachable(target, exc.__class__.__name__),
                maybe_processed=not isinstance(exc, ConnectionRefusedError),
            ) from None
        except (http.client.HTTPException, json.JSONDecodeError, UnicodeDecodeError):
            raise TransientError(
                faults.not_odoo(target, "something that is not JSON (an HTML page?)")
            ) from None
        except (KeyError, TypeError) as exc:  # a JSON answer without the JSON-RPC envelope
            raise faults.not_odoo(target, f"unexpected JSON ({exc.__class__.__name__})") from None

    def _rpc_error(self, exc: Exception, target: faults.Target) -> OdooError:
        info = getattr(exc, "info", None)
        if not isinstance(info, dict):
            if "wrong login" in str(exc).lower():
                return faults.auth_failed(target)
            return faults.from_server_error(target, "RPCError", redact(str(exc), [self._secret]))
        data = info.get("data") or {}
        name = str(data.get("name") or "")
        message = str(data.get("message") or info.get("message") or "")
        return faults.from_server_error(target, name, redact(message, [self._secret]))

    def _http_error(self, status: int, content_type: str, target: faults.Target) -> Exception:
        if status in (502, 503, 504):
            return TransientError(faults.bad_gateway(target, status), maybe_processed=status != 503)
        if "html" in content_type.lower():
            return TransientError(faults.not_odoo(target, f"an HTML page (HTTP {status})"))
        return faults.not_odoo(target, f"HTTP {status}")

    def close(self) -> None:
        super().close()
        self._secret = ""
