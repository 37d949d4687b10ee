"""Helpdesk models: Enterprise ``helpdesk`` and OCA ``helpdesk_mgmt`` flavours.

Each flavour also installs the ORM side effects Odoo's ``write``/``create``
overrides have (stage dates, assignment dates, closing dates, SLA fields) and
chatter tracking of stage and assignee changes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from . import chatter
from .fields import (
    FieldDef,
    ModelDef,
    f_bool,
    f_char,
    f_dt,
    f_float,
    f_html,
    f_int,
    f_m2m,
    f_m2o,
    f_o2m,
    f_sel,
    parse_dt,
    to_dt_str,
)
from .models import model
from .orm import Record, Store

KANBAN = [("normal", "Grey"), ("done", "Green"), ("blocked", "Red")]
ENT_PRIORITY = [("0", "Low priority"), ("1", "Medium priority"), ("2", "High priority"),
                ("3", "Urgent")]
OCA_PRIORITY = [("0", "Low"), ("1", "Medium"), ("2", "High"), ("3", "Very High")]
SLA_HOURS = {"0": 40.0, "1": 24.0, "2": 8.0, "3": 4.0}  # calendar hours per priority


def _sla_fail(store: Store, rec: Record) -> bool:
    deadline = rec.get("sla_deadline")
    return bool((deadline and deadline < store.now_str()) or rec.get("sla_reached_late"))


def _sla_status(store: Store, rec: Record) -> str:
    if rec.get("reached_datetime"):
        deadline = rec.get("deadline")
        return "failed" if deadline and rec["reached_datetime"] > deadline else "reached"
    deadline = rec.get("deadline")
    return "failed" if deadline and deadline < store.now_str() else "ongoing"


def enterprise_models() -> list[ModelDef]:
    ticket = model("helpdesk.ticket", "Helpdesk Ticket", order="priority desc, id desc")
    ticket.display = lambda r: f"{r.get('name') or ''} (#{r.get('ticket_ref') or r['id']})"
    ticket.add(
        f_char("name", "Subject", required=True), f_char("ticket_ref", "Ticket IDs Sequence"),
        f_html("description", "Description"), f_bool("active", "Active", default=True),
        f_m2o("team_id", "Helpdesk Team", "helpdesk.team"),
        f_m2o("ticket_type_id", "Type", "helpdesk.ticket.type"),
        f_m2m("tag_ids", "Tags", "helpdesk.tag"), f_m2o("user_id", "Assigned to", "res.users"),
        f_m2o("partner_id", "Customer", "res.partner"), f_char("partner_name", "Customer Name"),
        f_char("partner_email", "Customer Email"), f_char("partner_phone", "Customer Phone"),
        f_m2o("company_id", "Company", "res.company", readonly=True),
        f_sel("priority", "Priority", ENT_PRIORITY, default="0"),
        f_m2o("stage_id", "Stage", "helpdesk.stage"),
        FieldDef("fold", "boolean", "Folded in Kanban", store=False, readonly=True,
                 related=("stage_id", "fold")),
        f_sel("kanban_state", "Status", KANBAN, default="normal"),
        f_dt("date_last_stage_update", "Last Stage Update", readonly=True),
        f_dt("assign_date", "First assignment date", readonly=True),
        f_dt("close_date", "Close date", readonly=True),
        f_m2m("sla_ids", "SLAs", "helpdesk.sla"),
        f_o2m("sla_status_ids", "SLA Status", "helpdesk.sla.status", "ticket_id"),
        f_dt("sla_deadline", "SLA Deadline", readonly=True),
        f_bool("sla_reached_late", "Has SLA reached late", readonly=True),
        f_bool("sla_reached", "Has SLA reached", readonly=True),
        FieldDef("sla_fail", "boolean", "Failed SLA Policy", store=False, readonly=True,
                 compute=_sla_fail),
    )
    return [
        ticket,
        model("helpdesk.team", "Helpdesk Team", order="sequence, id").add(
            f_char("name", "Helpdesk Team", required=True), f_int("sequence", "Sequence"),
            f_m2o("company_id", "Company", "res.company", required=True),
            f_bool("use_sla", "SLA Policies"), f_m2m("member_ids", "Team Members", "res.users"),
            f_bool("active", "Active", default=True)),
        model("helpdesk.stage", "Helpdesk Stage", order="sequence, id").add(
            f_char("name", "Stage Name", required=True), f_int("sequence", "Sequence"),
            f_bool("fold", "Folded in Kanban"), f_m2m("team_ids", "Helpdesk Teams",
                                                     "helpdesk.team"),
            f_bool("active", "Active", default=True)),
        model("helpdesk.tag", "Helpdesk Tags").add(f_char("name", "Tag Name", required=True),
                                                    f_int("color", "Color")),
        model("helpdesk.ticket.type", "Helpdesk Ticket Type", order="sequence, id").add(
            f_char("name", "Type", required=True), f_int("sequence", "Sequence")),
        model("helpdesk.sla", "Helpdesk SLA Policies").add(
            f_char("name", "SLA Policy Name", required=True),
            f_m2o("team_id", "Helpdesk Team", "helpdesk.team", required=True),
            f_m2o("stage_id", "Target Stage", "helpdesk.stage"),
            f_m2m("exclude_stage_ids", "Excluding Stages", "helpdesk.stage"),
            f_sel("priority", "Priority", ENT_PRIORITY, default="0"),
            f_float("time", "Within"), f_m2o("company_id", "Company", "res.company"),
            f_bool("active", "Active", default=True)),
        model("helpdesk.sla.status", "Ticket SLA Status", order="id", rec_name=None).add(
            f_m2o("ticket_id", "Ticket", "helpdesk.ticket", required=True),
            f_m2o("sla_id", "SLA", "helpdesk.sla", required=True),
            f_m2o("sla_stage_id", "SLA Stage", "helpdesk.stage"),
            f_dt("deadline", "Deadline"), f_dt("reached_datetime", "Reached Date"),
            FieldDef("status", "selection", "Status", store=False, readonly=True,
                     selection=[("failed", "Failed"), ("reached", "Reached"),
                                ("ongoing", "Ongoing")], compute=_sla_status)),
    ]


def oca_models() -> list[ModelDef]:
    ticket = model("helpdesk.ticket", "Helpdesk Ticket",
                   order="priority desc, sequence, number desc, id desc", rec_name="number")
    ticket.display = lambda r: f"{r.get('number') or '/'} - {r.get('name') or ''}"
    ticket.add(
        f_char("number", "Ticket number", default="/", readonly=True),
        f_char("name", "Title", required=True), f_html("description", "Description",
                                                       required=True),
        f_m2o("user_id", "Assigned user", "res.users"),
        f_m2o("stage_id", "Stage", "helpdesk.ticket.stage"),
        f_m2o("partner_id", "Contact", "res.partner"), f_char("partner_name", "Partner Name"),
        f_char("partner_email", "Email"),
        f_dt("last_stage_update", "Last Stage Update"), f_dt("assigned_date", "Assigned Date"),
        f_dt("closed_date", "Closed Date"),
        FieldDef("closed", "boolean", "Closed", store=False, related=("stage_id", "closed")),
        FieldDef("unattended", "boolean", "Unattended", store=True, readonly=True,
                 related=("stage_id", "unattended")),
        f_m2m("tag_ids", "Tags", "helpdesk.ticket.tag"),
        f_m2o("channel_id", "Channel", "helpdesk.ticket.channel"),
        f_m2o("category_id", "Category", "helpdesk.ticket.category"),
        f_m2o("team_id", "Team", "helpdesk.ticket.team"),
        f_m2o("company_id", "Company", "res.company", required=True),
        f_sel("priority", "Priority", OCA_PRIORITY, default="1"),
        f_sel("kanban_state", "Kanban State", KANBAN), f_int("color", "Color Index"),
        f_int("sequence", "Sequence"), f_bool("active", "Active", default=True),
        f_m2o("type_id", "Type", "helpdesk.ticket.type"),
        f_dt("sla_deadline", "SLA deadline"), f_bool("sla_expired", "SLA expired"),
    )
    named = [f_char("name", "Name", required=True), f_bool("active", "Active", default=True),
             f_m2o("company_id", "Company", "res.company")]
    return [
        ticket,
        model("helpdesk.ticket.stage", "Helpdesk Ticket Stage", order="sequence, id").add(
            *named, f_html("description", "Description"), f_int("sequence", "Sequence"),
            f_bool("unattended", "Unattended"), f_bool("closed", "Closed"),
            f_bool("close_from_portal", "Close From Portal"), f_bool("fold", "Folded in Kanban"),
            f_m2m("team_ids", "Helpdesk Teams", "helpdesk.ticket.team")),
        model("helpdesk.ticket.team", "Helpdesk Ticket Team", order="sequence, id").add(
            *named, f_int("sequence", "Sequence"), f_m2m("user_ids", "Members", "res.users"),
            f_m2o("user_id", "Team Leader", "res.users"), f_int("color", "Color Index"),
            f_bool("show_in_portal", "Show in portal form"), f_bool("use_sla", "Use SLA")),
        model("helpdesk.ticket.category", "Helpdesk Ticket Category", order="sequence, id").add(
            *named, f_int("sequence", "Sequence")),
        model("helpdesk.ticket.tag", "Helpdesk Ticket Tag").add(*named, f_int("color", "Color")),
        model("helpdesk.ticket.channel", "Helpdesk Ticket Channel", order="sequence, id").add(
            *named, f_int("sequence", "Sequence")),
        model("helpdesk.ticket.type", "Helpdesk Ticket Type").add(
            f_char("name", "Name", required=True),
            f_m2m("team_ids", "Teams", "helpdesk.ticket.team")),
    ]


def _first_stage(store: Store, stage_model: str) -> int | bool:
    stages = [(s.get("sequence") or 0, sid) for sid, s in store.tables[stage_model].items()
              if s.get("active", True)]
    return min(stages)[1] if stages else False


def _deadline(store: Store, team_model: str, vals: Record, at: str) -> str | bool:
    team = store.tables[team_model].get(vals.get("team_id") or 0)
    if not team or not team.get("use_sla"):
        return False
    hours = SLA_HOURS.get(vals.get("priority") or "0", 24.0)
    return to_dt_str(parse_dt(at) + timedelta(hours=hours))


def enterprise_prepare(store: Store, model_name: str, rec: Record | None, vals: Record,
                       at: str) -> Record:
    extra: Record = {}
    if rec is None:  # create: vals is the full new record
        if not vals.get("stage_id"):
            extra["stage_id"] = _first_stage(store, "helpdesk.stage")
        team = store.tables["helpdesk.team"].get(vals.get("team_id") or 0)
        if team and not vals.get("company_id"):
            extra["company_id"] = team["company_id"]
        extra["ticket_ref"] = vals.get("ticket_ref") or str(vals["id"])
        extra["date_last_stage_update"] = at
        if vals.get("user_id"):
            extra["assign_date"] = at
        deadline = _deadline(store, "helpdesk.team", vals, at)
        if deadline:
            extra["sla_deadline"] = deadline
        return extra
    if "stage_id" in vals and vals["stage_id"] != rec.get("stage_id"):
        extra["date_last_stage_update"] = at
        stage = store.tables["helpdesk.stage"].get(vals["stage_id"] or 0) or {}
        if stage.get("fold"):
            extra["close_date"] = at
            if rec.get("sla_deadline"):
                late = at > rec["sla_deadline"]
                extra.update(sla_reached_late=late or bool(rec.get("sla_reached_late")),
                             sla_reached=not late, sla_deadline=False)
                for sid in rec.get("sla_status_ids") or []:
                    store.tables["helpdesk.sla.status"][sid]["reached_datetime"] = at
        else:
            extra["close_date"] = False
    if vals.get("user_id") and vals["user_id"] != rec.get("user_id"):
        extra["assign_date"] = at
    return extra


def enterprise_sla_status(store: Store, model_name: str, rid: int, at: str, uid: int) -> None:
    rec = store.tables[model_name][rid]
    if not rec.get("sla_deadline"):
        return
    slas = [sid for sid, s in store.tables["helpdesk.sla"].items()
            if s.get("active") and s.get("team_id") == rec.get("team_id")
            and s.get("priority") == rec.get("priority")][:1]
    if slas:
        sla = store.tables["helpdesk.sla"][slas[0]]
        store.create("helpdesk.sla.status", {
            "ticket_id": rid, "sla_id": slas[0], "sla_stage_id": sla.get("stage_id"),
            "deadline": rec["sla_deadline"]}, uid=uid, at=at)
        rec["sla_ids"] = [slas[0]]


def oca_prepare(store: Store, model_name: str, rec: Record | None, vals: Record,
                at: str) -> Record:
    extra: Record = {}
    if rec is None:
        if not vals.get("stage_id"):
            extra["stage_id"] = _first_stage(store, "helpdesk.ticket.stage")
        if not vals.get("number") or vals["number"] == "/":
            extra["number"] = f"HT{vals['id']:05d}"
        extra["last_stage_update"] = at
        if vals.get("user_id"):
            extra["assigned_date"] = at
        deadline = _deadline(store, "helpdesk.ticket.team", vals, at)
        if deadline:
            extra["sla_deadline"] = deadline
        return extra
    if "stage_id" in vals and vals["stage_id"] != rec.get("stage_id"):
        extra["last_stage_update"] = at
        stage = store.tables["helpdesk.ticket.stage"].get(vals["stage_id"] or 0) or {}
        if stage.get("closed"):
            extra["closed_date"] = at
    if vals.get("user_id") and vals["user_id"] != rec.get("user_id"):
        extra["assigned_date"] = at
    return extra


def install(store: Store, flavor: str) -> None:
    """Register the flavour's models and its create/write side effects."""
    defs = enterprise_models() if flavor == "enterprise" else oca_models()
    for mdef in defs:
        store.register(mdef)
    ticket = "helpdesk.ticket"
    store.prepare_hooks[ticket] = [enterprise_prepare if flavor == "enterprise" else oca_prepare]
    store.create_hooks[ticket] = [chatter.creation_hook]
    if flavor == "enterprise":
        store.create_hooks[ticket].append(enterprise_sla_status)
    store.write_hooks[ticket] = [chatter.make_tracker(("stage_id", "user_id", "team_id"))]


def stage_flags(flavor: str) -> dict[str, Any]:
    """Field names the scenario uses to mark a closed stage per flavour."""
    if flavor == "enterprise":
        return {"stage_model": "helpdesk.stage", "team_model": "helpdesk.team",
                "tag_model": "helpdesk.tag", "type_model": "helpdesk.ticket.type",
                "type_field": "ticket_type_id", "members": "member_ids"}
    return {"stage_model": "helpdesk.ticket.stage", "team_model": "helpdesk.ticket.team",
            "tag_model": "helpdesk.ticket.tag", "type_model": "helpdesk.ticket.type",
            "type_field": "type_id", "members": "user_ids"}
