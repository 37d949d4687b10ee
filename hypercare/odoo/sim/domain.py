"""Domain evaluator: Odoo's prefix-notation domains compiled into predicates.

Semantics follow ``odoo/osv/expression.py`` closely enough for a reader:
``!=``, ``not in``, ``not like``/``not ilike`` include empty values, comparisons
with empty values are false, dotted paths and ``any`` resolve by searching the
comodel (without ``active_test``) and testing membership.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from .errors import OdooValueError
from .fields import RELATIONAL, X2MANY, FieldDef, normalize_dt_value

if TYPE_CHECKING:
    from .orm import Store

Record = dict[str, Any]
Pred = Callable[[Record], bool]

OPERATORS = frozenset(
    {"=", "!=", "<>", "<", "<=", ">", ">=", "=?", "like", "ilike", "not like", "not ilike",
     "=like", "=ilike", "in", "not in", "child_of", "parent_of", "any", "not any"}
)
NEGATIVE = {"!=": "=", "not in": "in", "not like": "like", "not ilike": "ilike", "not any": "any"}
TRUE_LEAF = (1, "=", 1)
FALSE_LEAF = (0, "=", 1)


def compile_domain(store: Store, model: str, domain: Iterable[Any]) -> Pred:
    """Compile ``domain`` on ``model`` into a predicate over raw records."""
    items = list(domain or [])
    stack: list[Pred] = []
    for item in reversed(items):
        if item == "&" or item == "|":
            if len(stack) < 2:
                raise OdooValueError(f"Invalid domain {items!r}")
            a, b = stack.pop(), stack.pop()
            stack.append(_and(a, b) if item == "&" else _or(a, b))
        elif item == "!":
            if not stack:
                raise OdooValueError(f"Invalid domain {items!r}")
            stack.append(_not(stack.pop()))
        elif isinstance(item, list | tuple) and len(item) == 3:
            stack.append(_leaf(store, model, tuple(item)))
        else:
            raise OdooValueError(f"Invalid domain term {item!r}")
    if not stack:
        return lambda r: True
    pred = stack.pop()
    while stack:  # implicit '&' between top-level terms
        pred = _and(pred, stack.pop())
    return pred


def _and(a: Pred, b: Pred) -> Pred:
    return lambda r: a(r) and b(r)


def _not(a: Pred) -> Pred:
    return lambda r: not a(r)


def _or(a: Pred, b: Pred) -> Pred:
    return lambda r: a(r) or b(r)


def _leaf(store: Store, model: str, leaf: tuple[Any, ...]) -> Pred:
    path, op, value = leaf
    if leaf == TRUE_LEAF or (path, op, value) == (1, "=", 1):
        return lambda r: True
    if (path, op, value) == FALSE_LEAF:
        return lambda r: False
    if not isinstance(path, str) or not isinstance(op, str):
        raise OdooValueError(f"Invalid leaf {list(leaf)!r}")
    op = op.lower()
    if op == "<>":
        op = "!="
    if op not in OPERATORS:
        raise OdooValueError(f"Invalid leaf {list(leaf)!r}")
    mdef = store.model_def(model)
    head, _, rest = path.partition(".")
    fdef = mdef.fields.get(head)
    if fdef is None or head in store.hidden_fields(model):
        raise OdooValueError(f"Invalid field {model}.{head} in leaf {list(leaf)!r}")
    getter = store.getter(model, head)
    if rest:
        if fdef.type not in RELATIONAL or not fdef.relation:
            raise OdooValueError(f"Invalid field {model}.{path} in leaf {list(leaf)!r}")
        ids = set(store.search_ids(fdef.relation, [(rest, op, value)], active_test=False))
        return _membership(fdef, getter, ids, negate=False)
    if op in ("any", "not any"):
        if fdef.type not in RELATIONAL or not fdef.relation:
            raise OdooValueError(f"Invalid leaf {list(leaf)!r}: {op} needs a relational field")
        ids = set(store.search_ids(fdef.relation, value, active_test=False))
        return _membership(fdef, getter, ids, negate=op == "not any")
    if fdef.type in RELATIONAL and fdef.relation:
        special = _relational_by_name(store, fdef, getter, op, value)
        if special is not None:
            return special
    if op in ("child_of", "parent_of"):
        target = fdef.relation if fdef.type in RELATIONAL and fdef.relation else model
        ids = _hierarchy(store, target, value, op == "child_of")
        return _membership(fdef, getter, ids, negate=False) if fdef.type in RELATIONAL else (
            lambda r: getter(r) in ids
        )
    test = value_test(fdef, op, value)
    if fdef.type in X2MANY:
        return _x2many_test(op, value, getter)
    return lambda r: test(getter(r))


def _membership(fdef: FieldDef, getter: Callable[[Record], Any], ids: set[int],
                negate: bool) -> Pred:
    if fdef.type in X2MANY:
        def pred(r: Record) -> bool:
            hit = any(i in ids for i in getter(r) or ())
            return hit != negate
        return pred
    if fdef.type == "many2one":
        return lambda r: (getter(r) in ids) != negate
    return lambda r: (getter(r) in ids) != negate


def _relational_by_name(store: Store, fdef: FieldDef, getter: Callable[[Record], Any],
                        op: str, value: Any) -> Pred | None:
    """``('user_id', 'ilike', 'anna')``: match on the comodel's display name."""
    assert fdef.relation
    text_ops = {"like", "ilike", "not like", "not ilike", "=like", "=ilike"}
    names: list[str] | None = None
    if isinstance(value, str) and (op in text_ops or op in ("=", "!=")):
        names = [value]
    elif op in ("in", "not in") and isinstance(value, list | tuple) and value and all(
        isinstance(v, str) for v in value
    ):
        names = list(value)
    if names is None:
        return None
    positive = NEGATIVE.get(op, op)
    matcher = value_test(FieldDef("display_name", "char", "Name"), positive,
                         names if positive == "in" else names[0])
    ids = {rid for rid in store.all_ids(fdef.relation, active_test=False)
           if matcher(store.display_name(fdef.relation, rid))}
    return _membership(fdef, getter, ids, negate=op in NEGATIVE)


def _hierarchy(store: Store, model: str, value: Any, down: bool) -> set[int]:
    start = {value} if isinstance(value, int) else set(value or [])
    parent = store.model_def(model).parent_field
    if not parent:
        return start
    result = set(start)
    frontier = set(start)
    records = store.table(model)
    while frontier:
        if down:
            nxt = {rid for rid, rec in records.items() if rec.get(parent) in frontier}
        else:
            nxt = {records[rid][parent] for rid in frontier
                   if rid in records and records[rid].get(parent)}
        frontier = nxt - result
        result |= frontier
    return result


def _x2many_test(op: str, value: Any, getter: Callable[[Record], Any]) -> Pred:
    if value is False or value is None or value == []:
        if op in ("=", "in"):
            return lambda r: not getter(r)
        if op in ("!=", "not in"):
            return lambda r: bool(getter(r))
    wanted = set(value) if isinstance(value, list | tuple) else {value}
    if op in ("=", "in"):
        return lambda r: any(i in wanted for i in getter(r) or ())
    if op in ("!=", "not in"):
        return lambda r: not any(i in wanted for i in getter(r) or ())
    raise OdooValueError(f"Operator {op!r} not supported on x2many fields")


def _is_null(v: Any, ftype: str) -> bool:
    if ftype == "boolean":
        return v is None
    return v is False or v is None


def _like_regex(pattern: str, ignore_case: bool, wrap: bool) -> re.Pattern[str]:
    out = []
    for ch in pattern:
        if ch == "%":
            out.append(".*")
        elif ch == "_":
            out.append(".")
        else:
            out.append(re.escape(ch))
    body = "".join(out)
    if wrap:
        body = ".*" + body + ".*"
    return re.compile("^" + body + "$", re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def value_test(fdef: FieldDef, op: str, value: Any) -> Callable[[Any], bool]:
    """A test on one raw field value for a non-x2many leaf."""
    ftype = fdef.type
    if ftype in ("datetime", "date"):
        value = normalize_dt_value(value) if ftype == "datetime" else (
            value[:10] if isinstance(value, str) else value
        )
        if isinstance(value, list | tuple):
            value = [normalize_dt_value(v) if ftype == "datetime" else v for v in value]
    if op == "=?":
        if value is None or value is False:
            return lambda v: True
        op = "="
    if op in ("=", "!="):
        neg = op == "!="
        if _is_null(value, ftype) or (value is False and ftype != "boolean"):
            return lambda v: _is_null(v, ftype) != neg
        if ftype == "boolean":
            want = bool(value)
            return lambda v: (bool(v) == want) != neg
        return lambda v: (not _is_null(v, ftype) and _eq(v, value)) != neg
    if op in ("in", "not in"):
        neg = op == "not in"
        values = list(value) if isinstance(value, list | tuple | set) else [value]
        want_null = any(x is False or x is None for x in values) and ftype != "boolean"
        concrete = [x for x in values if not (x is False or x is None)] if ftype != "boolean" else [
            bool(x) for x in values
        ]
        return lambda v: ((_is_null(v, ftype) and want_null) or (
            not _is_null(v, ftype) and any(_eq(v, c) for c in concrete))) != neg
    if op in ("<", "<=", ">", ">="):
        if value is False or value is None:
            return lambda v: False
        cmp = _CMP[op]

        def compare(v: Any) -> bool:
            if _is_null(v, ftype):
                return False
            try:
                return bool(cmp(v, value))
            except TypeError:
                return False
        return compare
    if op in ("like", "ilike", "not like", "not ilike", "=like", "=ilike"):
        neg = op.startswith("not ")
        base = op[4:] if neg else op
        if value is False or value is None:
            value = ""
        rx = _like_regex(str(value), base.endswith("ilike"), wrap=not base.startswith("="))
        return lambda v: (not _is_null(v, ftype) and rx.match(str(v)) is not None) != neg
    raise OdooValueError(f"Invalid operator {op!r}")


def _eq(v: Any, want: Any) -> bool:
    if isinstance(v, bool) != isinstance(want, bool):
        return False
    return bool(v == want)


_CMP: dict[str, Callable[[Any, Any], Any]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}
