"""Filling a ticket's texts: document references numbered as Odoo numbers them, amounts,
and the chatter lines each kind of ticket gets.

Slots (drawn once per ticket, so a ticket names the same document throughout):

* a document kind of :data:`DOCS` (``{invoice}``, ``{bill}``, ``{delivery}`` ...): its
  reference, dated in the year (and month) the ticket was raised; a ``2`` suffix draws a
  second one (``{invoice2}``); ``{bill_prev}`` is a vendor bill of the month before;
* ``{ref}`` the ticket's own document, ``{it}`` it with its noun ("invoice INV/2026/00087",
  or "it" when the topic names none), ``{other}`` a second one with its noun;
* ``{amount}`` a document amount, ``{small}`` a difference of cents or a few units,
  ``{threshold}`` a round approval limit, ``{units}`` a round quantity, ``{cur}`` the currency
  of the team's company, ``{n}`` a small count;
* ``{customer}``, ``{product}``, ``{wh}``; ``{answer}`` the topic's workaround, how-to or rule.
"""

from __future__ import annotations

import random
from datetime import datetime

from . import texts

# kind -> (noun, highest number drawn)
DOCS: dict[str, tuple[str, int]] = {
    "invoice": ("invoice", 640), "credit_note": ("credit note", 60),
    "bill": ("vendor bill", 180), "order": ("sales order", 520),
    "quotation": ("quotation", 520), "purchase": ("purchase order", 240),
    "delivery": ("delivery", 560), "receipt": ("receipt", 300),
    "mo": ("manufacturing order", 320), "pos": ("POS order", 900),
}
THRESHOLDS = ("1,000", "2,500", "5,000", "10,000", "25,000")
UNITS = ("10", "20", "50", "100")
CUSTOMERS = ("Brightline Retail", "Nordwerk GmbH", "Cobalt Foods", "Harbor Pharma",
             "Keystone Builders", "Northstar Auto")


def reference(kind: str, number: int, when: datetime) -> str:
    """A document's name as Odoo 17-19 sequences it: yearly for sales journals (``INV``,
    ``RINV``), monthly for purchase journals (``BILL/2026/03/0012``), no year for orders and
    transfers (``S00042``, ``P00042``, ``WH/OUT/00042``, ``WH/MO/00042``, ``Shop/0042``)."""
    if kind == "invoice":
        return f"INV/{when.year}/{number:05d}"
    if kind == "credit_note":
        return f"RINV/{when.year}/{number:05d}"
    if kind == "bill":
        return f"BILL/{when.year}/{when.month:02d}/{number:04d}"
    formats = {"order": "S{:05d}", "quotation": "S{:05d}", "purchase": "P{:05d}",
               "delivery": "WH/OUT/{:05d}", "receipt": "WH/IN/{:05d}", "mo": "WH/MO/{:05d}",
               "pos": "Shop/{:04d}"}
    return formats[kind].format(number)


class Slots(dict[str, str]):
    """One ticket's slot values, drawn from its RNG the first time a text uses them."""

    def __init__(self, rng: random.Random, issue: texts.Issue, raised: datetime,
                 currency: str) -> None:
        super().__init__(cur=currency, answer=issue.answer)
        self.rng, self.issue, self.raised = rng, issue, raised

    def fill(self, text: str) -> str:
        return text.format_map(self) if "{" in text else text

    def __missing__(self, key: str) -> str:
        value = self[key] = self._draw(key)
        return value

    def _draw(self, key: str) -> str:
        rng, doc = self.rng, self.issue.doc
        if key in ("ref", "it", "other"):
            if not doc:
                return "" if key == "ref" else "it"
            if key == "ref":
                return self[doc]
            return f"{DOCS[doc][0]} {self[doc if key == 'it' else doc + '2']}"
        kind = key.removesuffix("2")
        if kind in DOCS:
            while True:
                value = reference(kind, rng.randrange(1, DOCS[kind][1]), self.raised)
                if key == kind or value != self[kind]:
                    return value
        if key == "bill_prev":
            month = self.raised.replace(day=1)
            last = month.replace(year=month.year - 1, month=12) if month.month == 1 \
                else month.replace(month=month.month - 1)
            return reference("bill", rng.randrange(1, DOCS["bill"][1]), last)
        if key == "wh":  # a warehouse of the team's own company
            return rng.choice(texts.WAREHOUSES[:2] if self["cur"] == "EUR" else
                              texts.WAREHOUSES[2:])
        return _value(rng, key)


def _value(rng: random.Random, key: str) -> str:
    if key == "amount":
        return f"{rng.randrange(150, 25000):,}.{rng.randrange(100):02d}"
    if key == "small":
        return f"{rng.randrange(0, 60)}.{rng.randrange(1, 100):02d}"
    if key == "n":
        return str(rng.randrange(2, 60))
    choices = {"customer": CUSTOMERS, "product": texts.PRODUCTS, "threshold": THRESHOLDS,
               "units": UNITS}
    return rng.choice(choices[key])


REPLIES = {  # the first two answer a new ticket, the last one solves it
    "defect": (
        "<p>Thanks for reporting. We can reproduce it and are analysing the cause.</p>",
        "<p>This is a known problem; a fix is being tested. Workaround: {answer}.</p>",
        "<p>A fix was deployed this morning. Could you check {it} again?</p>"),
    "training": (
        "<p>Good question! Here is how: {answer}. I added it to the FAQ as well.</p>",
        "<p>I sent you a short video showing the steps: {answer}. Let me know if it "
        "works.</p>"),
    "policy": (
        "<p>We raised this with the process owner; you will get an answer after the decision "
        "meeting.</p>",
        "<p>The process owner confirmed the rule: {answer}. We will update the guide.</p>"),
}
NOTES = {
    "defect": ("<p>Customer is a key account: keep them updated twice a day.</p>",),
    "training": ("<p>Training gap; suggested for the next super-user session.</p>",),
    "policy": ("<p>Customer is a key account: keep them updated twice a day.</p>",),
}
BURST_NOTE = ("<p>Same root cause as the other reports this morning; linking to the known "
              "issue.</p>")
FOLLOWUPS = {
    "defect": ("<p>Any news on this? We are blocked.</p>",
               "<p>Here is a screenshot of the error.</p>",
               "<p>It still happens on {other}.</p>"),
    "training": ("<p>I tried again but I still cannot find it. Could you call me?</p>",
                 "<p>Thanks, I will try that this afternoon.</p>"),
    "policy": ("<p>Any news from the process owner? We need an answer this week.</p>",
               "<p>The customer is waiting for our answer; can we decide this week?</p>"),
}
THANKS = ("<p>Works now, thank you!</p>", "<p>Thanks, that solved it.</p>")
REOPENS = {
    "defect": ("<p>Sorry, it happens again since this morning.</p>",
               "<p>The fix did not work for {other}, it is still wrong.</p>"),
    "training": ("<p>I followed the steps but it still does not work for me.</p>",),
    "policy": ("<p>The team is still unsure how to apply the rule; can the process owner "
               "clarify?</p>",),
}


def lines(table: dict[str, tuple[str, ...]], issue: texts.Issue) -> tuple[str, ...]:
    """The lines of ``table`` for the issue's kind (those naming a document only when the
    topic is about one)."""
    found = table[issue.kind]
    return found if issue.doc else tuple(line for line in found if "{other}" not in line)


def note(issue: texts.Issue, burst: bool) -> tuple[str, ...]:
    """Internal notes a consultant may leave on a ticket of ``issue``."""
    own = (f"<p>{issue.note}</p>", *NOTES[issue.kind])
    return (*own, BURST_NOTE) if burst else own
