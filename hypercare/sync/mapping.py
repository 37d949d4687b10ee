"""Normalized Odoo records -> store rows (plain dicts the store upserts)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hypercare.odoo import OdooCompany, OdooStage, OdooTag, OdooTeam, OdooTicket, OdooUser, Ref


def _id(ref: Ref | None) -> int | None:
    return ref.id if ref else None


def _name(ref: Ref | None) -> str:
    return ref.name if ref else ""


def ticket_row(ticket: OdooTicket, *, synced_at: datetime) -> dict[str, Any]:
    """One ``ticket`` row; derived columns (first response, reopens) are the event log's job."""
    late = ticket.odoo_sla_reached_late
    if late is None:
        late = bool(ticket.odoo_sla_expired)
    return {
        "odoo_id": ticket.odoo_id,
        "ref": ticket.ref,
        "title": ticket.title,
        "description": ticket.description,
        "company_odoo_id": _id(ticket.company),
        "company": _name(ticket.company),
        "team_odoo_id": _id(ticket.team),
        "team": _name(ticket.team),
        "stage_odoo_id": _id(ticket.stage),
        "stage": _name(ticket.stage),
        "is_closed": ticket.is_closed,
        "priority": ticket.priority,
        "priority_label": ticket.priority_label,
        "assignee_odoo_id": _id(ticket.assignee),
        "assignee": _name(ticket.assignee),
        "partner_name": ticket.partner_name,
        "partner_email": ticket.partner_email,
        "tags": list(ticket.tags),
        "ticket_type": _name(ticket.ticket_type),
        "odoo_category": _name(ticket.category),
        "channel": _name(ticket.channel),
        "active": ticket.active,
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "assigned_at": ticket.assigned_at,
        "closed_at": ticket.closed_at,
        "odoo_sla_deadline": ticket.odoo_sla_deadline,
        "odoo_sla_reached_late": late,
        "url": ticket.url,
        "synced_at": synced_at,
        "needs_derive": True,
    }


def company_row(company: OdooCompany, *, now: datetime) -> dict[str, Any]:
    return {"odoo_id": company.id, "name": company.name, "updated_at": now}


def team_row(team: OdooTeam, *, now: datetime) -> dict[str, Any]:
    return {
        "odoo_id": team.id,
        "name": team.name,
        "company_odoo_id": _id(team.company),
        "active": team.active,
        "updated_at": now,
    }


def stage_row(stage: OdooStage, *, now: datetime) -> dict[str, Any]:
    return {
        "odoo_id": stage.id,
        "name": stage.name,
        "sequence": stage.sequence,
        "is_closed": stage.is_closed,
        "updated_at": now,
    }


def user_row(user: OdooUser, *, now: datetime) -> dict[str, Any]:
    return {
        "odoo_id": user.id,
        "name": user.name,
        "login": user.login,
        "email": user.email,
        "partner_odoo_id": user.partner_id,
        "is_internal": user.is_internal,
        "active": user.active,
        "updated_at": now,
    }


def tag_row(tag: OdooTag, *, now: datetime) -> dict[str, Any]:
    return {"odoo_id": tag.id, "name": tag.name, "updated_at": now}
