"""Model definitions shared by both flavours (base, mail and business apps)."""

from __future__ import annotations

from typing import Any

from .fields import (
    ModelDef,
    f_bool,
    f_char,
    f_date,
    f_dt,
    f_float,
    f_html,
    f_int,
    f_m2m,
    f_m2o,
    f_money,
    f_o2m,
    f_sel,
    magic_fields,
)

MESSAGE_TYPES = [("email", "Incoming Email"), ("comment", "Comment"),
                 ("email_outgoing", "Outgoing Email"), ("notification", "System notification"),
                 ("auto_comment", "Automated Targeted Notification"),
                 ("user_notification", "User Specific Notification")]


def model(name: str, description: str, *, order: str = "id", rec_name: str | None = "name",
          **kw: Any) -> ModelDef:
    mdef = ModelDef(name, description, order=order, rec_name=rec_name, **kw)
    return mdef.add(*magic_fields())


def company_fields() -> list[Any]:
    return [f_m2o("company_id", "Company", "res.company")]


def common_models(version: int) -> list[ModelDef]:
    """Base/mail/business models; ``version`` picks 17/18 vs 19 field names."""
    return [*_base_models(version), *_mail_models(), *_business_models()]


def _base_models(version: int) -> list[ModelDef]:
    """Companies, contacts, users and the model registry."""
    groups = "group_ids" if version >= 19 else "groups_id"
    return [
        model("res.company", "Companies", order="sequence, name").add(
            f_char("name", "Company Name", required=True), f_int("sequence", "Sequence"),
            f_m2o("partner_id", "Partner", "res.partner"),
            f_char("email", "Email"), f_m2o("currency_id", "Currency", "res.currency"),
            f_char("tz", "Timezone (resource calendar)"), f_char("country_code", "Country Code")),
        model("res.currency", "Currency").add(
            f_char("name", "Currency", required=True), f_char("symbol", "Symbol"),
            f_bool("active", "Active", default=True)),
        model("res.partner", "Contact", order="complete_name ASC, id DESC",
              parent_field="parent_id").add(
            f_char("name", "Name"), f_char("complete_name", "Complete Name"),
            f_char("email", "Email"), f_char("phone", "Phone"),
            f_bool("is_company", "Is a Company"), f_m2o("parent_id", "Related Company",
                                                         "res.partner"),
            f_bool("active", "Active", default=True), *company_fields(),
            f_m2o("user_id", "Salesperson", "res.users"), f_char("tz", "Timezone"),
            f_bool("customer_rank_positive", "Is a Customer")),
        model("res.groups", "Access Groups").add(f_char("name", "Name", required=True),
                                                 f_char("full_name", "Group Name")),
        model("res.users", "User", order="name, login").add(
            f_char("login", "Login", required=True), f_char("name", "Name"),
            f_char("email", "Email"), f_m2o("partner_id", "Related Partner", "res.partner",
                                            required=True),
            f_bool("share", "Share User", readonly=True, help="External user with limited "
                   "access, created only for the purpose of sharing data."),
            f_m2o("company_id", "Company", "res.company", required=True),
            f_m2m("company_ids", "Companies", "res.company"),
            f_bool("active", "Active", default=True), f_dt("login_date", "Latest Connection",
                                                           readonly=True),
            f_m2m(groups, "Groups", "res.groups"), f_char("tz", "Timezone"),
            f_char("lang", "Language")),
        model("ir.model", "Models", order="model", rec_name="name").add(
            f_char("name", "Model Description", required=True),
            f_char("model", "Model", required=True), f_char("modules", "In Apps"),
            f_sel("state", "Type", [("manual", "Custom Object"), ("base", "Base Object")])),
        model("ir.model.fields", "Fields", order="name", rec_name="field_description").add(
            f_char("name", "Field Name", required=True), f_char("model", "Model Name"),
            f_m2o("model_id", "Model", "ir.model"),
            f_char("field_description", "Field Label"), f_char("ttype", "Field Type"),
            f_char("relation", "Related Model"), f_bool("store", "Stored")),
    ]


def _mail_models() -> list[ModelDef]:
    """The chatter: messages, subtypes, tracked changes, activities."""
    return [
        model("mail.message.subtype", "Message subtypes", order="sequence, id").add(
            f_char("name", "Message Type", required=True), f_bool("internal", "Internal Only"),
            f_int("sequence", "Sequence")),
        model("mail.message", "Message", order="id desc", rec_name="record_name").add(
            f_char("model", "Related Document Model"), f_int("res_id", "Related Document ID"),
            f_char("record_name", "Message Record Name"), f_char("subject", "Subject"),
            f_sel("message_type", "Type", MESSAGE_TYPES, required=True),
            f_m2o("subtype_id", "Subtype", "mail.message.subtype"),
            f_bool("is_internal", "Employee Only"), f_m2o("author_id", "Author", "res.partner"),
            f_char("email_from", "From"), f_html("body", "Contents"), f_dt("date", "Date"),
            f_m2m("partner_ids", "Recipients", "res.partner"),
            f_o2m("tracking_value_ids", "Tracking values", "mail.tracking.value",
                  "mail_message_id")),
        model("mail.tracking.value", "Mail Tracking Value", order="id", rec_name=None).add(
            f_m2o("field_id", "Changed Field", "ir.model.fields"),
            f_char("old_value_char", "Old Value Char"), f_char("new_value_char", "New Value Char"),
            f_int("old_value_integer", "Old Value Integer"),
            f_int("new_value_integer", "New Value Integer"),
            f_dt("old_value_datetime", "Old Value DateTime"),
            f_dt("new_value_datetime", "New Value Datetime"),
            f_m2o("mail_message_id", "Message ID", "mail.message", required=True)),
        model("mail.activity.type", "Activity Type").add(f_char("name", "Name")),
        model("mail.activity", "Activity", order="date_deadline ASC, id ASC",
              rec_name="summary").add(
            f_char("res_model", "Document Model"), f_int("res_id", "Related Document ID"),
            f_char("res_name", "Document Name"),
            f_m2o("activity_type_id", "Activity Type", "mail.activity.type"),
            f_m2o("user_id", "Assigned to", "res.users"), f_date("date_deadline", "Due Date"),
            f_char("summary", "Summary"), f_html("note", "Note"),
            f_bool("active", "Active", default=True)),
    ]


def _business_models() -> list[ModelDef]:
    """The business documents hypercare reads KPIs from."""
    return [
        model("crm.stage", "CRM Stages", order="sequence, name, id").add(
            f_char("name", "Stage Name"), f_int("sequence", "Sequence"),
            f_bool("is_won", "Is Won")),
        model("crm.lead", "Lead/Opportunity", order="priority desc, id desc").add(
            f_char("name", "Opportunity", required=True),
            f_sel("type", "Type", [("lead", "Lead"), ("opportunity", "Opportunity")]),
            f_m2o("stage_id", "Stage", "crm.stage"), f_float("probability", "Probability"),
            f_sel("won_status", "Is Won", [("won", "Won"), ("lost", "Lost"),
                                           ("pending", "Pending")]),
            f_sel("priority", "Priority", [("0", "Low"), ("1", "Medium"), ("2", "High"),
                                           ("3", "Very High")], default="0"),
            f_m2o("partner_id", "Customer", "res.partner"), f_m2o("user_id", "Salesperson",
                                                                 "res.users"),
            f_money("expected_revenue", "Expected Revenue"), f_dt("date_open", "Assignment Date"),
            f_dt("date_closed", "Closed Date"), f_bool("active", "Active", default=True),
            *company_fields()),
        model("sale.order", "Sales Order", order="date_order desc, id desc").add(
            f_char("name", "Order Reference", required=True),
            f_sel("state", "Status", [("draft", "Quotation"), ("sent", "Quotation Sent"),
                                      ("sale", "Sales Order"), ("cancel", "Cancelled")],
                  default="draft"),
            f_dt("date_order", "Order Date"), f_m2o("partner_id", "Customer", "res.partner"),
            f_m2o("user_id", "Salesperson", "res.users"),
            f_money("amount_untaxed", "Untaxed Amount"), f_money("amount_total", "Total"),
            f_sel("invoice_status", "Invoice Status", [
                ("upselling", "Upselling Opportunity"), ("invoiced", "Fully Invoiced"),
                ("to invoice", "To Invoice"), ("no", "Nothing to Invoice")], default="no"),
            f_bool("locked", "Locked"), *company_fields()),
        model("account.move", "Journal Entry", order="date desc, name desc, id desc").add(
            f_char("name", "Number"), f_date("date", "Date"),
            f_sel("state", "Status", [("draft", "Draft"), ("posted", "Posted"),
                                      ("cancel", "Cancelled")], default="draft"),
            f_sel("move_type", "Type", [
                ("entry", "Journal Entry"), ("out_invoice", "Customer Invoice"),
                ("out_refund", "Customer Credit Note"), ("in_invoice", "Vendor Bill"),
                ("in_refund", "Vendor Credit Note"), ("out_receipt", "Sales Receipt"),
                ("in_receipt", "Purchase Receipt")], default="entry"),
            f_date("invoice_date", "Invoice/Bill Date"),
            f_date("invoice_date_due", "Due Date"), f_m2o("partner_id", "Partner", "res.partner"),
            f_money("amount_total", "Total"), f_money("amount_residual", "Amount Due"),
            f_money("amount_total_signed", "Total Signed"),
            f_money("amount_residual_signed", "Amount Due Signed"),
            f_sel("payment_state", "Payment Status", [
                ("not_paid", "Not Paid"), ("in_payment", "In Payment"), ("paid", "Paid"),
                ("partial", "Partially Paid"), ("reversed", "Reversed"),
                ("invoicing_legacy", "Invoicing App Legacy")], default="not_paid"),
            *company_fields()),
        model("stock.picking", "Transfer", order="priority desc, scheduled_date asc, id desc").add(
            f_char("name", "Reference"),
            f_sel("state", "Status", [("draft", "Draft"), ("waiting", "Waiting Another Operation"),
                                      ("confirmed", "Waiting"), ("assigned", "Ready"),
                                      ("done", "Done"), ("cancel", "Cancelled")], default="draft"),
            f_sel("priority", "Priority", [("0", "Normal"), ("1", "Urgent")], default="0"),
            f_dt("scheduled_date", "Scheduled Date"), f_dt("date_deadline", "Deadline"),
            f_dt("date_done", "Date of Transfer"),
            f_sel("picking_type_code", "Type of Operation", [
                ("incoming", "Receipt"), ("outgoing", "Delivery"),
                ("internal", "Internal Transfer"),
                ("mrp_operation", "Manufacturing")]),
            f_m2o("partner_id", "Contact", "res.partner"), f_m2o("user_id", "Responsible",
                                                                "res.users"),
            f_char("origin", "Source Document"), *company_fields()),
    ]


def install_metadata(store: Any) -> None:
    """``ir.model`` and ``ir.model.fields`` rows for every registered model."""
    stamp = "2024-01-01 00:00:00"
    for name in sorted(store.models):
        mdef = store.models[name]
        if name.startswith("ir.model"):
            continue
        model_id = store.create("ir.model", {"name": mdef.description, "model": name,
                                             "state": "base"}, uid=1, at=stamp)
        for fname, fdef in mdef.fields.items():
            store.field_ids[(name, fname)] = store.create("ir.model.fields", {
                "name": fname, "model": name, "model_id": model_id,
                "field_description": fdef.string, "ttype": fdef.type,
                "relation": fdef.relation or False, "store": fdef.store}, uid=1, at=stamp)
