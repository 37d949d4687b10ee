"""``connect(settings)``: learn the server version, pick the transport, log in.

``protocol=auto`` asks ``GET /web/version`` (Odoo 19+), falling back to the JSON-RPC
``/web/webclient/version_info`` route every version has, and picks JSON-2 on Odoo 19+ when an
API key is configured, JSON-RPC otherwise.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from hypercare.config import OdooSettings
from hypercare.errors import ConfigError
from hypercare.odoo import faults
from hypercare.odoo.base import BaseClient
from hypercare.odoo.client import OdooClient, Transport, parse_version
from hypercare.odoo.json2 import Json2Client, is_html, send
from hypercare.odoo.jsonrpc import JsonRpcClient
from hypercare.odoo.retry import RetryPolicy, TransientError, run_with_retry

_VERSION_INFO = {"jsonrpc": "2.0", "method": "call", "params": {}, "id": 1}


@dataclass(frozen=True)
class Plan:
    """Which transport to use and why (``probe`` prints the reason)."""

    transport: Transport
    reason: str
    version: str


def require(settings: OdooSettings) -> tuple[str, str, str]:
    """``(url, db, login)``, or a ConfigError naming the missing variable."""
    values = (("url", settings.url), ("db", settings.db), ("login", settings.login))
    for name, value in values:
        if not value:
            raise ConfigError(
                f"odoo.{name} is not set",
                hint=f"Set HYPERCARE_ODOO__{name.upper()} (or odoo.{name} in hypercare.toml).",
            )
    url, db, login = (str(value) for _, value in values)
    return url.rstrip("/"), db, login


def policy_for(settings: OdooSettings, sleep: Callable[[float], None] | None = None) -> RetryPolicy:
    return RetryPolicy(
        retries=settings.retries, backoff=settings.backoff, sleep=sleep or time.sleep
    )


def detect_version(url: str, timeout: float, policy: RetryPolicy) -> tuple[str, int]:
    """``(version string, HTTP requests sent)``; no authentication needed."""
    target = faults.Target(url=url, method="GET /web/version")
    requests = 0

    def attempt(http: httpx.Client) -> str:
        nonlocal requests
        requests += 1
        response = send(http, "GET", "/web/version", target, timeout)
        found = _version_from(response, "version")
        if found:
            return found
        requests += 1
        legacy = faults.Target(url=url, method="/web/webclient/version_info")
        response = send(
            http, "POST", "/web/webclient/version_info", legacy, timeout, body=_VERSION_INFO
        )
        result = _json(response, legacy)
        if isinstance(result, dict) and isinstance(result.get("result"), dict):
            found = str(result["result"].get("server_version") or "")
        if not found:
            raise faults.not_odoo(legacy, "no Odoo server version")
        return found

    with httpx.Client(base_url=url, timeout=timeout) as http:
        version = run_with_retry(lambda: attempt(http), policy)
    return version, requests


def _version_from(response: httpx.Response, key: str) -> str:
    if response.status_code != 200 or is_html(response):
        return ""
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get(key) or "") if isinstance(body, dict) else ""


def _json(response: httpx.Response, target: faults.Target) -> Any:
    if is_html(response):
        raise TransientError(faults.not_odoo(target, f"an HTML page (HTTP {response.status_code})"))
    try:
        return response.json()
    except ValueError:
        raise TransientError(faults.not_odoo(target, "something that is not JSON")) from None


def plan(settings: OdooSettings, version: str) -> Plan:
    """Pick the transport for a server ``version`` under ``settings.protocol``."""
    major, _ = parse_version(version)
    has_key = settings.resolved_api_key() is not None
    if settings.protocol == "json2":
        if not has_key:
            raise ConfigError(
                "odoo.protocol is 'json2' but no API key is configured",
                hint="Set HYPERCARE_ODOO__API_KEY (or odoo.api_key_file), or use protocol 'auto'.",
            )
        if major < 19:
            raise ConfigError(
                f"odoo.protocol is 'json2' but the server runs Odoo {version} (JSON-2 needs 19+)",
                hint="Set HYPERCARE_ODOO__PROTOCOL to 'auto' or 'jsonrpc'.",
            )
        return Plan("json2", "protocol=json2 is configured", version)
    if settings.protocol == "jsonrpc":
        return Plan("jsonrpc", "protocol=jsonrpc is configured", version)
    if major >= 19 and has_key:
        return Plan("json2", f"Odoo {version} offers JSON-2 and an API key is configured", version)
    why = "no API key is configured" if major >= 19 else f"Odoo {version} has no JSON-2 API"
    return Plan("jsonrpc", f"auto: {why}", version)


def open_client(
    settings: OdooSettings, chosen: Plan, sleep: Callable[[float], None] | None = None
) -> BaseClient:
    """Log in with the planned transport."""
    url, db, login = require(settings)
    policy = policy_for(settings, sleep)
    api_key = settings.resolved_api_key()
    if chosen.transport == "json2":
        assert api_key is not None  # plan() checked it
        return Json2Client(
            url=url,
            db=db,
            login=login,
            api_key=api_key.get_secret_value(),
            timeout=settings.timeout,
            policy=policy,
            version=chosen.version,
        )
    secret = api_key or settings.resolved_password()
    if secret is None:
        raise ConfigError(
            "no Odoo password or API key is configured",
            hint="Set HYPERCARE_ODOO__PASSWORD or HYPERCARE_ODOO__API_KEY "
            "(or odoo.password_file / odoo.api_key_file).",
        )
    return JsonRpcClient(
        url=url,
        db=db,
        login=login,
        secret=secret.get_secret_value(),
        timeout=settings.timeout,
        policy=policy,
        version=chosen.version,
    )


def connect(settings: OdooSettings, *, sleep: Callable[[float], None] | None = None) -> OdooClient:
    """A logged-in client for ``settings`` (raises a HypercareError subclass on any failure)."""
    url, _, _ = require(settings)
    version, requests = detect_version(url, settings.timeout, policy_for(settings, sleep))
    client = open_client(settings, plan(settings, version), sleep)
    client.note_handshake(requests)
    return client
