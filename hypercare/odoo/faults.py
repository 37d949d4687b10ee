"""Turning what an Odoo server (or something in front of it) answered into hypercare errors.

Shared by both transports so the same server-side exception gives the same error class and
message whichever wire protocol carried it. Callers pass texts through :func:`redact` first when
they might echo a credential.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hypercare.errors import (
    OdooAccessError,
    OdooAuthError,
    OdooDatabaseError,
    OdooError,
    OdooModelMissingError,
    OdooProtocolError,
    OdooServerError,
    OdooUnreachableError,
)

_MODEL_MISSING = re.compile(r"(object|model)\s+'?([\w.]+)'?\s+(doesn't|does not) exist", re.I)
_DB_MISSING = re.compile(r"database\s+\"?'?([\w.-]+)\"?'?\s+does not exist", re.I)
_MAX_DETAIL = 300


@dataclass(frozen=True)
class Target:
    """Where a call went, for messages: server URL, database, login, model and method."""

    url: str
    db: str = ""
    login: str = ""
    model: str = ""
    method: str = ""

    @property
    def call(self) -> str:
        return f"{self.model}.{self.method}" if self.model else self.method


def short(text: str) -> str:
    """One line, at most a few hundred characters."""
    line = " ".join(str(text).split())
    return line if len(line) <= _MAX_DETAIL else line[: _MAX_DETAIL - 3] + "..."


def auth_failed(target: Target, what: str = "password or API key") -> OdooAuthError:
    return OdooAuthError(
        f"Odoo at {target.url} refused the login '{target.login}' on database "
        f"'{target.db}' (wrong login or {what})"
    )


def from_server_error(target: Target, name: str, message: str) -> OdooError:
    """The error for an exception Odoo raised and serialised (``data.name``/``data.message``)."""
    kind = name.rsplit(".", 1)[-1]
    detail = short(message) or kind or "unknown error"
    if kind == "AccessDenied":
        return auth_failed(target)
    if kind == "AccessError":
        return OdooAccessError(
            f"Odoo denied '{target.login}' access to '{target.model}' ({target.call}): {detail}",
            model=target.model,
        )
    missing = _MODEL_MISSING.search(message)
    if missing or (kind == "KeyError" and target.model and target.model in message):
        model = missing.group(2) if missing else target.model
        return OdooModelMissingError(
            f"model '{model}' does not exist on the Odoo database '{target.db}'", model=model
        )
    db_missing = _DB_MISSING.search(message)
    if db_missing or (kind == "OperationalError" and "does not exist" in message):
        return database_missing(target)
    return OdooServerError(f"Odoo raised {kind or 'an error'} in {target.call}: {detail}")


def database_missing(target: Target) -> OdooDatabaseError:
    return OdooDatabaseError(f"the database '{target.db}' does not exist on {target.url}")


def unreachable(target: Target, reason: str) -> OdooUnreachableError:
    return OdooUnreachableError(f"cannot reach Odoo at {target.url}: {short(reason)}")


def timed_out(target: Target, timeout: float) -> OdooUnreachableError:
    return OdooUnreachableError(
        f"Odoo at {target.url} did not answer {target.call or 'the request'} within {timeout:g} s",
        hint="Check that the server is up and not overloaded; raise HYPERCARE_ODOO__TIMEOUT "
        "for slow servers.",
    )


def bad_gateway(target: Target, status: int) -> OdooUnreachableError:
    return OdooUnreachableError(
        f"Odoo at {target.url} is unavailable: HTTP {status} from the server or a proxy "
        f"in front of it (while calling {target.call or 'the server'})",
        hint="The server or its proxy is down or restarting; check HYPERCARE_ODOO__URL and "
        "retry later.",
    )


def not_odoo(target: Target, what: str) -> OdooProtocolError:
    return OdooProtocolError(
        f"{target.url} answered {target.call or 'the request'} with {what}, not an Odoo reply"
    )
