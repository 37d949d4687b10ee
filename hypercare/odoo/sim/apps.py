"""The other apps the go-live runs, so every app people raise tickets about is installed:
Purchase (``purchase.order``), Manufacturing (``mrp.production``), Point of Sale
(``pos.order``) and Project with Timesheets (``project.project``, ``project.task``).

Their documents grow with adoption like :mod:`documents` (drawn from their own RNG, so the
other documents stay as they were), named as Odoo names them: ``P00042``, ``WH/MO/00042``,
``Shop/0042``.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

from .documents import adoption
from .fields import (
    ModelDef,
    f_bool,
    f_char,
    f_date,
    f_dt,
    f_float,
    f_int,
    f_m2o,
    f_money,
    f_sel,
    to_dt_str,
)
from .models import company_fields, model
from .orm import Store
from .people import World

# app model -> (documents per day at full adoption, the super-users' teams who write them)
VOLUME = {"purchase.order": (10, ("inventory", "finance")),
          "mrp.production": (12, ("manufacturing",)),
          "pos.order": (30, ("sales",)),
          "project.task": (6, ("finance",))}
PROJECTS = ("Go-live support", "Rollout wave 2", "Data migration clean-up")


def app_models() -> list[ModelDef]:
    """The models of Purchase, Manufacturing, Point of Sale and Project."""
    return [
        model("purchase.order", "Purchase Order", order="priority desc, id desc").add(
            f_char("name", "Order Reference", required=True),
            f_sel("state", "Status", [("draft", "RFQ"), ("sent", "RFQ Sent"),
                                      ("to approve", "To Approve"),
                                      ("purchase", "Purchase Order"), ("cancel", "Cancelled")],
                  default="draft"),
            f_sel("priority", "Priority", [("0", "Normal"), ("1", "Urgent")], default="0"),
            f_dt("date_order", "Order Deadline"), f_m2o("partner_id", "Vendor", "res.partner"),
            f_m2o("user_id", "Buyer", "res.users"), f_money("amount_untaxed", "Untaxed Amount"),
            f_money("amount_total", "Total"), *company_fields()),
        model("mrp.production", "Production Order", order="priority desc, date_start asc, id"
              ).add(
            f_char("name", "Reference", required=True),
            f_sel("state", "State", [("draft", "Draft"), ("confirmed", "Confirmed"),
                                     ("progress", "In Progress"), ("to_close", "To Close"),
                                     ("done", "Done"), ("cancel", "Cancelled")],
                  default="draft"),
            f_sel("priority", "Priority", [("0", "Normal"), ("1", "Urgent")], default="0"),
            f_dt("date_start", "Start"), f_float("product_qty", "Quantity To Produce"),
            f_char("origin", "Source"), f_m2o("user_id", "Responsible", "res.users"),
            *company_fields()),
        model("pos.order", "Point of Sale Orders", order="date_order desc, name desc, id desc"
              ).add(
            f_char("name", "Order Ref", required=True),
            f_sel("state", "Status", [("draft", "New"), ("cancel", "Cancelled"),
                                      ("paid", "Paid"), ("done", "Posted"),
                                      ("invoiced", "Invoiced")], default="draft"),
            f_dt("date_order", "Date"), f_m2o("partner_id", "Customer", "res.partner"),
            f_m2o("user_id", "Employee", "res.users"), f_money("amount_total", "Total"),
            *company_fields()),
        model("project.project", "Project", order="sequence, name, id").add(
            f_char("name", "Name", required=True), f_int("sequence", "Sequence"),
            f_m2o("user_id", "Project Manager", "res.users"),
            f_bool("active", "Active", default=True), *company_fields()),
        model("project.task", "Task", order="priority desc, sequence, date_deadline asc, id desc"
              ).add(
            f_char("name", "Title", required=True), f_int("sequence", "Sequence"),
            f_m2o("project_id", "Project", "project.project"),
            f_sel("state", "State", [("01_in_progress", "In Progress"),
                                     ("1_done", "Done"), ("1_canceled", "Cancelled")],
                  default="01_in_progress"),
            f_sel("priority", "Priority", [("0", "Low"), ("1", "High")], default="0"),
            f_date("date_deadline", "Deadline"), f_float("effective_hours", "Hours Spent"),
            f_bool("active", "Active", default=True), *company_fields()),
    ]


def build(store: Store, world: World, rng: random.Random, golive: datetime,
          now: datetime) -> None:
    """Documents of the four apps from go-live to ``now``."""
    if "purchase.order" not in store.models:
        return
    days = max(1, math.ceil((now - golive) / timedelta(days=1)))
    projects = [store.create("project.project", {
        "name": name, "user_id": world.consultants[i % len(world.consultants)],
        "company_id": world.companies[0]}, uid=world.admin_uid, at="2024-11-04 08:00:00")
        for i, name in enumerate(PROJECTS)]
    counters = dict.fromkeys(VOLUME, 0)
    for day in range(days):
        for name, (per_day, teams) in VOLUME.items():
            writers = [u for u in world.super_users
                       if store.tables["res.users"][u]["company_id"] in
                       {world.team_company[t] for t in teams}]
            for _ in range(round(per_day * adoption(day))):
                t = golive + timedelta(days=day, hours=rng.uniform(1, 12),
                                       minutes=rng.randrange(60))
                if t >= now:
                    continue
                counters[name] += 1
                uid = rng.choice(writers)
                _create(store, world, rng, name, counters[name], uid, t, now, projects)


def _create(store: Store, world: World, rng: random.Random, name: str, number: int, uid: int,
            t: datetime, now: datetime, projects: list[int]) -> None:
    at = to_dt_str(t)
    company = store.tables["res.users"][uid]["company_id"]
    amount = round(rng.uniform(80, 30000), 2)
    if name == "purchase.order":
        state = rng.choices(["draft", "sent", "purchase", "cancel"], [2, 2, 6, 1])[0]
        rid = store.create(name, {
            "name": f"P{number:05d}", "date_order": at, "partner_id": rng.choice(world.customers),
            "user_id": uid, "amount_untaxed": amount, "amount_total": round(amount * 1.21, 2),
            "company_id": company}, uid=uid, at=at)
    elif name == "mrp.production":
        state = rng.choices(["confirmed", "progress", "to_close", "done"], [2, 2, 1, 5])[0]
        rid = store.create(name, {
            "name": f"WH/MO/{number:05d}", "date_start": at, "user_id": uid,
            "product_qty": float(rng.randrange(1, 200)), "company_id": company}, uid=uid, at=at)
    elif name == "pos.order":
        state = rng.choices(["paid", "done", "invoiced"], [3, 6, 1])[0]
        rid = store.create(name, {
            "name": f"Shop/{number:04d}", "date_order": at, "user_id": uid,
            "amount_total": round(amount / 40, 2), "company_id": company}, uid=uid, at=at)
    else:
        state = rng.choices(["01_in_progress", "1_done"], [2, 1])[0]
        rid = store.create(name, {
            "name": f"Rollout task {number}", "project_id": rng.choice(projects),
            "date_deadline": (t + timedelta(days=rng.randrange(1, 15))).strftime("%Y-%m-%d"),
            "effective_hours": float(rng.randrange(0, 16)), "company_id": company},
            uid=uid, at=at)
    later = min(t + timedelta(hours=rng.uniform(0.2, 30)), now)
    store.write(name, [rid], {"state": state}, uid=rng.choice([*world.super_users, uid]),
                write_date=later)
