"""One ticket's life as timed events: planned up front, applied in global time order.

The same planning serves the seeded history (:mod:`scenario`) and live activity
(:mod:`live`); events after ``until`` are dropped, so a ticket simply stays in
the state it reached at the simulator's "now".
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from . import chatter, texts, wording
from .fields import to_dt_str
from .orm import Store
from .people import World

TICKET = "helpdesk.ticket"
RESOLVE_MEAN_H = {"defect": 60.0, "training": 8.0, "policy": 120.0}  # wall-clock hours


@dataclass
class Event:
    at: str
    seq: int
    ticket: int  # plan index
    kind: str  # create | write | post
    actor: int
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class TicketPlan:
    index: int
    issue: texts.Issue
    events: list[Event] = field(default_factory=list)
    rid: int = 0
    burst: bool = False


def _later(t: datetime, mean_hours: float, rng: random.Random, floor_min: float = 5) -> datetime:
    return t + timedelta(minutes=max(floor_min, rng.expovariate(1 / mean_hours) * 60))


def plan_ticket(rng: random.Random, world: World, index: int, created: datetime,
                issue: texts.Issue, burst: bool, until: datetime,
                raised: datetime | None = None) -> TicketPlan:
    """Every event of one ticket's life up to ``until``; ``raised`` dates the documents its
    texts name (default: ``created``)."""
    plan = TicketPlan(index, issue, burst=burst)
    seq = [index * 1000]
    limit = to_dt_str(until)

    def add(at: datetime, kind: str, actor: int, **data: Any) -> bool:
        stamp = to_dt_str(at)
        if stamp > limit:
            return False
        seq[0] += 1
        plan.events.append(Event(stamp, seq[0], index, kind, actor, data))
        return True

    raiser, author, by_email = _raiser(rng, world)
    partner = author
    currency = world.company_currency.get(world.team_company[issue.team], "EUR")
    slots = wording.Slots(rng, issue, raised or created, currency)
    vals = _opening(rng, world, slots, partner, by_email, burst)
    priority, body = vals["priority"], vals["description"]
    members = world.team_members[issue.team]
    add(created, "create", raiser, vals=vals, email=by_email, body=body, author=author)
    assignee = rng.choice(members)
    t = _later(created, 2.0 if priority in "23" else 5.0, rng)
    if not add(t, "write", assignee, vals={"user_id": assignee,
                                          "stage_id": world.stages["progress"]}):
        return plan
    t = _later(t, 1.0, rng)
    reply = rng.choice(wording.REPLIES[issue.kind][:2])
    add(t, "post", assignee, body=slots.fill(reply), subtype="mail.mt_comment")
    if rng.random() < 0.4:
        add(_later(t, 0.5, rng), "post", assignee, body=rng.choice(wording.note(issue, burst)),
            subtype="mail.mt_note")
    if rng.random() < 0.15 and len(world.consultants) > 1:
        other = rng.choice([c for c in world.consultants if c != assignee])
        t = _later(t, 3.0, rng)
        add(t, "write", world.admin_uid, vals={"user_id": other})
        assignee = other
    if rng.random() < 0.3:
        t = _later(t, 0.5, rng)
        add(t, "write", assignee, vals={"stage_id": world.stages["waiting"]})
        t = _later(t, 10.0, rng)
        add(t, "post", raiser, body=slots.fill(rng.choice(wording.lines(wording.FOLLOWUPS,
                                                                         issue))),
            subtype="mail.mt_comment", author=author, email=by_email)
        add(t + timedelta(minutes=20), "write", assignee, vals={"stage_id": world.stages[
            "progress"]})
    if rng.random() < 0.05 and priority != "3":
        t = _later(t, 2.0, rng)
        add(t, "write", assignee, vals={"priority": "3"})
    cancel = not burst and rng.random() < 0.04
    t = _later(t, RESOLVE_MEAN_H[issue.kind] * (0.6 if burst else 1.0), rng, 30)
    if cancel:
        add(t, "write", assignee, vals={"stage_id": world.stages["cancelled"]})
        if rng.random() < 0.5:
            add(t + timedelta(minutes=2), "write", assignee, vals={"active": False})
        return plan
    if not _solve(add, rng, t, assignee, world, slots, author, raiser, by_email):
        return plan
    reopens = 2 if index % 61 == 5 else 1 if (index % 13 == 4 or rng.random() < 0.08) else 0
    for _ in range(reopens):
        t = _later(t, 18.0, rng, 60)
        line = rng.choice(wording.lines(wording.REOPENS, issue))
        if not add(t, "post", raiser, body=slots.fill(line),
                   subtype="mail.mt_comment", author=author, email=by_email):
            return plan
        add(t + timedelta(minutes=1), "write", raiser if not by_email else assignee,
            vals={"stage_id": world.stages["progress"]})
        t = _later(t, 8.0, rng, 30)
        if not _solve(add, rng, t, assignee, world, slots, author, raiser, by_email):
            return plan
    if burst and rng.random() < 0.3:
        add(_later(t, 24.0, rng), "write", world.admin_uid, vals={"active": False})
    return plan


def _raiser(rng: random.Random, world: World) -> tuple[int, int, bool]:
    """Who raises a ticket: (user, partner, by e-mail); the mail gateway creates as OdooBot."""
    if rng.random() < 0.25:
        return 1, rng.choice(world.customers), True
    raiser = rng.choice(world.super_users)
    return raiser, world.user_partner[raiser], False


def _opening(rng: random.Random, world: World, slots: wording.Slots, partner: int,
             by_email: bool, burst: bool) -> dict[str, Any]:
    """The new ticket's values: subject and description, priority, team, tags and type."""
    issue = slots.issue
    subject = slots.fill(rng.choice(issue.subjects))
    body = slots.fill(rng.choice(issue.bodies))
    prio_w = {"defect": [2, 3, 3, 1], "training": [5, 3, 1, 0], "policy": [2, 4, 1, 0]}
    priority = str(rng.choices(range(4), prio_w[issue.kind])[0])
    if burst:
        priority = rng.choice("233")
    tags = [world.tags["Go-live"], world.tags[{"defect": "Bug", "training": "Question",
                                              "policy": "Policy"}[issue.kind]]]
    vals: dict[str, Any] = {
        "name": subject, "description": body, "team_id": world.teams[issue.team],
        "priority": priority, "partner_id": partner, "tag_ids": [(6, 0, tags)],
        world.flags["type_field"]: world.types[{"defect": "Defect", "training": "Question",
                                                "policy": "Process / Policy"}[issue.kind]],
    }
    if world.flavor == "oca":
        vals.update(company_id=world.team_company[issue.team],
                    channel_id=world.tags["channel_email" if by_email else "channel_web"],
                    category_id=world.tags["cat_" + issue.app])
    return vals


def _solve(add: Any, rng: random.Random, t: datetime, assignee: int, world: World,
           slots: wording.Slots, author: int, raiser: int, by_email: bool) -> bool:
    final = wording.REPLIES[slots.issue.kind][-1]
    if not add(t, "post", assignee, body=slots.fill(final), subtype="mail.mt_comment"):
        return False
    if not add(t + timedelta(minutes=3), "write", assignee,
               vals={"stage_id": world.stages["solved"]}):
        return False
    if rng.random() < 0.4:
        add(_later(t, 3.0, rng), "post", raiser, body=rng.choice(wording.THANKS),
            subtype="mail.mt_comment", author=author, email=by_email)
    return True


def apply_event(store: Store, world: World, plan: TicketPlan, event: Event) -> None:
    data = event.data
    if event.kind == "create":
        vals = dict(data["vals"])
        partner = store.tables["res.partner"].get(vals.get("partner_id") or 0, {})
        vals.setdefault("partner_name", partner.get("name") or False)
        vals.setdefault("partner_email", partner.get("email") or False)
        plan.rid = store.create(TICKET, vals, uid=event.actor, at=event.at)
        world.ticket_issue[plan.rid] = plan.issue.key
        if plan.burst:
            world.burst_tickets.add(plan.rid)
        if data.get("email"):
            chatter.post(store, TICKET, plan.rid, body=data["body"], message_type="email",
                         subtype_xmlid="mail.mt_comment", author_id=data["author"],
                         uid=event.actor, at=event.at)
    elif event.kind == "write" and plan.rid:
        store.write(TICKET, [plan.rid], data["vals"], uid=event.actor, write_date=event.at)
    elif event.kind == "post" and plan.rid:
        author = data.get("author")
        message_type = "email" if data.get("email") else "comment"
        chatter.post(store, TICKET, plan.rid, body=data["body"], message_type=message_type,
                     subtype_xmlid=data["subtype"], author_id=author, uid=event.actor,
                     at=event.at)  # like Odoo, posting does not touch the ticket's write_date
