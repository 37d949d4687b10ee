"""The transport-independent half of every client: ORM helpers, retries, call accounting.

A transport implements :meth:`BaseClient._send` (one attempt of one call, named arguments only)
and the handshake; everything an :class:`~hypercare.odoo.client.OdooClient` offers is built here
on top of it, so both transports return exactly the same values.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from hypercare.odoo.client import HANDSHAKE, CallStats, Domain, ServerInfo
from hypercare.odoo.retry import RetryPolicy, TransientError, run_with_retry


def redact(text: str, secrets: Sequence[str]) -> str:
    """``text`` with every secret replaced by ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


class BaseClient(ABC):
    """Shared implementation of :class:`~hypercare.odoo.client.OdooClient`."""

    def __init__(self, policy: RetryPolicy) -> None:
        self._policy = policy
        self._calls: Counter[str] = Counter()
        self._http_requests = 0
        self._retries = 0
        self._lock = threading.Lock()
        self._info: ServerInfo | None = None
        self._closed = False

    # -- what a transport provides ------------------------------------------------------------

    @abstractmethod
    def _send(
        self, model: str, method: str, ids: Sequence[int] | None, kwargs: dict[str, Any]
    ) -> Any:
        """One attempt of ``model.method(**kwargs)`` on ``ids``; raise TransientError to retry."""

    def close(self) -> None:
        """Release the connection (idempotent)."""
        self._closed = True

    # -- accounting ---------------------------------------------------------------------------

    @property
    def info(self) -> ServerInfo:
        if self._info is None:  # pragma: no cover - transports set it in their constructor
            raise RuntimeError("client used before login")
        return self._info

    @property
    def stats(self) -> CallStats:
        with self._lock:
            return CallStats(dict(self._calls), self._http_requests, self._retries)

    def reset_stats(self) -> None:
        with self._lock:
            self._calls.clear()
            self._http_requests = 0
            self._retries = 0

    def note_handshake(self, http_requests: int) -> None:
        """Account for handshake requests sent before this client existed (version probe)."""
        with self._lock:
            self._calls[HANDSHAKE] += http_requests
            self._http_requests += http_requests

    def _count_http(self) -> None:
        with self._lock:
            self._http_requests += 1

    def _on_retry(self, _exc: TransientError) -> None:
        with self._lock:
            self._retries += 1

    def _rpc(
        self,
        model: str,
        method: str,
        *,
        ids: Sequence[int] | None = None,
        kwargs: Mapping[str, Any] | None = None,
        idempotent: bool = True,
        count_as: str | None = None,
    ) -> Any:
        args = {key: value for key, value in (kwargs or {}).items() if value is not None}
        with self._lock:
            self._calls[count_as or model] += 1
        return run_with_retry(
            lambda: self._send(model, method, ids, dict(args)),
            self._policy,
            idempotent=idempotent,
            on_retry=self._on_retry,
        )

    def _handshake(self, model: str, method: str, kwargs: Mapping[str, Any] | None = None) -> Any:
        return self._rpc(model, method, kwargs=kwargs, count_as=HANDSHAKE)

    # -- the OdooClient API -------------------------------------------------------------------

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
    ) -> list[dict[str, Any]]:
        kwargs = {
            "domain": list(domain),
            "fields": list(fields),
            "order": order,
            "limit": limit,
            "offset": offset or None,
            "context": _ctx(context),
        }
        return list(self._rpc(model, "search_read", kwargs=kwargs) or [])

    def search(
        self,
        model: str,
        domain: Domain,
        *,
        order: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        context: Mapping[str, Any] | None = None,
    ) -> list[int]:
        kwargs = {
            "domain": list(domain),
            "order": order,
            "limit": limit,
            "offset": offset or None,
            "context": _ctx(context),
        }
        return [int(i) for i in self._rpc(model, "search", kwargs=kwargs) or []]

    def search_count(
        self, model: str, domain: Domain, *, context: Mapping[str, Any] | None = None
    ) -> int:
        kwargs = {"domain": list(domain), "context": _ctx(context)}
        return int(self._rpc(model, "search_count", kwargs=kwargs) or 0)

    def read(
        self,
        model: str,
        ids: Sequence[int],
        fields: Sequence[str],
        *,
        context: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        if not ids:
            return []
        kwargs = {"fields": list(fields), "context": _ctx(context)}
        return list(self._rpc(model, "read", ids=list(ids), kwargs=kwargs) or [])

    def fields_get(
        self, model: str, attributes: Sequence[str] = ("string", "type", "relation", "selection")
    ) -> dict[str, dict[str, Any]]:
        result = self._rpc(model, "fields_get", kwargs={"attributes": list(attributes)})
        return dict(result or {})

    def read_group(
        self,
        model: str,
        domain: Domain,
        groupby: Sequence[str],
        aggregates: Sequence[str] = (),
    ) -> list[dict[str, Any]]:
        """Grouped counts/aggregates; rows hold the ``groupby`` keys, ``__count`` and each
        aggregate spec (``"amount_total:sum"``) as keys, on every Odoo version."""
        specs = [spec for spec in aggregates if spec != "__count"]
        kwargs: dict[str, Any]
        if self.info.major >= 19:
            kwargs = {
                "domain": list(domain),
                "groupby": list(groupby),
                "aggregates": ["__count", *specs],
            }
            rows = self._rpc(model, "formatted_read_group", kwargs=kwargs) or []
        else:
            kwargs = {
                "domain": list(domain),
                "fields": specs,
                "groupby": list(groupby),
                "lazy": False,
            }
            rows = self._rpc(model, "read_group", kwargs=kwargs) or []
        return [_normalise_group(row, groupby, specs) for row in rows]

    def create(self, model: str, values: Mapping[str, Any]) -> int:
        result = self._rpc(model, "create", kwargs={"vals_list": [dict(values)]}, idempotent=False)
        return _first_id(result)

    def write(self, model: str, ids: Sequence[int], values: Mapping[str, Any]) -> bool:
        result = self._rpc(
            model, "write", ids=list(ids), kwargs={"vals": dict(values)}, idempotent=False
        )
        return bool(result)

    def call(
        self, model: str, method: str, *, ids: Sequence[int] | None = None, **kwargs: Any
    ) -> Any:
        """Any public method, named arguments only (``message_post(body=..., ...)``).

        Calls are not retried after the server may have seen them (they may write)."""
        return self._rpc(
            model, method, ids=None if ids is None else list(ids), kwargs=kwargs, idempotent=False
        )


def _ctx(context: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return dict(context) if context else None


def _first_id(result: Any) -> int:
    """``create``/``message_post`` answer an id, a list of ids, or a ``[id, name]`` pair."""
    if isinstance(result, list | tuple):
        result = result[0] if result else 0
    return int(result or 0)


def _normalise_group(
    row: Mapping[str, Any], groupby: Sequence[str], specs: Sequence[str]
) -> dict[str, Any]:
    out: dict[str, Any] = {key: row.get(key, False) for key in groupby}
    count = row.get("__count")
    if count is None:  # lazy read_group names the count after the first groupby field
        count = row.get(f"{groupby[0].split(':')[0]}_count", 0) if groupby else 0
    out["__count"] = int(count or 0)
    for spec in specs:
        name = spec.split(":")[0]
        out[spec] = row[spec] if spec in row else row.get(name, False)
    return out
