"""What a lead would notice reading the simulated go-live: document references of the wrong
type or year, replies from another topic, approval limits with cents, tickets filed under an
app their text or team does not fit, and apps tickets are about that Odoo says are missing.

Read over the seeded history and two hours of live activity (new tickets and the seeded ones
going on), as hypercare reads them (HTML to text, hypercare's own app inference).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from hypercare.config import KpiSettings
from hypercare.odoo.adoption import read_adoption
from hypercare.odoo.sim import OdooSimulator
from hypercare.odoo.sim import texts as topics
from hypercare.odoo.text import html_to_text
from hypercare.triage.classifier import infer_app
from hypercare.triage.defaults import default_rules
from hypercare.triage.rules import prepare
from tests.odoo_sim.conftest import NOW, make
from tests.sync.conftest import client_for

M = "helpdesk.ticket"
# the shape of every document reference, then what kind each one is
REFERENCE = re.compile(r"\b[A-Za-z]+(?:/[A-Za-z]+)*/\d+(?:/\d+)*\b|\b[A-Z]\d{4,6}\b")
KINDS = (("invoice", re.compile(r"INV/(\d{4})/\d{5}")),
         ("credit note", re.compile(r"RINV/(\d{4})/\d{5}")),
         ("bill", re.compile(r"BILL/(\d{4})/(0[1-9]|1[0-2])/\d{4}")),
         ("sales order", re.compile(r"S\d{5}")), ("purchase order", re.compile(r"P\d{5}")),
         ("delivery", re.compile(r"WH/OUT/\d{5}")), ("receipt", re.compile(r"WH/IN/\d{5}")),
         ("manufacturing order", re.compile(r"WH/MO/\d{5}")),
         ("POS order", re.compile(r"Shop/\d{4}")))
# the words a sentence uses for each kind (the nearest one before a reference names it)
NOUNS = {"invoice": "invoice", "invoices": "invoice", "credit note": "credit note",
         "vendor bill": "bill", "bill": "bill", "sales order": "sales order",
         "order": "sales order", "quotation": "sales order", "purchase order": "purchase order",
         "rfq": "purchase order", "delivery order": "delivery", "delivery": "delivery",
         "receipt": "receipt", "manufacturing order": "manufacturing order",
         "pos order": "POS order"}
NOUN = re.compile(r"\b(" + "|".join(sorted(NOUNS, key=len, reverse=True)) + r")\b", re.I)
LIMIT = re.compile(r"\b(?:above|over|under|below|exceeding|more than|up to|limit of|"
                   r"threshold of)\s+(?:EUR |USD )?(\d[\d,]*(?:\.\d+)?)", re.I)
# hypercare's inferred app -> the topics' apps it is consistent with, and its Odoo model
SAME_APP = {"Accounting": {"Accounting", "Invoicing"}, "Timesheets": {"Timesheets", "Project"},
            "Point of Sale": {"POS"}}
APP_MODEL = {"Accounting": "account.move", "Invoicing": "account.move", "Sales": "sale.order",
             "CRM": "crm.lead", "Inventory": "stock.picking", "Purchase": "purchase.order",
             "Manufacturing": "mrp.production", "POS": "pos.order", "Timesheets": "project.task",
             "Project": "project.task"}
TEAM_APPS = {"Finance & Accounting": {"Accounting", "Invoicing", "Purchase", "Timesheets",
                                      "Project"},
             "Sales & CRM": {"Sales", "CRM", "POS"},
             "Inventory & Logistics": {"Inventory", "Purchase"},
             "Manufacturing": {"Manufacturing"}}


@pytest.fixture(scope="module")
def golive() -> Iterator[OdooSimulator]:
    """The seeded history, then two hours of live activity at x30 (60 hours of go-live)."""
    with make(tickets=400, rate=30.0) as sim:
        for hour in (1, 2):
            sim.set_now(NOW + timedelta(hours=hour))
        yield sim


def _tickets(sim: OdooSimulator) -> list[dict[str, Any]]:
    return list(sim.store.tables[M].values())


def _messages(sim: OdooSimulator) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {}
    for msg in sim.store.tables["mail.message"].values():
        if msg["model"] == M and msg["body"]:
            found.setdefault(msg["res_id"], []).append(msg)
    return found


def _texts(sim: OdooSimulator) -> Iterator[tuple[dict[str, Any], str]]:
    """Each ticket with its subject, description and every message, as text."""
    messages = _messages(sim)
    for ticket in _tickets(sim):
        yield ticket, ticket["name"]
        yield ticket, html_to_text(ticket["description"] or "")
        for msg in messages.get(ticket["id"], []):
            yield ticket, html_to_text(msg["body"])


def _kind(reference: str) -> tuple[str, re.Match[str]] | None:
    for kind, pattern in KINDS:
        found = pattern.fullmatch(reference)
        if found:
            return kind, found
    return None


def _named(sentence: str, at: int) -> str:
    """The kind the sentence's nearest noun before ``at`` names (else the first after)."""
    nouns = list(NOUN.finditer(sentence))
    before = [n for n in nouns if n.end() <= at]
    chosen = before[-1] if before else next((n for n in nouns if n.start() >= at), None)
    return NOUNS[chosen.group(1).lower()] if chosen else ""


def test_every_reference_is_of_the_type_its_sentence_names_and_dated_in_the_scenario(
        golive: OdooSimulator) -> None:
    seen, wrong = 0, []
    for ticket, text in _texts(golive):
        raised = date.fromisoformat(ticket["create_date"][:10])
        for sentence in re.split(r"(?<=[.?!])\s+|\n+", text):
            for ref in REFERENCE.finditer(sentence):
                seen += 1
                kind = _kind(ref.group(0))
                named = _named(sentence, ref.start())
                if kind is None or kind[0] != named:
                    wrong.append((ref.group(0), named, sentence))
                elif kind[0] in ("invoice", "credit note") and int(kind[1][1]) != raised.year:
                    wrong.append((ref.group(0), f"year {raised.year}", sentence))
                elif kind[0] == "bill":
                    months = raised.year * 12 + raised.month - int(kind[1][1]) * 12 \
                        - int(kind[1][2])
                    if months not in (0, 1):  # this month's bill, or last month's
                        wrong.append((ref.group(0), f"{raised:%Y-%m}", sentence))
    assert seen > 300
    assert not wrong, wrong[:10]


def test_replies_come_from_the_tickets_own_topic(golive: OdooSimulator) -> None:
    by_key = {issue.key: issue for issue in topics.ISSUES}
    messages = _messages(golive)
    world = golive.world
    checked, wrong = 0, []
    for ticket_id, key in world.ticket_issue.items():
        issue = by_key[key]
        others = [(o.key, text) for o in topics.ISSUES if o.key != key
                  for text in (o.answer, o.note)]
        for msg in messages.get(ticket_id, []):
            body = html_to_text(msg["body"])
            checked += 1
            wrong += [(key, other, body) for other, text in others if text in body]
            answers = any(marker in body for marker in ("Workaround:", "Here is how:",
                                                        "the steps:", "confirmed the rule:"))
            if answers and issue.answer not in body:
                wrong.append((key, "its own answer missing", body))
    assert checked > 1000
    assert not wrong, wrong[:10]


def test_reply_kinds_fit_the_ticket(golive: OdooSimulator) -> None:
    """A defect is not answered with "Good question!", a question not with a fix."""
    by_key = {issue.key: issue for issue in topics.ISSUES}
    markers = {"defect": ("reproduce it", "a fix is being tested", "A fix was deployed"),
               "training": ("Good question!", "short video"),
               "policy": ("process owner",)}
    wrong = []
    for ticket_id, msgs in _messages(golive).items():
        key = golive.world.ticket_issue.get(ticket_id)
        if key is None:
            continue
        kind = by_key[key].kind
        for msg in msgs:
            body = html_to_text(msg["body"])
            for other, words in markers.items():
                if other != kind and msg["message_type"] == "comment" and \
                        any(w in body for w in words) and "process owner" not in body:
                    wrong.append((key, other, body))
    assert not wrong, wrong[:10]


def test_approval_limits_are_round(golive: OdooSimulator) -> None:
    limits = [(m.group(1), text) for _, text in _texts(golive) for m in LIMIT.finditer(text)]
    assert len(limits) > 20
    for number, text in limits:
        value = int(number.replace(",", "")) if "." not in number else -1
        assert value > 0 and value % (500 if value >= 1000 else 10) == 0, text


def test_each_ticket_is_filed_under_an_app_its_topic_and_team_fit(
        golive: OdooSimulator) -> None:
    rules = default_rules()
    by_key = {issue.key: issue for issue in topics.ISSUES}
    store, wrong = golive.store, []
    for ticket in _tickets(golive):
        text = f"{ticket['name']}\n{html_to_text(ticket['description'] or '')}"
        app = infer_app(rules, prepare(text))
        team = store.display_name("helpdesk.team", ticket["team_id"])
        topic = by_key[golive.world.ticket_issue[ticket["id"]]]
        if app not in SAME_APP.get(topic.app, {topic.app}) or app not in TEAM_APPS[team]:
            wrong.append((app, topic.app, team, text))
    assert not wrong, wrong[:10]


def test_every_app_tickets_are_about_is_installed_and_used(golive: OdooSimulator) -> None:
    rules = default_rules()
    apps = {infer_app(rules, prepare(f"{t['name']}\n{html_to_text(t['description'] or '')}"))
            for t in _tickets(golive)}
    assert {"Purchase", "Manufacturing", "POS", "Timesheets"} <= apps
    models = KpiSettings().apps_in_scope
    assert {APP_MODEL[app] for app in apps} <= set(models)
    client = client_for(golive, protocol="json2")
    try:
        today = golive.now().date()
        snapshot = read_adoption(client, models=models, start=today - timedelta(days=7),
                                 end=today, timezone="Europe/Brussels", now=golive.now())
    finally:
        client.close()
    assert not snapshot.notes, snapshot.notes
    used = {model for day in snapshot.active_users_by_model.values()
            for model, users in day.items() if users}
    assert {APP_MODEL[app] for app in apps} <= used
