"""JSON-2 transport (Odoo 19+): ``POST /json/2/<model>/<method>`` with a bearer API key, via httpx.

Named arguments only; ``ids`` and ``context`` are the two special body keys. The API key travels
in the ``Authorization`` header, which httpx never logs; nothing here logs request bodies.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import httpx

from hypercare.errors import OdooAccessError, OdooError, OdooServerError
from hypercare.odoo import faults
from hypercare.odoo.base import BaseClient, redact
from hypercare.odoo.client import ServerInfo, parse_version
from hypercare.odoo.retry import RetryPolicy, TransientError

USER_AGENT = "hypercare (+json2)"


def error_body(response: httpx.Response) -> tuple[str, str]:
    """``(name, message)`` from a JSON-2 error body: an object ``{name, message}`` or a string."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return "", faults.short(response.text)
    if isinstance(body, dict):
        return str(body.get("name") or ""), str(body.get("message") or body.get("error") or "")
    return "", str(body)


def is_html(response: httpx.Response) -> bool:
    return "html" in response.headers.get("content-type", "").lower()


def send(
    http: httpx.Client,
    method: str,
    path: str,
    target: faults.Target,
    timeout: float,
    *,
    body: Any = None,
) -> httpx.Response:
    """One HTTP request; connection failures, timeouts and 502/503/504 become TransientError."""
    try:
        response = http.request(method, path, json=body)
    except httpx.ConnectTimeout:
        raise TransientError(faults.timed_out(target, timeout), maybe_processed=False) from None
    except httpx.TimeoutException:
        raise TransientError(faults.timed_out(target, timeout)) from None
    except httpx.ConnectError as exc:
        reason = str(exc) or "connection failed"
        raise TransientError(faults.unreachable(target, reason), maybe_processed=False) from None
    except (httpx.TransportError, httpx.DecodingError) as exc:
        reason = str(exc) or exc.__class__.__name__
        raise TransientError(faults.unreachable(target, reason)) from None
    status = response.status_code
    if status in (502, 503, 504):
        raise TransientError(faults.bad_gateway(target, status), maybe_processed=status != 503)
    return response


class Json2Client(BaseClient):
    """An :class:`~hypercare.odoo.client.OdooClient` over Odoo 19's JSON-2 API."""

    def __init__(
        self,
        *,
        url: str,
        db: str | None,
        login: str,
        api_key: str,
        timeout: float,
        policy: RetryPolicy,
        version: str,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(policy)
        self._target = faults.Target(url=url, db=db or "", login=login)
        self._timeout = timeout
        self._api_key = api_key
        headers = {
            "Authorization": f"bearer {api_key}",
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
        }
        if db:
            headers["X-Odoo-Database"] = db
        self._http = httpx.Client(
            base_url=url, headers=headers, timeout=timeout, transport=transport
        )
        try:
            context = self._handshake("res.users", "context_get")
        except BaseException:
            self._http.close()
            raise
        uid = int(context.get("uid") or 0) if isinstance(context, dict) else 0
        if not uid:
            self._http.close()
            raise faults.not_odoo(self._target, "a user context without uid")
        major, minor = parse_version(version)
        self._info = ServerInfo(version, major, "json2", uid, minor, url)

    def _send(
        self, model: str, method: str, ids: Sequence[int] | None, kwargs: dict[str, Any]
    ) -> Any:
        target = faults.Target(self._target.url, self._target.db, self._target.login, model, method)
        body = dict(kwargs)
        if ids is not None:
            body["ids"] = list(ids)
        self._count_http()
        response = send(
            self._http, "POST", f"/json/2/{model}/{method}", target, self._timeout, body=body
        )
        return self._answer(response, target)

    def _answer(self, response: httpx.Response, target: faults.Target) -> Any:
        status = response.status_code
        if status == 401:
            raise faults.auth_failed(target, what="API key")
        if is_html(response) and (status >= 500 or status < 300):
            raise TransientError(faults.not_odoo(target, f"an HTML page (HTTP {status})"))
        if status < 300:
            try:
                return response.json()
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise TransientError(
                    faults.not_odoo(target, "something that is not JSON")
                ) from None
        raise self._failure(status, response, target)

    def _failure(self, status: int, response: httpx.Response, target: faults.Target) -> OdooError:
        name, message = error_body(response)
        message = redact(message, [self._api_key])
        lowered = message.lower()
        if status == 403:
            detail = faults.short(message) or "access denied"
            return OdooAccessError(
                f"Odoo denied '{target.login}' access to '{target.model}' ({target.call}): "
                f"{detail}",
                model=target.model,
            )
        if status == 404 and "database" in lowered:
            return faults.database_missing(target)
        if is_html(response):
            return faults.not_odoo(target, f"an HTML page (HTTP {status})")
        if name or status >= 500 or status == 404:
            return faults.from_server_error(target, name, message or f"HTTP {status}")
        detail = faults.short(message) or f"HTTP {status}"
        return OdooServerError(f"Odoo rejected {target.call} (HTTP {status}): {detail}")

    def close(self) -> None:
        super().close()
        self._http.close()
        self._api_key = ""
