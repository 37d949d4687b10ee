"""A ticket's chatter: ``mail.message`` rows and, where readable, ``mail.tracking.value``.

Many tickets are read in one call (``res_id in [...]``); ``since_id`` makes reads incremental.
Every helpdesk message is read in pages (:meth:`ChatterReader.page_messages`, raw rows in
``write_date, id`` order for keyset paging), each page then mapped once
(:meth:`ChatterReader.map_messages`).
Each message gets a ``kind``: ``public_reply`` (internal author, visible to the customer),
``customer_message`` (external author), ``internal_note``, ``tracking`` (field changes) or
``system``. Tracking values may be denied to the technical user: the batch then says so
(``tracking_readable=False``) instead of failing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from hypercare.errors import OdooAccessError
from hypercare.odoo.client import Domain, OdooClient
from hypercare.odoo.helpdesk import PAGE_ORDER
from hypercare.odoo.records import Ref, ids, m2o, text, utc
from hypercare.odoo.schema import TICKET
from hypercare.odoo.text import html_to_text

MessageKind = Literal["public_reply", "customer_message", "internal_note", "tracking", "system"]
MESSAGE_FIELDS = (
    "res_id", "date", "author_id", "message_type", "subtype_id", "is_internal", "body",
    "tracking_value_ids",
)  # fmt: skip
MESSAGE_PAGE_FIELDS = (*MESSAGE_FIELDS, "write_date")
TRACKING_FIELDS = (
    "mail_message_id", "field_id", "field", "field_desc", "old_value_char", "new_value_char",
    "old_value_integer", "new_value_integer",
)  # fmt: skip


@dataclass(frozen=True)
class OdooTracking:
    """One tracked field change (stage, assignee, ...)."""

    message_id: int
    field: str
    """Technical field name (``stage_id``, ``user_id``); the label when the name is unknown."""
    old_value: str
    new_value: str
    old_id: int | None = None
    new_id: int | None = None


@dataclass(frozen=True)
class OdooMessage:
    id: int
    ticket_id: int
    date: datetime | None
    author: Ref | None
    author_is_internal: bool
    kind: MessageKind
    body_text: str
    tracking: tuple[OdooTracking, ...] = ()


@dataclass(frozen=True)
class ChatterBatch:
    messages: tuple[OdooMessage, ...]
    tracking_readable: bool
    """False when ``mail.tracking.value`` is denied: tracking messages then carry no values."""
    last_id: int
    """Highest message id read (pass it as ``since_id`` next time)."""


class ChatterReader:
    """Reads chatter; caches subtypes, internal partners and field names across calls."""

    def __init__(self, client: OdooClient, model: str = TICKET) -> None:
        self.client = client
        self.model = model
        self._internal_subtypes: dict[int, bool] = {}
        self._internal_partners: dict[int, bool] = {}
        self._field_names: dict[int, str] = {}
        self._tracking_fields: list[str] | None = None
        self.tracking_readable = True

    def read(
        self, ticket_ids: Sequence[int], *, since_id: int = 0, limit: int | None = None
    ) -> ChatterBatch:
        """Messages of ``ticket_ids`` with id > ``since_id``, oldest first."""
        if not ticket_ids:
            return ChatterBatch((), self.tracking_readable, since_id)
        domain: list[tuple[str, str, Any]] = [
            ("model", "=", self.model),
            ("res_id", "in", list(ticket_ids)),
        ]
        if since_id:
            domain.append(("id", ">", since_id))
        rows = self.client.search_read(
            "mail.message", domain, MESSAGE_FIELDS, order="id asc", limit=limit
        )
        messages = self.map_messages(rows)
        last = max((m.id for m in messages), default=since_id)
        return ChatterBatch(messages, self.tracking_readable, last)

    def page_messages(
        self, domain: Domain, *, limit: int | None, offset: int = 0
    ) -> list[dict[str, Any]]:
        """One page of raw ``mail.message`` rows of this reader's model (every ticket's) that
        match ``domain``, in :data:`~hypercare.odoo.helpdesk.PAGE_ORDER`; map them with
        :meth:`map_messages`. The sync reads chatter this way, since a cursor, rather than
        per ticket."""
        return self.client.search_read(
            "mail.message", [("model", "=", self.model), *domain], MESSAGE_PAGE_FIELDS,
            order=PAGE_ORDER, limit=limit, offset=offset,
        )  # fmt: skip

    def map_messages(self, rows: Sequence[Mapping[str, Any]]) -> tuple[OdooMessage, ...]:
        """Normalize raw ``mail.message`` rows read with :data:`MESSAGE_FIELDS` (by
        :meth:`read` or :meth:`page_messages`)."""
        self._learn_subtypes({s.id for r in rows if (s := m2o(r.get("subtype_id")))})
        self._learn_partners({a.id for r in rows if (a := m2o(r.get("author_id")))})
        tracking = self._tracking([t for r in rows for t in ids(r.get("tracking_value_ids"))])
        return tuple(self._message(row, tracking) for row in rows)

    def _message(
        self, row: Mapping[str, Any], tracking: Mapping[int, list[OdooTracking]]
    ) -> OdooMessage:
        author = m2o(row.get("author_id"))
        internal_author = bool(author and self._internal_partners.get(author.id))
        subtype = m2o(row.get("subtype_id"))
        note = bool(row.get("is_internal")) or bool(
            subtype and self._internal_subtypes.get(subtype.id)
        )
        has_tracking = bool(ids(row.get("tracking_value_ids")))
        message_type = text(row.get("message_type"))
        kind: MessageKind
        if has_tracking:
            kind = "tracking"
        elif message_type in ("comment", "email", "email_outgoing") and note:
            kind = "internal_note"
        elif message_type in ("comment", "email", "email_outgoing"):
            kind = "public_reply" if internal_author else "customer_message"
        else:
            kind = "system"
        return OdooMessage(
            id=int(row["id"]),
            ticket_id=int(row.get("res_id") or 0),
            date=utc(row.get("date")),
            author=author,
            author_is_internal=internal_author,
            kind=kind,
            body_text=html_to_text(row.get("body")),
            tracking=tuple(tracking.get(int(row["id"]), ())),
        )

    def _learn_subtypes(self, subtype_ids: set[int]) -> None:
        missing = sorted(subtype_ids - self._internal_subtypes.keys())
        if missing:
            rows = self.client.read("mail.message.subtype", missing, ["internal"])
            self._internal_subtypes.update({int(r["id"]): bool(r.get("internal")) for r in rows})

    def _learn_partners(self, partner_ids: set[int]) -> None:
        missing = sorted(partner_ids - self._internal_partners.keys())
        if not missing:
            return
        rows = self.client.search_read(
            "res.users",
            [("partner_id", "in", missing), ("share", "=", False)],
            ["partner_id"],
            context={"active_test": False},
        )
        internal = {p.id for r in rows if (p := m2o(r.get("partner_id")))}
        self._internal_partners.update({pid: pid in internal for pid in missing})

    def _tracking(self, tracking_ids: list[int]) -> dict[int, list[OdooTracking]]:
        if not tracking_ids or not self.tracking_readable:
            return {}
        try:
            if self._tracking_fields is None:
                available = self.client.fields_get("mail.tracking.value", attributes=("type",))
                self._tracking_fields = [f for f in TRACKING_FIELDS if f in available]
            rows = self.client.read("mail.tracking.value", tracking_ids, self._tracking_fields)
        except OdooAccessError:
            self.tracking_readable = False
            return {}
        self._learn_field_names({f.id for r in rows if (f := m2o(r.get("field_id")))})
        out: dict[int, list[OdooTracking]] = {}
        for row in rows:
            message = m2o(row.get("mail_message_id"))
            if message is None:
                continue
            out.setdefault(message.id, []).append(self._tracking_value(message.id, row))
        return out

    def _tracking_value(self, message_id: int, row: Mapping[str, Any]) -> OdooTracking:
        field = m2o(row.get("field_id"))
        name = text(row.get("field")) or (self._field_names.get(field.id, "") if field else "")
        return OdooTracking(
            message_id=message_id,
            field=name or (field.name if field else text(row.get("field_desc"))),
            old_value=text(row.get("old_value_char")),
            new_value=text(row.get("new_value_char")),
            old_id=int(row["old_value_integer"]) if row.get("old_value_integer") else None,
            new_id=int(row["new_value_integer"]) if row.get("new_value_integer") else None,
        )

    def _learn_field_names(self, field_ids: set[int]) -> None:
        missing = sorted(field_ids - self._field_names.keys())
        if not missing:
            return
        try:
            rows = self.client.read("ir.model.fields", missing, ["name"])
        except OdooAccessError:
            rows = []
        self._field_names.update({int(r["id"]): text(r.get("name")) for r in rows})
        self._field_names.update({fid: "" for fid in missing if fid not in self._field_names})
