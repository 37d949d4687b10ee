"""Which helpdesk is installed, and how its fields are named.

Two flavours exist: Odoo Enterprise ``helpdesk`` (stages ``helpdesk.stage`` closed when folded,
``ticket_ref``, ``ticket_type_id``, SLA fields ``sla_deadline``/``sla_reached_late``) and OCA
``helpdesk_mgmt`` (stages ``helpdesk.ticket.stage`` with ``closed``, teams
``helpdesk.ticket.team``, ``number``, ``category_id``, optional ``helpdesk_type`` ``type_id`` and
SLA add-on ``sla_deadline``/``sla_expired``). Detection reads ``fields_get`` once per model; only
fields that exist are ever requested, so a missing optional add-on never breaks a read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from hypercare.errors import OdooModelMissingError
from hypercare.odoo.client import OdooClient

Flavor = Literal["enterprise", "oca"]
TICKET = "helpdesk.ticket"

#: Add-on names reported by :attr:`HelpdeskSchema.addons`.
ADDON_TYPE = "helpdesk_type"
ADDON_OCA_SLA = "helpdesk_mgmt_sla"
ADDON_ENTERPRISE_SLA = "enterprise_sla"

#: Same normalized number = same severity on both flavours: 0 Low .. 3 Urgent / Very High.
PRIORITY_LABELS: dict[Flavor, dict[str, str]] = {
    "enterprise": {"0": "Low", "1": "Medium", "2": "High", "3": "Urgent"},
    "oca": {"0": "Low", "1": "Medium", "2": "High", "3": "Very High"},
}
DEFAULT_PRIORITY: dict[Flavor, str] = {"enterprise": "0", "oca": "1"}

#: Logical ticket field -> raw field name, per flavour (absent: the flavour has no such field).
_FIELD_NAMES: dict[Flavor, dict[str, str]] = {
    "enterprise": {
        "ref": "ticket_ref", "ticket_type": "ticket_type_id", "assigned_at": "assign_date",
        "closed_at": "close_date", "sla_late": "sla_reached_late", "stage_closed": "fold",
    },
    "oca": {
        "ref": "number", "ticket_type": "type_id", "category": "category_id",
        "channel": "channel_id", "assigned_at": "assigned_date", "closed_at": "closed_date",
        "sla_expired": "sla_expired", "stage_closed": "closed",
    },
}  # fmt: skip
_COMMON = (
    "id", "name", "description", "company_id", "team_id", "stage_id", "priority", "user_id",
    "partner_id", "partner_name", "partner_email", "tag_ids", "active", "create_date",
    "write_date", "sla_deadline",
)  # fmt: skip
_DEFAULT_MODELS: dict[Flavor, dict[str, str]] = {
    "enterprise": {"team": "helpdesk.team", "stage": "helpdesk.stage", "tag": "helpdesk.tag"},
    "oca": {
        "team": "helpdesk.ticket.team", "stage": "helpdesk.ticket.stage",
        "tag": "helpdesk.ticket.tag",
    },
}  # fmt: skip


@dataclass(frozen=True)
class ReferenceModels:
    """Model names of a flavour's reference data (``None``: not installed)."""

    team: str
    stage: str
    tag: str
    ticket_type: str | None = None
    category: str | None = None
    channel: str | None = None


@dataclass(frozen=True)
class HelpdeskSchema:
    """What :func:`detect_schema` learnt about the installed helpdesk."""

    flavor: Flavor
    models: ReferenceModels
    ticket_fields: frozenset[str]
    stage_fields: frozenset[str]
    stage_closed_field: str
    """Stage field that means "closed": ``fold`` (Enterprise 17+), ``is_close`` (older), ``closed``
    (OCA)."""
    addons: frozenset[str]

    def field(self, logical: str) -> str | None:
        """Raw ticket field for a logical name (``"ref"``), if this database has it."""
        name = _FIELD_NAMES[self.flavor].get(logical, logical)
        return name if name in self.ticket_fields else None

    def ticket_read_fields(self) -> list[str]:
        """The ticket fields to request: the wanted ones that exist."""
        wanted = list(_COMMON) + list(_FIELD_NAMES[self.flavor].values())
        return [name for name in dict.fromkeys(wanted) if name in self.ticket_fields]

    def priority(self, raw: object) -> tuple[int, str]:
        """Normalized priority 0..3 and this flavour's label for a raw selection key."""
        labels = PRIORITY_LABELS[self.flavor]
        key = str(raw) if raw not in (None, False, "") else DEFAULT_PRIORITY[self.flavor]
        if key not in labels:
            key = DEFAULT_PRIORITY[self.flavor]
        return int(key), labels[key]


def detect_schema(client: OdooClient) -> HelpdeskSchema:
    """Read ``fields_get`` of the ticket and stage models and name the flavour."""
    try:
        ticket = client.fields_get(TICKET, attributes=("type", "relation"))
    except OdooModelMissingError as exc:
        raise OdooModelMissingError(
            "no helpdesk is installed on this Odoo database (model 'helpdesk.ticket' is missing)",
            model=TICKET,
            hint="Install Helpdesk (Odoo Enterprise) or helpdesk_mgmt (OCA), or check "
            "HYPERCARE_ODOO__DB.",
        ) from exc
    relation = _relation(ticket, "stage_id")
    if relation:
        flavor: Flavor = "oca" if relation == "helpdesk.ticket.stage" else "enterprise"
    else:
        flavor = "oca" if "number" in ticket and "ticket_ref" not in ticket else "enterprise"
    defaults = _DEFAULT_MODELS[flavor]
    type_field = "ticket_type_id" if flavor == "enterprise" else "type_id"
    models = ReferenceModels(
        team=_relation(ticket, "team_id") or defaults["team"],
        stage=relation or defaults["stage"],
        tag=_relation(ticket, "tag_ids") or defaults["tag"],
        ticket_type=_relation(ticket, type_field),
        category=_relation(ticket, "category_id"),
        channel=_relation(ticket, "channel_id"),
    )
    stage = client.fields_get(models.stage, attributes=("type",))
    if flavor == "oca":
        closed_field = "closed"
    else:
        closed_field = "is_close" if "is_close" in stage and "fold" not in stage else "fold"
    addons: set[str] = set()
    if models.ticket_type and flavor == "oca":
        addons.add(ADDON_TYPE)
    if flavor == "oca" and ({"sla_deadline", "sla_expired"} & ticket.keys()):
        addons.add(ADDON_OCA_SLA)
    if flavor == "enterprise" and "sla_deadline" in ticket:
        addons.add(ADDON_ENTERPRISE_SLA)
    return HelpdeskSchema(
        flavor=flavor,
        models=models,
        ticket_fields=frozenset(ticket),
        stage_fields=frozenset(stage),
        stage_closed_field=closed_field,
        addons=frozenset(addons),
    )


def _relation(fields: dict[str, dict[str, object]], name: str) -> str | None:
    relation = fields.get(name, {}).get("relation")
    return str(relation) if relation else None
