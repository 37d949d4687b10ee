"""x2many write commands: ``(0,0,vals)`` create, ``(1,id,vals)`` update, ``(2,id)`` delete,
``(3,id)`` unlink, ``(4,id)`` link, ``(5,)`` clear, ``(6,0,ids)`` set; a bare id list sets."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .fields import FieldDef

if TYPE_CHECKING:
    from .orm import Store


def queue_x2many(store: Store, model: str, fdef: FieldDef, value: Any,
                 deferred: list[Callable[[int], None]], at: str, uid: int) -> None:
    """Queue x2many commands, applied once the record id is known."""
    assert fdef.relation
    comodel = fdef.relation
    ops = value if isinstance(value, list) else []

    def current(rid: int) -> list[int]:
        return list(store.tables[model].get(rid, {}).get(fdef.name, []) or [])

    plan: list[tuple[Any, ...]] = []
    for cmd in ops:
        if isinstance(cmd, int):
            plan.append((4, cmd))
        elif isinstance(cmd, list | tuple) and cmd:
            plan.append(tuple(cmd))
    if ops and all(isinstance(c, int) for c in ops):
        plan = [(6, 0, list(ops))]

    def apply(rid: int) -> None:
        ids = current(rid)
        for cmd in plan:
            code = cmd[0]
            if code == 0:
                child_vals = dict(cmd[2])
                if fdef.type == "one2many" and fdef.inverse_name:
                    child_vals[fdef.inverse_name] = rid
                new_id = store.create(comodel, child_vals, uid=uid, at=at)
                if new_id not in ids:
                    ids.append(new_id)
            elif code == 1:
                store.write(comodel, [cmd[1]], dict(cmd[2]), uid=uid, write_date=at)
            elif code in (2, 3):
                if code == 2:
                    store.unlink(comodel, [cmd[1]])
                ids = [i for i in ids if i != cmd[1]]
            elif code == 4:
                store.check_exist(comodel, [cmd[1]])
                if cmd[1] not in ids:
                    ids.append(cmd[1])
            elif code == 5:
                ids = []
            elif code == 6:
                store.check_exist(comodel, list(cmd[2]))
                ids = list(dict.fromkeys(cmd[2]))
        store.tables[model][rid][fdef.name] = ids
    deferred.append(apply)
