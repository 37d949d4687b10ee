"""Watched KPIs: a count or a sum over an Odoo domain, compared with a threshold.

Domains may carry placeholders, filled in UTC at ``now`` by :func:`fill_placeholders`:

* ``{today}`` -> ``"YYYY-MM-DD"``, ``{now}`` -> ``"YYYY-MM-DD HH:MM:SS"``;
* ``{days_ago:N}`` -> the *date* N days before today (``"YYYY-MM-DD"``, for date fields and
  day-aligned datetime bounds); ``{hours_ago:N}`` -> the *datetime* N hours before now.

A placeholder may be the whole value or part of a string (``"{today} 00:00:00"``); unknown
placeholders and other strings are left untouched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from hypercare.errors import OdooAuthError, OdooError, OdooServerError, OdooUnreachableError
from hypercare.odoo.client import OdooClient

DT_FMT = "%Y-%m-%d %H:%M:%S"
_PLACEHOLDER = re.compile(r"\{(today|now|days_ago:(\d+)|hours_ago:(\d+))\}")


@dataclass(frozen=True)
class WatchSpec:
    name: str
    model: str
    domain: Sequence[Any]
    measure: Literal["count", "sum"]
    field: str | None
    threshold: float
    direction: Literal["above", "below"]


@dataclass(frozen=True)
class WatchResult:
    name: str
    value: float | None
    threshold: float
    direction: str
    breached: bool
    error: str = ""


def fill_placeholders(domain: Sequence[Any], now: datetime) -> list[Any]:
    """``domain`` with its placeholders filled at ``now`` (UTC); tuples come back as lists."""
    moment = now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)

    def value(match: re.Match[str]) -> str:
        if match.group(2) is not None:
            return (moment - timedelta(days=int(match.group(2)))).strftime("%Y-%m-%d")
        if match.group(3) is not None:
            return (moment - timedelta(hours=int(match.group(3)))).strftime(DT_FMT)
        return moment.strftime("%Y-%m-%d" if match.group(1) == "today" else DT_FMT)

    def fill(item: Any) -> Any:
        if isinstance(item, str):
            return _PLACEHOLDER.sub(value, item)
        if isinstance(item, list | tuple):
            return [fill(part) for part in item]
        return item

    return [fill(item) for item in domain]


def evaluate_watch(
    client: OdooClient, specs: Sequence[WatchSpec], *, now: datetime
) -> list[WatchResult]:
    """One result per spec, in order. A spec that fails (missing model or field, access denied,
    bad spec) gives ``value=None``, ``breached=False`` and the error message; once Odoo is
    unreachable or refuses the login, the remaining specs get that error without a call."""
    results: list[WatchResult] = []
    fatal: OdooError | None = None
    for spec in specs:
        try:
            if fatal is not None:
                raise fatal
            value = measure(client, spec, now)
        except (OdooUnreachableError, OdooAuthError) as exc:
            fatal = exc
            results.append(_failed(spec, exc.message))
        except OdooError as exc:
            results.append(_failed(spec, exc.message))
        except ValueError as exc:
            results.append(_failed(spec, str(exc)))
        else:
            results.append(WatchResult(spec.name, value, spec.threshold, spec.direction,
                                       breached(value, spec.threshold, spec.direction)))
    return results


def measure(client: OdooClient, spec: WatchSpec, now: datetime) -> float:
    """The spec's value: ``search_count``, or a grouped ``field:sum`` over the whole domain
    (one row), falling back to ``search_read`` and summing here when Odoo cannot aggregate
    the field (not stored, say)."""
    domain = fill_placeholders(spec.domain, now)
    if spec.measure == "count":
        return float(client.search_count(spec.model, domain))
    if spec.measure != "sum" or not spec.field:
        raise ValueError(f"watch {spec.name!r}: measure must be 'count', or 'sum' with a field")
    agg = f"{spec.field}:sum"
    try:
        rows = client.read_group(spec.model, domain, [], [agg])
    except OdooServerError:
        records = client.search_read(spec.model, domain, [spec.field])
        return sum(_number(row.get(spec.field)) for row in records)
    return sum(_number(row.get(agg)) for row in rows)


def breached(value: float, threshold: float, direction: str) -> bool:
    """Strictly beyond the threshold: ``above`` means value > threshold, ``below`` value <."""
    if direction == "above":
        return value > threshold
    if direction == "below":
        return value < threshold
    raise ValueError(f"direction must be 'above' or 'below', not {direction!r}")


def _failed(spec: WatchSpec, error: str) -> WatchResult:
    return WatchResult(spec.name, None, spec.threshold, spec.direction, False, error or "failed")


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0
