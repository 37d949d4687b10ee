"""``read_group`` (<=18 style) and ``formatted_read_group`` (19) over the store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from .errors import OdooValueError
from .fields import DATE_FMT, DT_FMT, NUMERIC, X2MANY

if TYPE_CHECKING:
    from .orm import Store

Record = dict[str, Any]
GRANULARITIES = ("hour", "day", "week", "month", "quarter", "year")


def _bucket(value: str, ftype: str, gran: str, tz: str | None) -> tuple[datetime, datetime]:
    """Start and end (naive, in the grouping timezone) of the bucket holding ``value``."""
    if ftype == "datetime":
        moment = datetime.strptime(value[:19], DT_FMT)
        if tz:
            moment = moment.replace(tzinfo=UTC).astimezone(ZoneInfo(tz)).replace(
                tzinfo=None)
    else:
        moment = datetime.strptime(value[:10], DATE_FMT)
    if gran == "hour":
        start = moment.replace(minute=0, second=0)
        return start, start + timedelta(hours=1)
    day = moment.replace(hour=0, minute=0, second=0)
    if gran == "day":
        return day, day + timedelta(days=1)
    if gran == "week":
        start = day - timedelta(days=day.isoweekday() % 7)  # weeks start on Sunday (en_US)
        return start, start + timedelta(days=7)
    if gran == "month":
        start = day.replace(day=1)
    elif gran == "quarter":
        start = day.replace(day=1, month=(day.month - 1) // 3 * 3 + 1)
    else:
        start = day.replace(day=1, month=1)
    months = {"month": 1, "quarter": 3, "year": 12}[gran]
    year, month = divmod(start.month - 1 + months, 12)
    return start, start.replace(year=start.year + year, month=month + 1)


def _label(start: datetime, gran: str) -> str:
    if gran == "hour":
        return start.strftime("%H:00 %d %b")
    if gran == "day":
        return start.strftime("%d %b %Y")
    if gran == "week":
        iso = (start + timedelta(days=1)).isocalendar()
        return f"W{iso[1]:02d} {iso[0]}"
    if gran == "month":
        return start.strftime("%B %Y")
    if gran == "quarter":
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    return str(start.year)


class _Spec:
    """One groupby spec such as ``stage_id`` or ``create_date:day``."""

    def __init__(self, store: Store, model: str, spec: str) -> None:
        self.spec = spec
        self.name, _, gran = spec.partition(":")
        self.fdef = store.field(model, self.name)
        if self.fdef.type in ("date", "datetime"):
            gran = gran or "month"
            if gran not in GRANULARITIES:
                raise OdooValueError(f"Invalid granularity {gran!r} in {spec!r}")
        self.gran = gran
        self.get = store.getter(model, self.name)
        self.store = store

    def keys(self, rec: Record, tz: str | None) -> list[Any]:
        value = self.get(rec)
        if self.fdef.type in X2MANY:
            return list(value) or [False]
        if self.gran and value:
            return [_bucket(value, self.fdef.type, self.gran, tz)[0]]
        return [value if value is not None else False]

    def range_domain(self, key: Any, tz: str | None) -> list[Any]:
        if not self.gran or key is False:
            return [(self.name, "=", key)]
        start, end = _bucket(key.strftime(DT_FMT), "date", self.gran, None)
        if self.fdef.type == "datetime":
            if tz:
                zone = ZoneInfo(tz)
                start = start.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
                end = end.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
            return ["&", (self.name, ">=", start.strftime(DT_FMT)),
                    (self.name, "<", end.strftime(DT_FMT))]
        return ["&", (self.name, ">=", start.strftime(DATE_FMT)),
                (self.name, "<", end.strftime(DATE_FMT))]

    def render(self, key: Any, formatted: bool) -> Any:
        if key is False:
            return False
        if self.fdef.type in ("many2one", *X2MANY) and self.fdef.relation:
            return [key, self.store.display_name(self.fdef.relation, key)]
        if self.gran:
            raw = key.strftime(DATE_FMT if self.fdef.type == "date" else DT_FMT)
            return [raw, _label(key, self.gran)] if formatted else _label(key, self.gran)
        return key


def _aggregate(agg: str, values: list[Any]) -> Any:
    present = [v for v in values if v is not False and v is not None]
    if agg == "sum":
        return sum(present) if present else 0
    if agg == "avg":
        return sum(present) / len(present) if present else False
    if agg == "min":
        return min(present) if present else False
    if agg == "max":
        return max(present) if present else False
    if agg == "count":
        return len(present)
    if agg == "count_distinct":
        return len({tuple(v) if isinstance(v, list) else v for v in present})
    if agg == "array_agg":
        return list(values)
    if agg == "bool_and":
        return all(values)
    if agg == "bool_or":
        return any(values)
    raise OdooValueError(f"Invalid aggregate function {agg!r}")


def _groups(store: Store, model: str, domain: list[Any], specs: list[_Spec],
            active_test: bool, tz: str | None) -> dict[tuple[Any, ...], list[Record]]:
    table = store.tables[model]
    groups: dict[tuple[Any, ...], list[Record]] = {}
    for rid in store.search_ids(model, domain, active_test=active_test):
        rec = table[rid]
        combos: list[tuple[Any, ...]] = [()]
        for spec in specs:
            combos = [(*c, k) for c in combos for k in spec.keys(rec, tz)]
        for combo in combos:
            groups.setdefault(combo, []).append(rec)
    return groups


def _sorted_keys(groups: dict[tuple[Any, ...], list[Record]]) -> list[tuple[Any, ...]]:
    def key(k: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple((v is False, 0 if v is False else v) for v in k)
    return sorted(groups, key=key)


def _agg_values(store: Store, model: str, recs: list[Record], field: str, agg: str) -> Any:
    fdef = store.field(model, field)
    get = store.getter(model, field)
    values = [get(r) for r in recs]
    if fdef.type in X2MANY:
        values = [i for v in values for i in v]
    return _aggregate(agg, values)


def formatted_read_group(store: Store, model: str, domain: list[Any], groupby: list[str],
                         aggregates: list[str], *, offset: int = 0, limit: int | None = None,
                         order: str | None = None, active_test: bool = True,
                         tz: str | None = None) -> list[dict[str, Any]]:
    """Odoo 19's grouping API: ``aggregates`` like ``"__count"`` or ``"amount:sum"``."""
    specs = [_Spec(store, model, g) for g in groupby]
    groups = _groups(store, model, domain, specs, active_test, tz)
    if not specs and not groups:
        groups = {(): []}
    out = []
    for combo in _sorted_keys(groups):
        recs = groups[combo]
        row: dict[str, Any] = {}
        extra: list[Any] = []
        for spec, key in zip(specs, combo, strict=True):
            row[spec.spec] = spec.render(key, formatted=True)
            extra = [*extra, *spec.range_domain(key, tz)] if extra else spec.range_domain(key, tz)
        for agg in aggregates:
            if agg == "__count":
                row["__count"] = len(recs)
            else:
                fname, _, func = agg.partition(":")
                row[agg] = _agg_values(store, model, recs, fname, func or "sum")
        row["__extra_domain"] = extra
        out.append(row)
    _order_rows(out, order)
    end = None if not limit else offset + limit
    return out[offset:end]


def _order_rows(rows: list[dict[str, Any]], order: str | None) -> None:
    for part in reversed([p.strip() for p in (order or "").split(",") if p.strip()]):
        words = part.split()
        name, desc = words[0], len(words) > 1 and words[1].lower() == "desc"

        def key(r: dict[str, Any], name: str = name) -> Any:
            v = r.get(name)
            if isinstance(v, list):
                v = v[0]
            return (v is False or v is None, 0 if v in (False, None) else v)
        rows.sort(key=key, reverse=desc)


def read_group(store: Store, model: str, domain: list[Any], fields: list[str], groupby: Any,
               *, offset: int = 0, limit: int | None = None, orderby: str | None = None,
               lazy: bool = True, active_test: bool = True, tz: str | None = None
               ) -> list[dict[str, Any]]:
    """The classic (<=18) grouping API, still served on 19."""
    gb = [groupby] if isinstance(groupby, str) else list(groupby or [])
    used = gb[:1] if lazy else gb
    specs = [_Spec(store, model, g) for g in used]
    groups = _groups(store, model, domain, specs, active_test, tz)
    wanted: list[tuple[str, str, str]] = []
    for fspec in fields:
        if fspec == "__count":
            continue
        alias, _, rest = fspec.partition(":")
        if "(" in rest:
            func, fname = rest.rstrip(")").split("(")
        else:
            fname, func = alias, rest
        fdef = store.field(model, fname)
        if fname in [s.name for s in specs]:
            continue
        if not func:
            if fdef.type not in NUMERIC:
                continue
            func = "sum"
        wanted.append((alias, fname, func))
    out = []
    for combo in _sorted_keys(groups):
        recs = groups[combo]
        row: dict[str, Any] = {}
        group_domain: list[Any] = []
        ranges: dict[str, Any] = {}
        for spec, key in zip(specs, combo, strict=True):
            row[spec.spec] = spec.render(key, formatted=False)
            group_domain += spec.range_domain(key, tz)
            if spec.gran and key is not False:
                rng = spec.range_domain(key, tz)
                ranges[spec.spec] = {"from": rng[1][2], "to": rng[2][2]}
        count_key = f"{specs[0].name}_count" if lazy and specs else "__count"
        row[count_key] = len(recs)
        for alias, fname, func in wanted:
            row[alias] = _agg_values(store, model, recs, fname, func)
        row["__domain"] = [*group_domain, *domain]
        if ranges:
            row["__range"] = ranges
        if lazy and len(gb) > 1:
            row["__context"] = {"group_by": gb[1:]}
        out.append(row)
    _order_rows(out, orderby)
    end = None if not limit else offset + limit
    return out[offset:end]
