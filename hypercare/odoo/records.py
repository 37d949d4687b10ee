"""Normalized, frozen records built from raw Odoo values, the same for both helpdesk flavours.

Raw values: many2one ``[id, "name"]`` or ``False``; x2many lists of ids; datetimes as naive UTC
strings ``"YYYY-MM-DD HH:MM:SS"``; empty values ``False``. Records use ``None``/``""``/``()``
instead and timezone-aware UTC datetimes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from hypercare.odoo.schema import HelpdeskSchema
from hypercare.odoo.text import html_to_text
from hypercare.text import clean


@dataclass(frozen=True)
class Ref:
    """A many2one value: id and display name."""

    id: int
    name: str


@dataclass(frozen=True)
class OdooCompany:
    id: int
    name: str


@dataclass(frozen=True)
class OdooTeam:
    id: int
    name: str
    company: Ref | None = None
    active: bool = True


@dataclass(frozen=True)
class OdooStage:
    id: int
    name: str
    sequence: int = 0
    is_closed: bool = False
    fold: bool = False


@dataclass(frozen=True)
class OdooUser:
    id: int
    name: str
    login: str = ""
    email: str = ""
    is_internal: bool = True
    partner_id: int | None = None
    active: bool = True


@dataclass(frozen=True)
class OdooTag:
    id: int
    name: str


@dataclass(frozen=True)
class OdooTicket:
    """One helpdesk ticket, flavour-independent."""

    odoo_id: int
    ref: str
    title: str
    description: str
    company: Ref | None
    team: Ref | None
    stage: Ref | None
    is_closed: bool
    priority: int
    priority_label: str
    assignee: Ref | None
    partner_name: str
    partner_email: str
    tags: tuple[str, ...]
    ticket_type: Ref | None
    category: Ref | None
    channel: Ref | None
    active: bool
    created_at: datetime | None
    updated_at: datetime | None
    assigned_at: datetime | None
    closed_at: datetime | None
    odoo_sla_deadline: datetime | None
    odoo_sla_reached_late: bool | None
    """Enterprise ``sla_reached_late`` (``None`` when the field is absent)."""
    odoo_sla_expired: bool | None
    """OCA SLA add-on ``sla_expired`` (``None`` when the add-on is absent)."""
    url: str


def m2o(value: Any) -> Ref | None:
    """``[id, name]`` (or ``{"id", "display_name"}``, or a bare id) to a :class:`Ref`."""
    if isinstance(value, list | tuple) and value:
        return Ref(int(value[0]), text(value[1]) if len(value) > 1 and value[1] else "")
    if isinstance(value, Mapping) and value.get("id"):
        return Ref(int(value["id"]), text(value.get("display_name") or value.get("name")))
    if isinstance(value, int) and not isinstance(value, bool) and value:
        return Ref(value, "")
    return None


def text(value: Any) -> str:
    """A char value as one clean line (:func:`hypercare.text.clean`: what anyone typed into
    Odoo enters hypercare here, control characters and bidi overrides removed);
    ``False``/``None`` give ``""``."""
    return "" if value in (None, False) else clean(str(value), multiline=False)


def utc(value: Any) -> datetime | None:
    """An Odoo datetime (naive UTC string) or date string to an aware UTC datetime.

    ``datetime.fromisoformat`` (C, fast: a sync parses a few values per ticket) reads
    Odoo's ``YYYY-MM-DD HH:MM:SS[.ffffff]`` and ``YYYY-MM-DD``; odd forms fall back to
    strptime. Naive values are UTC, as Odoo stores them.
    """
    if not value or not isinstance(value, str):
        return None
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        parsed = _parse_loosely(value)
    if parsed is None:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _parse_loosely(value: str) -> datetime | None:
    raw = value.strip().replace("T", " ")
    for fmt in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw[:26], fmt)
        except ValueError:
            continue
    return None


def ids(value: Any) -> list[int]:
    """An x2many value to a list of ids."""
    return [int(v) for v in value if isinstance(v, int)] if isinstance(value, list) else []


def optional_bool(raw: Mapping[str, Any], name: str | None) -> bool | None:
    return bool(raw.get(name)) if name and name in raw else None


def ticket_url(base_url: str, ticket_id: int, *, odoo_urls: bool) -> str:
    """Link to the ticket's form in the web client.

    saas-17.2+ (so 18 and 19) route ``/odoo/<model>/<id>``: ``/odoo/helpdesk.ticket/<id>`` is the
    form Enterprise itself links to (``/odoo/helpdesk/<n>`` would open *team* n's action, not a
    ticket). 17.0/17.1 and older use the hash URL."""
    parts = urlsplit(base_url.rstrip("/"))
    host = parts.netloc.rpartition("@")[2]  # a link for people never carries credentials
    base = urlunsplit((parts.scheme, host, parts.path, "", ""))
    if odoo_urls:
        return f"{base}/odoo/helpdesk.ticket/{ticket_id}"
    return f"{base}/web#id={ticket_id}&model=helpdesk.ticket&view_type=form"


def map_ticket(
    raw: Mapping[str, Any],
    schema: HelpdeskSchema,
    *,
    stages: Mapping[int, OdooStage],
    tags: Mapping[int, OdooTag],
    base_url: str,
    odoo_urls: bool,
) -> OdooTicket:
    """Build an :class:`OdooTicket` from one ``search_read`` row."""
    odoo_id = int(raw["id"])
    stage = m2o(raw.get("stage_id"))
    closed_field = schema.field("stage_closed")
    if closed_field and closed_field in raw:
        is_closed = bool(raw[closed_field])
    else:
        is_closed = bool(stage and stage.id in stages and stages[stage.id].is_closed)
    ref_field = schema.field("ref")
    ref = text(raw.get(ref_field)) if ref_field else ""
    priority, label = schema.priority(raw.get("priority"))
    partner = m2o(raw.get("partner_id"))

    def field(logical: str) -> Any:
        name = schema.field(logical)
        return raw.get(name) if name else None

    return OdooTicket(
        odoo_id=odoo_id,
        ref=ref if ref and ref != "/" else f"#{odoo_id}",
        title=text(raw.get("name")),
        description=html_to_text(raw.get("description")),
        company=m2o(raw.get("company_id")),
        team=m2o(raw.get("team_id")),
        stage=stage,
        is_closed=is_closed,
        priority=priority,
        priority_label=label,
        assignee=m2o(raw.get("user_id")),
        partner_name=text(raw.get("partner_name")) or (partner.name if partner else ""),
        partner_email=text(raw.get("partner_email")),
        tags=tuple(tags[t].name if t in tags else f"#{t}" for t in ids(raw.get("tag_ids"))),
        ticket_type=m2o(field("ticket_type")),
        category=m2o(field("category")),
        channel=m2o(field("channel")),
        active=bool(raw.get("active", True)),
        created_at=utc(raw.get("create_date")),
        updated_at=utc(raw.get("write_date")),
        assigned_at=utc(field("assigned_at")),
        closed_at=utc(field("closed_at")),
        odoo_sla_deadline=utc(raw.get("sla_deadline")),
        odoo_sla_reached_late=optional_bool(raw, schema.field("sla_late")),
        odoo_sla_expired=optional_bool(raw, schema.field("sla_expired")),
        url=ticket_url(base_url, odoo_id, odoo_urls=odoo_urls),
    )
