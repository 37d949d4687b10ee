"""Field and model definitions of the in-memory ORM.

Raw values held in the store follow Odoo's wire conventions so reading is cheap:
many2one is an ``int`` or ``False``, x2many a ``list[int]``, datetimes naive UTC
strings ``YYYY-MM-DD HH:MM:SS``, dates ``YYYY-MM-DD``, empty values ``False``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DT_FMT = "%Y-%m-%d %H:%M:%S"
DATE_FMT = "%Y-%m-%d"

Compute = Callable[[Any, dict[str, Any]], Any]  # (store, raw record) -> raw value
RELATIONAL = frozenset({"many2one", "one2many", "many2many"})
X2MANY = frozenset({"one2many", "many2many"})
NUMERIC = frozenset({"integer", "float", "monetary"})


@dataclass
class FieldDef:
    """One field's metadata (what ``fields_get`` reports) and behaviour."""

    name: str
    type: str
    string: str
    relation: str | None = None
    selection: list[tuple[str, str]] | None = None
    store: bool = True
    readonly: bool = False
    required: bool = False
    related: tuple[str, ...] | None = None
    compute: Compute | None = None
    inverse_name: str | None = None  # one2many: the many2one on the comodel
    default: Any = None
    help: str | None = None
    is_computed: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self.is_computed = self.related is not None or self.compute is not None

    def empty(self) -> Any:
        if self.type in X2MANY:
            return []
        if self.type in NUMERIC:
            return 0
        return False

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "string": self.string,
            "type": self.type,
            "store": self.store,
            "readonly": self.readonly,
            "required": self.required,
            "searchable": True,
            "sortable": self.store,
            "name": self.name,
        }
        if self.relation:
            out["relation"] = self.relation
        if self.selection is not None:
            out["selection"] = [list(pair) for pair in self.selection]
        if self.related:
            out["related"] = ".".join(self.related)
        if self.inverse_name:
            out["relation_field"] = self.inverse_name
        if self.help:
            out["help"] = self.help
        return out


@dataclass
class ModelDef:
    """A model: its fields, default order and how its display name is built."""

    name: str
    description: str
    fields: dict[str, FieldDef] = field(default_factory=dict)
    order: str = "id"
    rec_name: str | None = "name"
    display: Callable[[dict[str, Any]], str] | None = None
    parent_field: str | None = None

    def add(self, *defs: FieldDef) -> ModelDef:
        for fdef in defs:
            self.fields[fdef.name] = fdef
        return self

    @property
    def has_active(self) -> bool:
        return "active" in self.fields


def f_char(name: str, string: str, **kw: Any) -> FieldDef:
    return FieldDef(name, "char", string, **kw)


def f_text(name: str, string: str, **kw: Any) -> FieldDef:
    return FieldDef(name, "text", string, **kw)


def f_html(name: str, string: str, **kw: Any) -> FieldDef:
    return FieldDef(name, "html", string, **kw)


def f_bool(name: str, string: str, **kw: Any) -> FieldDef:
    kw.setdefault("default", False)
    return FieldDef(name, "boolean", string, **kw)


def f_int(name: str, string: str, **kw: Any) -> FieldDef:
    return FieldDef(name, "integer", string, **kw)


def f_float(name: str, string: str, **kw: Any) -> FieldDef:
    return FieldDef(name, "float", string, **kw)


def f_money(name: str, string: str, **kw: Any) -> FieldDef:
    return FieldDef(name, "monetary", string, **kw)


def f_dt(name: str, string: str, **kw: Any) -> FieldDef:
    return FieldDef(name, "datetime", string, **kw)


def f_date(name: str, string: str, **kw: Any) -> FieldDef:
    return FieldDef(name, "date", string, **kw)


def f_sel(name: str, string: str, selection: list[tuple[str, str]], **kw: Any) -> FieldDef:
    return FieldDef(name, "selection", string, selection=selection, **kw)


def f_m2o(name: str, string: str, relation: str, **kw: Any) -> FieldDef:
    return FieldDef(name, "many2one", string, relation=relation, **kw)


def f_m2m(name: str, string: str, relation: str, **kw: Any) -> FieldDef:
    return FieldDef(name, "many2many", string, relation=relation, **kw)


def f_o2m(name: str, string: str, relation: str, inverse: str, **kw: Any) -> FieldDef:
    return FieldDef(name, "one2many", string, relation=relation, inverse_name=inverse, **kw)


def magic_fields() -> list[FieldDef]:
    """``_log_access`` fields every regular model has, plus ``id`` and display_name."""
    return [
        FieldDef("id", "integer", "ID", readonly=True),
        FieldDef("display_name", "char", "Display Name", store=False, readonly=True),
        f_dt("create_date", "Created on", readonly=True),
        f_m2o("create_uid", "Created by", "res.users", readonly=True),
        f_dt("write_date", "Last Updated on", readonly=True),
        f_m2o("write_uid", "Last Updated by", "res.users", readonly=True),
    ]


def to_dt_str(value: datetime) -> str:
    """Naive UTC string of a datetime (tz-aware values are converted to UTC)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(sep=" ", timespec="seconds")


def parse_dt(value: str) -> datetime:
    """Parse an Odoo datetime string into an aware UTC datetime."""
    return datetime.strptime(value[:19], DT_FMT).replace(tzinfo=UTC)


def normalize_dt_value(value: Any) -> Any:
    """Accept ``YYYY-MM-DD``, ISO ``T`` separators and datetimes for datetime fields."""
    if isinstance(value, datetime):
        return to_dt_str(value)
    if isinstance(value, str) and value:
        text = value.replace("T", " ")
        if len(text) == 10:
            return text + " 00:00:00"
        return text[:19]
    return value
