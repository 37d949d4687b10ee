"""Chatter like Odoo's ``mail.thread``: posted messages and field tracking.

A tracked change writes one ``mail.message`` (``message_type='notification'``)
with one ``mail.tracking.value`` per changed field; many2one values are tracked
as ``*_value_integer`` (id) plus ``*_value_char`` (display name).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .fields import DT_FMT

if TYPE_CHECKING:
    from .orm import Store

# xmlid -> (name, internal, description shown in chatter)
SUBTYPES: dict[str, tuple[str, bool]] = {
    "mail.mt_comment": ("Discussions", False),
    "mail.mt_note": ("Note", True),
    "mail.mt_activities": ("Activities", True),
    "helpdesk.mt_ticket_new": ("Ticket Created", False),
    "helpdesk.mt_ticket_stage": ("Stage Changed", False),
}


def install_subtypes(store: Store) -> None:
    for xmlid, (name, internal) in SUBTYPES.items():
        if xmlid not in store.xmlids:
            store.xmlids[xmlid] = store.create(
                "mail.message.subtype", {"name": name, "internal": internal}, uid=1,
                at="2024-01-01 00:00:00")


def partner_of(store: Store, uid: int) -> int | bool:
    user = store.tables["res.users"].get(uid)
    return user["partner_id"] if user else False


def post(store: Store, model: str, res_id: int, *, body: str, message_type: str = "comment",
         subtype_xmlid: str = "mail.mt_note", author_id: int | None = None, uid: int = 2,
         at: str | None = None, email_from: str | None = None,
         tracking: list[dict[str, Any]] | None = None) -> int:
    """Create a chatter message on ``model(res_id)`` and return its id."""
    stamp = at or store.now_str()
    subtype = store.xmlids.get(subtype_xmlid) or store.xmlids["mail.mt_note"]
    internal = SUBTYPES.get(subtype_xmlid, ("", True))[1]
    author = author_id or partner_of(store, uid)
    vals: dict[str, Any] = {
        "model": model, "res_id": res_id, "message_type": message_type,
        "subtype_id": subtype, "is_internal": internal and message_type != "email",
        "author_id": author or False, "body": body or False, "date": stamp,
        "email_from": email_from or _email_of(store, author),
        "record_name": store.display_name(model, res_id),
    }
    message_id = store.insert("mail.message", vals, uid=uid, at=stamp)
    for values in tracking or []:
        store.insert("mail.tracking.value", {**values, "mail_message_id": message_id}, uid=uid,
                     at=stamp)
    return message_id


def _email_of(store: Store, partner_id: Any) -> Any:
    partner = store.tables["res.partner"].get(partner_id) if partner_id else None
    if not partner:
        return False
    return f'"{partner.get("name")}" <{partner.get("email") or "unknown@example.com"}>'


def tracking_value(store: Store, model: str, fname: str, old: Any, new: Any) -> dict[str, Any]:
    """One ``mail.tracking.value`` row (as create values) for a changed field."""
    fdef = store.models[model].fields[fname]
    vals: dict[str, Any] = {"field_id": store.field_ids.get((model, fname), False)}
    if fdef.type == "many2one" and fdef.relation:
        vals["old_value_integer"] = old or 0
        vals["new_value_integer"] = new or 0
        vals["old_value_char"] = store.display_name(fdef.relation, old) if old else False
        vals["new_value_char"] = store.display_name(fdef.relation, new) if new else False
    elif fdef.type == "selection":
        labels = dict(fdef.selection or [])
        vals["old_value_char"] = labels.get(old, old) if old else False
        vals["new_value_char"] = labels.get(new, new) if new else False
    elif fdef.type == "datetime":
        vals["old_value_datetime"] = old or False
        vals["new_value_datetime"] = new or False
    elif fdef.type in ("integer", "boolean"):
        vals["old_value_integer"] = int(old or 0)
        vals["new_value_integer"] = int(new or 0)
    else:
        vals["old_value_char"] = old or False
        vals["new_value_char"] = new or False
    return vals


def make_tracker(tracked: tuple[str, ...], stage_field: str = "stage_id") -> Any:
    """A write hook logging tracked-field changes like ``mail.thread._message_track``."""

    def hook(store: Store, model: str, rid: int, old: dict[str, Any], new: dict[str, Any],
             at: str, uid: int) -> None:
        changed = [f for f in tracked if f in new]
        if not changed:
            return
        values = [tracking_value(store, model, f, old.get(f), new[f]) for f in changed]
        subtype = "helpdesk.mt_ticket_stage" if stage_field in changed else "mail.mt_note"
        post(store, model, rid, body="", message_type="notification", subtype_xmlid=subtype,
             uid=uid, at=at, tracking=values)
    return hook


def creation_hook(store: Store, model: str, rid: int, at: str, uid: int) -> None:
    post(store, model, rid, body="", message_type="notification",
         subtype_xmlid="helpdesk.mt_ticket_new", uid=uid, at=at)


def stamp_from(value: Any) -> str:
    return value.strftime(DT_FMT) if hasattr(value, "strftime") else str(value)
