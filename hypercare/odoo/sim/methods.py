"""ORM methods callable over RPC, written with Odoo's Python signatures.

Both transports bind arguments with :func:`inspect.signature`, so a wrong or
missing argument name fails exactly like Odoo (a ``TypeError``). Functions listed
in ``RECORD_METHODS`` take the record ids as their first argument.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import chatter, grouping
from .errors import OdooAttributeError
from .fields import X2MANY
from .orm import Store


@dataclass
class Env:
    """What a method call sees: the store, its model, the user and context."""

    store: Store
    model: str
    uid: int
    version: int
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def active_test(self) -> bool:
        return bool(self.context.get("active_test", True))


@dataclass(frozen=True)
class Records:
    """A recordset result: JSON-2 answers ``ids``; JSON-RPC may downgrade to one id."""

    ids: list[int]
    single: bool = False


def _ids(ids: Any) -> list[int]:
    if ids in (None, False):
        return []
    if isinstance(ids, int):
        return [ids]
    return [int(i) for i in ids]


def search_read(env: Env, domain: Any = None, fields: Any = None, offset: int = 0,
                limit: int | None = None, order: str | None = None,
                load: str | None = "_classic_read") -> list[dict[str, Any]]:
    ids = env.store.search_ids(env.model, domain or [], active_test=env.active_test,
                               offset=offset or 0, limit=limit or None, order=order or None)
    return read(env, ids, fields, load)


def search(env: Env, domain: Any, offset: int = 0, limit: int | None = None,
           order: str | None = None) -> Records:
    return Records(env.store.search_ids(env.model, domain or [], active_test=env.active_test,
                                        offset=offset or 0, limit=limit or None,
                                        order=order or None))


def search_count(env: Env, domain: Any, limit: int | None = None) -> int:
    n = len(env.store.search_ids(env.model, domain or [], active_test=env.active_test))
    return min(n, limit) if limit else n


def read(env: Env, ids: Any, fields: Any = None, load: str | None = "_classic_read"
         ) -> list[dict[str, Any]]:
    store, model = env.store, env.model
    mdef = store.model_def(model)
    hidden = store.hidden_fields(model)
    names = list(fields) if fields else [n for n in mdef.fields if n not in hidden]
    getters = []
    for name in names:
        fdef = store.field(model, name)
        getters.append((name, fdef, store.getter(model, name)))
    table = store.tables[model]
    out = []
    for rid in _ids(ids):
        rec = table.get(rid)
        if rec is None:
            continue  # Odoo's read() skips records deleted meanwhile
        row: dict[str, Any] = {"id": rid}
        for name, fdef, get in getters:
            value = get(rec)
            if fdef.type == "many2one":
                if value and fdef.relation:
                    value = [value, store.display_name(fdef.relation, value)] if load else value
                else:
                    value = False
            elif fdef.type in X2MANY:
                value = list(value or [])
            elif value is None:
                value = False
            row[name] = value
        out.append(row)
    return out


def fields_get(env: Env, allfields: Any = None, attributes: Any = None
               ) -> dict[str, dict[str, Any]]:
    mdef = env.store.model_def(env.model)
    hidden = env.store.hidden_fields(env.model)
    out: dict[str, dict[str, Any]] = {}
    for name, fdef in mdef.fields.items():
        if name in hidden or (allfields and name not in allfields):
            continue
        desc = fdef.describe()
        if attributes:
            desc = {k: v for k, v in desc.items() if k in attributes}
        out[name] = desc
    return out


def create(env: Env, vals_list: Any) -> Records:
    single = isinstance(vals_list, dict)
    items = [vals_list] if single else list(vals_list or [])
    ids = [env.store.create(env.model, dict(v), uid=env.uid) for v in items]
    return Records(ids, single=single)


def write(env: Env, ids: Any, vals: dict[str, Any]) -> bool:
    return env.store.write(env.model, _ids(ids), vals, uid=env.uid)


def unlink(env: Env, ids: Any) -> bool:
    return env.store.unlink(env.model, _ids(ids))


def exists(env: Env, ids: Any) -> Records:
    table = env.store.table(env.model)
    return Records([i for i in _ids(ids) if i in table])


def action_archive(env: Env, ids: Any) -> bool:
    return env.store.write(env.model, _ids(ids), {"active": False}, uid=env.uid)


def action_unarchive(env: Env, ids: Any) -> bool:
    return env.store.write(env.model, _ids(ids), {"active": True}, uid=env.uid)


def name_search(env: Env, name: str = "", domain: Any = None, operator: str = "ilike",
                limit: int = 100, args: Any = None) -> list[list[Any]]:
    store, model = env.store, env.model
    base = list(domain or args or [])
    if name:
        term: list[Any] = [("display_name", operator, name)]
        if "email" in store.model_def(model).fields:
            term = ["|", ("display_name", operator, name), ("email", operator, name)]
        base = [*term, *base]  # top-level terms are implicitly and-ed
    ids = store.search_ids(model, base, active_test=env.active_test, limit=limit or None)
    return [[i, store.display_name(model, i)] for i in ids]


def context_get(env: Env) -> dict[str, Any]:
    user = env.store.tables["res.users"].get(env.uid, {})
    return {"lang": "en_US", "tz": user.get("tz") or "Europe/Brussels", "uid": env.uid}


def message_post(env: Env, ids: Any, body: str = "", subject: str | None = None,
                 message_type: str = "notification", subtype_xmlid: str | None = None,
                 author_id: int | None = None, partner_ids: Any = None,
                 subtype_id: int | None = None, body_is_html: bool = False) -> Records:
    id_list = _ids(ids)
    env.store.check_exist(env.model, id_list)
    msg_ids = [chatter.post(env.store, env.model, rid, body=body, message_type=message_type,
                            subtype_xmlid=subtype_xmlid or "mail.mt_note", author_id=author_id,
                            uid=env.uid) for rid in id_list]
    return Records(msg_ids, single=len(msg_ids) == 1)


def read_group(env: Env, domain: Any, fields: Any, groupby: Any, offset: int = 0,
               limit: int | None = None, orderby: Any = False, lazy: bool = True
               ) -> list[dict[str, Any]]:
    return grouping.read_group(env.store, env.model, domain or [], list(fields or []), groupby,
                               offset=offset, limit=limit, orderby=orderby or None, lazy=lazy,
                               active_test=env.active_test, tz=env.context.get("tz"))


def formatted_read_group(env: Env, domain: Any = None, groupby: Any = (), aggregates: Any = (),
                         having: Any = (), offset: int = 0, limit: int | None = None,
                         order: str | None = None) -> list[dict[str, Any]]:
    return grouping.formatted_read_group(
        env.store, env.model, domain or [], list(groupby or []), list(aggregates or []),
        offset=offset, limit=limit, order=order, active_test=env.active_test,
        tz=env.context.get("tz"))


Method = Callable[..., Any]
MODEL_METHODS: dict[str, Method] = {
    "search_read": search_read, "search": search, "search_count": search_count,
    "fields_get": fields_get, "create": create, "name_search": name_search,
    "read_group": read_group, "formatted_read_group": formatted_read_group,
}
RECORD_METHODS: dict[str, Method] = {
    "read": read, "write": write, "unlink": unlink, "exists": exists,
    "action_archive": action_archive, "action_unarchive": action_unarchive,
}
MAIL_THREAD = frozenset({"helpdesk.ticket", "crm.lead", "sale.order", "account.move",
                         "stock.picking", "res.partner"})


def resolve(store: Store, model: str, method: str, version: int) -> tuple[Method, bool]:
    """The function behind ``model.method`` and whether it takes record ids."""
    store.model_def(model)
    if method.startswith("_"):
        raise OdooAttributeError(f"Private methods (such as '{model}.{method}') cannot be "
                                 "called remotely.")
    if method == "formatted_read_group" and version < 19:
        raise OdooAttributeError(f"The method '{method}' does not exist on the model '{model}'")
    if method == "context_get" and model == "res.users":
        return context_get, False
    if method == "message_post" and model in MAIL_THREAD:
        return message_post, True
    if method in MODEL_METHODS:
        return MODEL_METHODS[method], False
    if method in RECORD_METHODS:
        return RECORD_METHODS[method], True
    raise OdooAttributeError(f"The method '{method}' does not exist on the model '{model}'")

