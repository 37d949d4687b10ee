"""The in-memory database: records per model, CRUD with Odoo's value rules.

Thread-safe through one re-entrant lock; tests may call ``create``, ``write``,
``unlink`` and ``search`` directly. ``write(..., write_date=dt)`` stamps an
explicit (possibly past) ``write_date`` to mimic a long transaction committing late.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from .commands import queue_x2many
from .domain import compile_domain
from .errors import MissingError, OdooValueError, UnknownModel, ValidationError
from .fields import X2MANY, FieldDef, ModelDef, normalize_dt_value, to_dt_str

Record = dict[str, Any]
# (store, model, id, old values of changed fields, new values, at, uid)
WriteHook = Callable[["Store", str, int, Record, Record, str, int], None]
CreateHook = Callable[["Store", str, int, str, int], None]
# (store, model, record, vals, at) -> extra vals to apply in the same write
PrepareHook = Callable[["Store", str, Record | None, Record, str], Record]


class Store:
    """Records of every installed model, kept as ``{id: raw record}`` dicts."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self.models: dict[str, ModelDef] = {}
        self.tables: dict[str, dict[int, Record]] = {}
        self.next_id: dict[str, int] = {}
        self.removed: set[str] = set()
        self.hidden: dict[str, set[str]] = {}
        self.prepare_hooks: dict[str, list[PrepareHook]] = {}
        self.create_hooks: dict[str, list[CreateHook]] = {}
        self.write_hooks: dict[str, list[WriteHook]] = {}
        # child model -> its many2one field -> [(parent model, one2many field)]
        self._inverse_by_model: dict[str, dict[str, list[tuple[str, str]]]] = {}
        self._templates: dict[str, tuple[Record, list[str]]] = {}
        self.default_uid = 1
        self.xmlids: dict[str, int] = {}  # "mail.mt_note" -> record id (model implied)
        self.field_ids: dict[tuple[str, str], int] = {}  # (model, field) -> ir.model.fields id

    # -- schema ---------------------------------------------------------------
    def register(self, mdef: ModelDef) -> None:
        self.models[mdef.name] = mdef
        self._templates.pop(mdef.name, None)
        self.tables.setdefault(mdef.name, {})
        self.next_id.setdefault(mdef.name, 1)
        for fdef in mdef.fields.values():
            if fdef.type == "one2many" and fdef.relation and fdef.inverse_name:
                by_model = self._inverse_by_model.setdefault(fdef.relation, {})
                by_model.setdefault(fdef.inverse_name, []).append((mdef.name, fdef.name))

    def has_model(self, model: str) -> bool:
        return model in self.models and model not in self.removed

    def model_def(self, model: str) -> ModelDef:
        if not self.has_model(model):
            raise UnknownModel(model)
        return self.models[model]

    def table(self, model: str) -> dict[int, Record]:
        self.model_def(model)
        return self.tables[model]

    def hidden_fields(self, model: str) -> set[str]:
        return self.hidden.get(model, set())

    def field(self, model: str, name: str) -> FieldDef:
        fdef = self.model_def(model).fields.get(name)
        if fdef is None or name in self.hidden_fields(model):
            raise OdooValueError(f"Invalid field {name!r} on model {model!r}")
        return fdef

    def now_str(self) -> str:
        return to_dt_str(self.clock())

    # -- values ---------------------------------------------------------------
    def getter(self, model: str, name: str) -> Callable[[Record], Any]:
        fdef = self.model_def(model).fields[name]
        if name == "display_name":
            return lambda r: self.display_name(model, r["id"])
        if fdef.compute is not None:
            compute = fdef.compute
            return lambda r: compute(self, r)
        if fdef.related:
            return self._related_getter(model, fdef.related)
        empty = fdef.empty()
        return lambda r: r.get(name, empty)

    def _related_getter(self, model: str, path: tuple[str, ...]) -> Callable[[Record], Any]:
        def get(rec: Record) -> Any:
            cur_model, cur = model, rec
            for i, step in enumerate(path):
                fdef = self.models[cur_model].fields[step]
                value = self.getter(cur_model, step)(cur)
                if i == len(path) - 1:
                    return value
                if not value or not fdef.relation:
                    return False
                key = value if isinstance(value, int) else value[0]
                target = self.tables[fdef.relation].get(key)
                if target is None:
                    return False
                cur_model, cur = fdef.relation, target
            return False
        return get

    def display_name(self, model: str, rid: int) -> str:
        mdef = self.models[model]
        rec = self.tables[model].get(rid)
        if rec is None:
            return f"{model},{rid}"
        if mdef.display is not None:
            return mdef.display(rec)
        if mdef.rec_name and rec.get(mdef.rec_name):
            return str(rec[mdef.rec_name])
        return f"{model},{rid}"

    # -- search ---------------------------------------------------------------
    def all_ids(self, model: str, active_test: bool = True) -> list[int]:
        table = self.table(model)
        if active_test and self.models[model].has_active:
            return [rid for rid, rec in table.items() if rec.get("active", True)]
        return list(table)

    def search_ids(self, model: str, domain: Iterable[Any] | None = None, *,
                   active_test: bool = True, offset: int = 0, limit: int | None = None,
                   order: str | None = None) -> list[int]:
        with self.lock:
            mdef = self.model_def(model)
            terms = list(domain or [])
            mentions_active = any(
                isinstance(t, list | tuple) and len(t) == 3 and t[0] == "active" for t in terms
            )
            pred = compile_domain(self, model, terms)
            table = self.tables[model]
            filter_active = active_test and mdef.has_active and not mentions_active
            ids = [rid for rid, rec in table.items()
                   if (not filter_active or rec.get("active", True)) and pred(rec)]
            self._sort(model, ids, order or mdef.order)
            end = None if limit is None or limit is False else offset + int(limit)
            return ids[offset:end] if (offset or end is not None) else ids

    def search(self, model: str, domain: Iterable[Any] | None = None, offset: int = 0,
               limit: int | None = None, order: str | None = None,
               active_test: bool = True) -> list[int]:
        """Ids matching ``domain`` (test-friendly alias of :meth:`search_ids`)."""
        return self.search_ids(model, domain, active_test=active_test, offset=offset,
                               limit=limit, order=order)

    def _sort(self, model: str, ids: list[int], order: str) -> None:
        table = self.tables[model]
        keys = parse_order(order)
        if not any(name == "id" for name, _ in keys):
            keys.append(("id", False))
        for name, desc in reversed(keys):
            fdef = self.field(model, name)
            if name != "id" and not fdef.store:
                raise OdooValueError(f"Cannot sort {model} on non-stored field {name!r}")
            get = self.getter(model, name)
            boolean = fdef.type == "boolean"

            def key(rid: int, get: Callable[[Record], Any] = get, boolean: bool = boolean) -> Any:
                v = get(table[rid])
                if isinstance(v, list):
                    v = v[0] if v else False
                null = (v is False or v is None) and not boolean
                return (null, 0 if null else v)
            ids.sort(key=key, reverse=desc)

    # -- create / write / unlink --------------------------------------------
    def create(self, model: str, vals: Record, *, uid: int | None = None,
               at: datetime | str | None = None) -> int:
        with self.lock:
            mdef = self.model_def(model)
            stamp = at if isinstance(at, str) else (to_dt_str(at) if at else self.now_str())
            user = uid or self.default_uid
            rid = self.next_id[model]
            self.next_id[model] = rid + 1
            clean, deferred = self._convert(model, vals, creating=True, at=stamp, uid=user)
            rec = self._blank(model)
            rec["id"] = rid
            rec.update(clean)
            rec.update({"create_date": stamp, "write_date": stamp, "create_uid": user,
                        "write_uid": user})
            for hook in self.prepare_hooks.get(model, []):
                rec.update(self._convert(model, hook(self, model, None, rec, stamp),
                                         creating=True, at=stamp, uid=user)[0])
            self._check_required(mdef, rec)
            self.tables[model][rid] = rec
            self._link_inverse(model, rid, {}, rec)
            for apply in deferred:
                apply(rid)
            for chook in self.create_hooks.get(model, []):
                chook(self, model, rid, stamp, user)
            return rid

    def insert(self, model: str, vals: Record, *, uid: int, at: str) -> int:
        """Trusted fast path for internal writers: raw values, no validation or hooks."""
        with self.lock:
            rid = self.next_id[model]
            self.next_id[model] = rid + 1
            rec = self._blank(model)
            rec.update(vals)
            rec.update(id=rid, create_date=at, write_date=at, create_uid=uid, write_uid=uid)
            self.tables[model][rid] = rec
            if model in self._inverse_by_model:
                self._link_inverse(model, rid, {}, vals)
            return rid

    def _blank(self, model: str) -> Record:
        """A new record holding every stored field's default (fresh x2many lists)."""
        cached = self._templates.get(model)
        if cached is None:
            template: Record = {}
            for name, fdef in self.models[model].fields.items():
                if fdef.store and not fdef.is_computed and name not in ("id", "display_name"):
                    template[name] = fdef.empty() if fdef.default is None else fdef.default
            lists = [k for k, v in template.items() if type(v) is list]
            cached = self._templates[model] = (template, lists)
        rec = dict(cached[0])
        for name in cached[1]:
            rec[name] = []
        return rec

    def write(self, model: str, ids: int | Sequence[int], vals: Record, *,
              uid: int | None = None, write_date: datetime | str | None = None) -> bool:
        with self.lock:
            self.model_def(model)
            id_list = [ids] if isinstance(ids, int) else list(ids)
            table = self.tables[model]
            self.check_exist(model, id_list)
            stamp = write_date if isinstance(write_date, str) else (
                to_dt_str(write_date) if write_date else self.now_str())
            user = uid or self.default_uid
            for rid in id_list:
                rec = table[rid]
                clean, deferred = self._convert(model, vals, creating=False, at=stamp, uid=user)
                for hook in self.prepare_hooks.get(model, []):
                    extra = hook(self, model, rec, clean, stamp)
                    clean.update(self._convert(model, extra, creating=False, at=stamp,
                                               uid=user)[0])
                old = {k: rec.get(k) for k in clean}
                rec.update(clean)
                rec["write_date"] = stamp
                rec["write_uid"] = user
                self._link_inverse(model, rid, old, clean)
                for apply in deferred:
                    apply(rid)
                changed = {k: v for k, v in clean.items() if old.get(k) != v}
                old_changed = {k: old[k] for k in changed}
                for whook in self.write_hooks.get(model, []):
                    whook(self, model, rid, old_changed, changed, stamp, user)
            return True

    def unlink(self, model: str, ids: int | Sequence[int]) -> bool:
        with self.lock:
            id_list = [ids] if isinstance(ids, int) else list(ids)
            self.check_exist(model, id_list)
            for rid in id_list:
                rec = self.tables[model].pop(rid)
                self._link_inverse(model, rid, rec, {k: False for k in rec})
            return True

    def check_exist(self, model: str, ids: Sequence[int]) -> None:
        table = self.table(model)
        missing = [i for i in ids if i not in table]
        if missing:
            raise MissingError(
                "Record does not exist or has been deleted.\n"
                f"(Record: {model}({', '.join(map(str, missing))},), User: 2)"
            )

    def _check_required(self, mdef: ModelDef, rec: Record) -> None:
        for name, fdef in mdef.fields.items():
            if fdef.required and fdef.store and not fdef.is_computed and rec.get(name) in (
                False, None, ""
            ) and fdef.type != "boolean":
                raise ValidationError(
                    "The operation cannot be completed:\n- Create/update: a mandatory field is "
                    f"not set.\n\nModel: {mdef.description} ({mdef.name})\n"
                    f"Field: {fdef.string} ({name})"
                )

    def _link_inverse(self, model: str, rid: int, old: Record, new: Record) -> None:
        links = self._inverse_by_model.get(model)
        if not links:
            return
        for fname, targets in links.items():
            if fname not in new:
                continue
            value = new[fname]
            for parent_model, o2m in targets:
                prev = old.get(fname)
                parents = self.tables[parent_model]
                if prev and prev in parents and rid in parents[prev].get(o2m, []):
                    parents[prev][o2m].remove(rid)
                if value and value in parents:
                    parents[value].setdefault(o2m, [])
                    if rid not in parents[value][o2m]:
                        parents[value][o2m].append(rid)

    def _convert(self, model: str, vals: Record, *, creating: bool, at: str,
                 uid: int) -> tuple[Record, list[Callable[[int], None]]]:
        """Validate and normalise incoming values; x2many commands may defer work."""
        mdef = self.models[model]
        out: Record = {}
        deferred: list[Callable[[int], None]] = []
        hidden = self.hidden.get(model, ())
        for name, value in vals.items():
            fdef = mdef.fields.get(name)
            if fdef is None or name in hidden:
                raise OdooValueError(f"Invalid field {name!r} on model {model!r}")
            if name in ("id", "display_name") or (fdef.is_computed and fdef.store is False):
                continue
            if fdef.type in X2MANY:
                queue_x2many(self, model, fdef, value, deferred, at, uid)
                continue
            out[name] = self._convert_one(model, fdef, value, out, deferred, at, uid)
        return out, deferred

    def _convert_one(self, model: str, fdef: FieldDef, value: Any, out: Record,
                     deferred: list[Callable[[int], None]], at: str, uid: int) -> Any:
        if value is None:
            value = False
        if fdef.type == "many2one":
            if isinstance(value, list | tuple):
                value = value[0] if value else False
            if value and fdef.relation:
                self.check_exist(fdef.relation, [int(value)])
            return int(value) if value else False
        if fdef.type == "datetime":
            return normalize_dt_value(value) if value else False
        if fdef.type == "date":
            return str(value)[:10] if value else False
        if fdef.type == "selection" and value is not False:
            keys = {k for k, _ in fdef.selection or []}
            if value not in keys:
                raise OdooValueError(f"Wrong value for {model}.{fdef.name}: {value!r}")
        if fdef.type == "boolean":
            return bool(value)
        return value


def parse_order(order: str) -> list[tuple[str, bool]]:
    """``"write_date asc, id desc"`` -> ``[("write_date", False), ("id", True)]``."""
    keys: list[tuple[str, bool]] = []
    for part in (order or "").split(","):
        words = part.strip().split()
        if not words:
            continue
        name = words[0].strip('"')
        desc = len(words) > 1 and words[1].lower() == "desc"
        keys.append((name, desc))
    return keys

