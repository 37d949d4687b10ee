"""Business documents that grow as adoption rises: leads, orders, invoices, pickings,
activities; plus users' latest login dates."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta
from typing import Any

from .fields import to_dt_str
from .orm import Store
from .people import World


def adoption(day: float) -> float:
    """Share of the target daily volume users reach ``day`` days after go-live."""
    return 0.15 + 0.85 * (1 - math.exp(-day / 3.0))


def build(store: Store, world: World, rng: random.Random, golive: datetime, now: datetime,
          tickets: int) -> None:
    days = max(1, math.ceil((now - golive) / timedelta(days=1)))
    per_day = max(4, min(120, tickets // max(days, 1) // 2))
    users = world.super_users + world.consultants[:2]
    stages = [store.create("crm.stage", {"name": n, "sequence": i, "is_won": n == "Won"},
                           uid=world.admin_uid, at="2024-11-04 08:00:00")
              for i, n in enumerate(("New", "Qualified", "Proposition", "Won"))]
    call = store.create("mail.activity.type", {"name": "Call"}, uid=1, at="2024-11-04 08:00:00")
    counters = {"so": 0, "pick": 0}
    for day in range(days):
        count = round(per_day * adoption(day))
        for _ in range(count):
            t = golive + timedelta(days=day, hours=rng.uniform(1, 12), minutes=rng.randrange(60))
            if t >= now:
                continue
            at = to_dt_str(t)
            uid = rng.choice(users)
            company = store.tables["res.users"][uid]["company_id"]
            partner = rng.choice(world.customers)
            kind = rng.choice(("lead", "so", "so", "inv", "pick"))
            _create(store, world, rng, kind, at, uid, company, partner, stages, counters, t, now,
                    call)
    stamp_now = to_dt_str(now)
    for uid in [world.admin_uid, *world.consultants, *world.super_users]:
        if rng.random() < 0.9:
            seen = now - timedelta(hours=rng.expovariate(1 / 14))
            store.tables["res.users"][uid]["login_date"] = min(to_dt_str(seen), stamp_now)


def _create(store: Store, world: World, rng: random.Random, kind: str, at: str, uid: int,
            company: int, partner: int, stages: list[int], counters: dict[str, int],
            t: datetime, now: datetime, call: int) -> None:
    amount = round(rng.uniform(150, 40000), 2)
    if kind == "lead":
        won = rng.random() < 0.2
        lid = store.create("crm.lead", {
            "name": f"Opportunity for {store.display_name('res.partner', partner)}",
            "type": "opportunity", "stage_id": stages[3] if won else rng.choice(stages[:3]),
            "won_status": "won" if won else "pending", "partner_id": partner, "user_id": uid,
            "expected_revenue": amount, "company_id": company, "date_open": at,
            "probability": 100.0 if won else rng.choice([10.0, 30.0, 60.0])}, uid=uid, at=at)
        if rng.random() < 0.5:
            deadline = (t + timedelta(days=rng.randrange(-3, 6))).strftime("%Y-%m-%d")
            store.create("mail.activity", {
                "res_model": "crm.lead", "res_id": lid, "activity_type_id": call,
                "user_id": uid, "date_deadline": deadline, "summary": "Follow up call",
                "res_name": store.display_name("crm.lead", lid)}, uid=uid, at=at)
    elif kind == "so":
        counters["so"] += 1
        state = rng.choices(["draft", "sent", "sale", "cancel"], [3, 2, 5, 1])[0]
        sid = store.create("sale.order", {
            "name": f"S{counters['so']:05d}", "state": "draft", "date_order": at,
            "partner_id": partner, "user_id": uid, "amount_untaxed": amount,
            "amount_total": round(amount * 1.21, 2), "company_id": company}, uid=uid, at=at)
        if state != "draft":
            later = min(t + timedelta(hours=rng.uniform(0.2, 30)), now)
            store.write("sale.order", [sid], {
                "state": state, "invoice_status": "to invoice" if state == "sale" else "no"},
                uid=rng.choice(world.super_users), write_date=later)
    elif kind == "inv":
        posted = rng.random() < 0.8
        due = (t + timedelta(days=rng.choice([0, 15, 30]))).strftime("%Y-%m-%d")
        paid = posted and rng.random() < 0.4
        total = round(amount * 1.21, 2)
        move_type = rng.choices(["out_invoice", "out_refund", "in_invoice"], [8, 1, 3])[0]
        # signed amounts are in the company's currency, negative for money going out (as
        # Odoo's direction sign: credit notes and vendor bills)
        sign = -1 if move_type in ("out_refund", "in_invoice") else 1
        residual = 0.0 if paid else total
        vals: dict[str, Any] = {
            "name": _move_name(move_type, counters, t) if posted else "/",
            "move_type": move_type,
            "state": "posted" if posted else "draft", "date": t.strftime("%Y-%m-%d"),
            "invoice_date": t.strftime("%Y-%m-%d"), "invoice_date_due": due,
            "partner_id": partner, "amount_total": total, "amount_total_signed": sign * total,
            "amount_residual": residual, "amount_residual_signed": sign * residual or 0.0,
            "payment_state": "paid" if paid else "not_paid", "company_id": company}
        store.create("account.move", vals, uid=uid, at=at)
    else:
        counters["pick"] += 1
        code = rng.choice(["outgoing", "outgoing", "incoming", "internal"])
        prefix = {"outgoing": "OUT", "incoming": "IN", "internal": "INT"}[code]
        scheduled = t + timedelta(days=rng.uniform(0, 4))
        done = scheduled < now and rng.random() < 0.7
        store.create("stock.picking", {
            "name": f"WH/{prefix}/{counters['pick']:05d}", "picking_type_code": code,
            "state": "done" if done else rng.choice(["confirmed", "assigned", "waiting"]),
            "scheduled_date": to_dt_str(scheduled), "date_deadline": to_dt_str(
                scheduled + timedelta(days=1)),
            "date_done": to_dt_str(min(scheduled + timedelta(hours=rng.uniform(-4, 30)), now))
            if done else False, "partner_id": partner, "user_id": uid, "company_id": company},
            uid=uid, at=at)


def _move_name(move_type: str, counters: dict[str, int], t: datetime) -> str:
    """Odoo's sequence: yearly on the sales journal (``INV/2026/00087``, credit notes
    ``RINV/2026/00003``), monthly on the purchase journal (``BILL/2026/03/0012``)."""
    key = f"{move_type}/{t.year}" + (f"/{t.month}" if move_type == "in_invoice" else "")
    counters[key] = counters.get(key, 0) + 1
    if move_type == "in_invoice":
        return f"BILL/{t.year}/{t.month:02d}/{counters[key]:04d}"
    prefix = "RINV" if move_type == "out_refund" else "INV"
    return f"{prefix}/{t.year}/{counters[key]:05d}"
