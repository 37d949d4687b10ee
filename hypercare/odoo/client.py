"""What every layer above the connector sees: the ``OdooClient`` protocol.

Both transports (JSON-RPC through odoorpc, JSON-2 through httpx) implement it with identical
results: raw Odoo values (many2one ``[id, name]`` or ``False``, datetimes as naive UTC strings).
Mapping those values to records is :mod:`hypercare.odoo.records`' job.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

Transport = Literal["jsonrpc", "json2"]
Domain = Sequence[Any]

#: Model name under which handshake calls (version probe, login, uid lookup) are counted.
HANDSHAKE = "(handshake)"


@dataclass(frozen=True)
class ServerInfo:
    """The Odoo server a client talks to, learnt during the handshake."""

    version: str
    """Server version string as Odoo reports it (``"17.0"``, ``"saas~17.2"``, ``"19.0"``)."""
    major: int
    transport: Transport
    uid: int
    minor: int = 0
    url: str = ""
    """Base URL of the server (no trailing slash), for links into the web client."""

    @property
    def has_odoo_urls(self) -> bool:
        """True when the web client uses ``/odoo/...`` URLs (saas-17.2 and later)."""
        return (self.major, self.minor) >= (17, 2)


@dataclass(frozen=True)
class CallStats:
    """RPC calls made by one client: one per logical call, retries counted apart."""

    by_model: Mapping[str, int] = field(default_factory=dict)
    """Logical RPC calls per model; handshake calls are counted under :data:`HANDSHAKE`."""
    http_requests: int = 0
    """HTTP requests sent, including retries and handshake."""
    retries: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_model.values())

    @property
    def handshake(self) -> int:
        return self.by_model.get(HANDSHAKE, 0)

    def calls(self, *models: str) -> int:
        """Calls on the given models (all calls when none is given)."""
        if not models:
            return self.total
        return sum(self.by_model.get(model, 0) for model in models)


@runtime_checkable
class OdooClient(Protocol):
    """A logged-in connection to one Odoo database."""

    @property
    def info(self) -> ServerInfo: ...

    @property
    def stats(self) -> CallStats: ...

    def reset_stats(self) -> None: ...

    def search_read(
        self,
        model: str,
        domain: Domain,
        fields: Sequence[str],
        *,
        order: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        context: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]: ...

    def search(
        self,
        model: str,
        domain: Domain,
        *,
        order: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        context: Mapping[str, Any] | None = None,
    ) -> list[int]: ...

    def search_count(
        self, model: str, domain: Domain, *, context: Mapping[str, Any] | None = None
    ) -> int: ...

    def read(
        self,
        model: str,
        ids: Sequence[int],
        fields: Sequence[str],
        *,
        context: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]: ...

    def fields_get(
        self, model: str, attributes: Sequence[str] = ("string", "type", "relation", "selection")
    ) -> dict[str, dict[str, Any]]: ...

    def read_group(
        self,
        model: str,
        domain: Domain,
        groupby: Sequence[str],
        aggregates: Sequence[str] = (),
    ) -> list[dict[str, Any]]: ...

    def create(self, model: str, values: Mapping[str, Any]) -> int: ...

    def write(self, model: str, ids: Sequence[int], values: Mapping[str, Any]) -> bool: ...

    def call(
        self, model: str, method: str, *, ids: Sequence[int] | None = None, **kwargs: Any
    ) -> Any: ...

    def close(self) -> None: ...


def parse_version(text: str) -> tuple[int, int]:
    """``(major, minor)`` from an Odoo version string: ``"17.0"``, ``"saas~17.2"``, ``"19.0+e"``."""
    core = text.split("~")[-1]
    parts = [part for part in core.replace("+", ".").replace("-", ".").split(".") if part]
    numbers: list[int] = []
    for part in parts[:2]:
        digits = "".join(ch for ch in part if ch.isdigit())
        if not digits:
            break
        numbers.append(int(digits))
    major = numbers[0] if numbers else 0
    minor = numbers[1] if len(numbers) > 1 else 0
    return major, minor
