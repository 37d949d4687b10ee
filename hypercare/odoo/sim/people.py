"""Scenario master data: currencies, companies, users, customers and helpdesk setup."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .helpdesk import SLA_HOURS, stage_flags
from .orm import Store

BASE = "2024-11-04 08:00:00"  # implementation project start: master data creation time
TEAMS = {  # key -> (name, company index, issue stream)
    "finance": ("Finance & Accounting", 0),
    "sales": ("Sales & CRM", 1),
    "inventory": ("Inventory & Logistics", 0),
    "manufacturing": ("Manufacturing", 1),
}
CONSULTANTS = ["Sofie Claes", "Marc Dubois", "Priya Natarajan", "Tom Verhoeven", "Laura Jensen",
               "Diego Alvarez", "Hannah Becker", "Kwame Mensah"]
SUPER_USERS = ["Anna Peeters", "Bram Janssens", "Chloe Martin", "David Kim", "Elena Rossi",
               "Frank Wouters", "Grace Liu", "Hugo Lambert", "Isabel Costa", "Jonas Maes",
               "Karen Smith", "Liam O'Brien", "Maria Garcia", "Nina Vos", "Oscar Dupont",
               "Paula Silva", "Quentin Leroy", "Rachel Adams", "Samir Haddad", "Tina Novak"]
CUSTOMERS = ["Brightline Retail", "Nordwerk GmbH", "Cobalt Foods", "Delta Marine",
             "Evergreen Farms", "Fjord Logistics", "Granite Tools", "Harbor Pharma",
             "Ivory Textiles", "Juniper Energy", "Keystone Builders", "Lumen Optics",
             "Meridian Hotels", "Northstar Auto", "Orchid Cosmetics"]


@dataclass
class World:
    """Ids the scenario and live activity need after the master data exists."""

    flavor: str
    admin_uid: int = 2
    companies: list[int] = field(default_factory=list)
    company_tz: dict[int, str] = field(default_factory=dict)
    teams: dict[str, int] = field(default_factory=dict)
    team_company: dict[str, int] = field(default_factory=dict)
    team_members: dict[str, list[int]] = field(default_factory=dict)
    stages: dict[str, int] = field(default_factory=dict)
    tags: dict[str, int] = field(default_factory=dict)
    types: dict[str, int] = field(default_factory=dict)
    consultants: list[int] = field(default_factory=list)
    super_users: list[int] = field(default_factory=list)
    customers: list[int] = field(default_factory=list)  # contact partner ids
    user_partner: dict[int, int] = field(default_factory=dict)
    flags: dict[str, Any] = field(default_factory=dict)
    ticket_count: int = 0
    company_currency: dict[int, str] = field(default_factory=dict)  # company id -> "EUR"
    ticket_issue: dict[int, str] = field(default_factory=dict)  # ticket id -> texts.Issue key
    burst_tickets: set[int] = field(default_factory=set)  # near-duplicates behind one defect
    golive: datetime | None = None
    arrivals_per_weight: float = 0.0
    """Tickets per 15 minutes at arrival weight 1 (:func:`scenario.arrival_weight`)."""


def _slug(name: str) -> str:
    return name.lower().replace(" ", ".").replace("'", "")


def build_master(store: Store, flavor: str, login: str, rng: random.Random) -> World:
    world = World(flavor=flavor, flags=stage_flags(flavor))
    eur = store.create("res.currency", {"name": "EUR", "symbol": "€"}, uid=1, at=BASE)
    usd = store.create("res.currency", {"name": "USD", "symbol": "$"}, uid=1, at=BASE)
    for name, tz, cur, code in (("Acme Industries BE", "Europe/Brussels", eur, "BE"),
                                ("Acme Industries US", "America/Chicago", usd, "US")):
        partner = store.create("res.partner", {"name": name, "complete_name": name,
                                               "is_company": True}, uid=1, at=BASE)
        cid = store.create("res.company", {"name": name, "partner_id": partner, "tz": tz,
                                           "currency_id": cur, "country_code": code,
                                           "email": f"info@acme-{code.lower()}.example"},
                           uid=1, at=BASE)
        store.write("res.partner", [partner], {"company_id": cid}, uid=1, write_date=BASE)
        world.companies.append(cid)
        world.company_tz[cid] = tz
        world.company_currency[cid] = "EUR" if cur == eur else "USD"
    groups = {name: store.create("res.groups", {"name": name, "full_name": name}, uid=1, at=BASE)
              for name in ("Internal User", "Portal", "Helpdesk / User",
                           "Helpdesk / Administrator", "Administration / Settings")}
    gfield = "group_ids" if "group_ids" in store.models["res.users"].fields else "groups_id"

    def user(name: str, login_: str, company: int, share: bool, grp: list[str],
             active: bool = True) -> int:
        email = f"{login_}" if "@" in login_ else f"{login_}@acme.example"
        partner = store.create("res.partner", {"name": name, "complete_name": name,
                                               "email": email, "company_id": company},
                               uid=1, at=BASE)
        uid = store.create("res.users", {
            "login": login_, "name": name, "email": email, "partner_id": partner,
            "share": share, "company_id": company, "company_ids": [(6, 0, world.companies)],
            "active": active, gfield: [(6, 0, [groups[g] for g in grp])],
            "tz": world.company_tz[company], "lang": "en_US"}, uid=1, at=BASE)
        world.user_partner[uid] = partner
        return uid

    user("OdooBot", "__system__", world.companies[0], False, ["Internal User"], active=False)
    world.admin_uid = user("Mitchell Admin", login, world.companies[0], False, [
        "Internal User", "Helpdesk / Administrator", "Administration / Settings"])
    for i, name in enumerate(CONSULTANTS):
        world.consultants.append(user(name, f"{_slug(name)}@partner-consulting.example",
                                      world.companies[i % 2], False,
                                      ["Internal User", "Helpdesk / User"]))
    for i, name in enumerate(SUPER_USERS):
        world.super_users.append(user(name, _slug(name), world.companies[i % 2], False,
                                      ["Internal User"]))
    for i, name in enumerate(CUSTOMERS):
        company = world.companies[i % 2]
        parent = store.create("res.partner", {"name": name, "complete_name": name,
                                              "is_company": True, "company_id": False,
                                              "customer_rank_positive": True}, uid=1, at=BASE)
        first = rng.choice(["Alex", "Sam", "Jordan", "Robin", "Kim", "Lee", "Charlie"])
        contact_name = f"{first} {name.split()[0]}"
        contact = store.create("res.partner", {
            "name": contact_name, "complete_name": f"{name}, {contact_name}",
            "email": f"{first.lower()}@{name.split()[0].lower()}.example", "parent_id": parent,
            "customer_rank_positive": True}, uid=1, at=BASE)
        world.customers.append(contact)
        if i < 6:  # some customers have portal access
            store.create("res.users", {
                "login": f"{first.lower()}@{name.split()[0].lower()}.example",
                "name": contact_name, "partner_id": contact, "share": True,
                "company_id": company, "company_ids": [(6, 0, [company])],
                gfield: [(6, 0, [groups["Portal"]])]}, uid=1, at=BASE)
    _helpdesk_setup(store, world)
    return world


def _helpdesk_setup(store: Store, world: World) -> None:
    fl = world.flags
    ent = world.flavor == "enterprise"
    for i, (key, (name, cidx)) in enumerate(TEAMS.items()):
        members = [world.consultants[(2 * i) % 8], world.consultants[(2 * i + 1) % 8]]
        vals: dict[str, Any] = {"name": name, "company_id": world.companies[cidx],
                                "sequence": i, "use_sla": True,
                                fl["members"]: [(6, 0, members)]}
        if not ent:
            vals["user_id"] = members[0]
        world.teams[key] = store.create(fl["team_model"], vals, uid=world.admin_uid, at=BASE)
        world.team_company[key] = world.companies[cidx]
        world.team_members[key] = members
    stages = [("new", "New", False), ("progress", "In Progress", False),
              ("waiting", "Waiting on Customer", False), ("solved", "Solved", True),
              ("cancelled", "Cancelled", True)]
    team_ids = list(world.teams.values())
    for seq, (key, name, closed) in enumerate(stages):
        vals = {"name": name, "sequence": seq, "fold": closed, "team_ids": [(6, 0, team_ids)]}
        if not ent:
            vals.update(closed=closed, unattended=key == "new")
            if key == "solved":
                vals["name"] = "Done"
        world.stages[key] = store.create(fl["stage_model"], vals, uid=world.admin_uid, at=BASE)
    for tag in ("Go-live", "Bug", "Question", "Policy", "Data migration", "Blocking",
                "Integration"):
        world.tags[tag] = store.create(fl["tag_model"], {"name": tag}, uid=world.admin_uid,
                                       at=BASE)
    for tname in ("Defect", "Question", "Process / Policy"):
        world.types[tname] = store.create(fl["type_model"], {"name": tname},
                                          uid=world.admin_uid, at=BASE)
    if ent:
        labels = {"0": "Standard", "1": "Normal", "2": "High", "3": "Urgent"}
        for key, team in world.teams.items():
            for prio, hours in SLA_HOURS.items():
                store.create("helpdesk.sla", {
                    "name": f"{TEAMS[key][0]}: {labels[prio]} {int(hours)}h", "team_id": team,
                    "stage_id": world.stages["solved"], "priority": prio, "time": hours,
                    "company_id": world.team_company[key],
                    "exclude_stage_ids": [(6, 0, [world.stages["waiting"]])]},
                    uid=world.admin_uid, at=BASE)
    else:
        for key, sid in (("channel_web", "Web"), ("channel_email", "Email"),
                         ("channel_phone", "Phone")):
            world.tags[key] = store.create("helpdesk.ticket.channel", {"name": sid},
                                           uid=world.admin_uid, at=BASE)
        for app in ("Accounting", "Sales", "CRM", "Inventory", "Purchase", "Manufacturing",
                    "Timesheets", "Point of Sale", "Settings"):
            world.tags["cat_" + app] = store.create("helpdesk.ticket.category", {"name": app},
                                                    uid=world.admin_uid, at=BASE)
