"""What a command-center lead would already have recorded a week into this go-live: known
issues behind the near-duplicate defects, policy questions for the process owners, and an
improvement backlog. ``hypercare demo`` records them through hypercare's services after its
first sync, so the Known issues, Decisions and Backlog screens are not empty on first visit.

Each entry names the scenario topic (:data:`texts.ISSUES` key) it is about; the tickets it
links are the simulator's own tickets of that topic (the burst of near-duplicates first, open
ones before closed ones), so linked tickets really are alike. Deterministic for a seed.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import texts
from .people import World

MAX_LINKED = 8


@dataclass(frozen=True)
class KnownIssuePlan:
    topic: str
    title: str
    description: str
    app: str
    severity: int
    owner: str
    workaround: str
    ticket_ids: tuple[int, ...]


@dataclass(frozen=True)
class DecisionPlan:
    topic: str
    question: str
    owner: str
    due_in_days: int
    options: tuple[tuple[str, str], ...]
    ticket_ids: tuple[int, ...]
    outcome: str = ""  # decided already (and its configuration task spawned) when given


@dataclass(frozen=True)
class BacklogPlan:
    topic: str
    type: str
    title: str
    owner: str
    value: int
    risk: int
    effort: str
    status: str
    known_issue: str = ""  # the topic of the known issue it fixes
    ticket_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Curation:
    known_issues: tuple[KnownIssuePlan, ...]
    decisions: tuple[DecisionPlan, ...]
    backlog: tuple[BacklogPlan, ...]


# topic -> (title, severity)
KNOWN = {
    "vat_pdf": ("Invoice PDF rounds VAT per line: total differs from the journal items", 2),
    "reserve_stock": ("Deliveries stay in Waiting although the stock is on hand", 2),
    "quote_email": ("Quotations cannot be sent by email: the mail server rejects the sender", 3),
    "mrp_planning": ("MRP scheduler runs twice a night and duplicates manufacturing orders", 3),
}
# topic -> (question, process owner, due in days, options as (option, impact))
DECISIONS = {
    "credit_note_authority": (
        "Who may validate credit notes, and above which amount must finance approve them?",
        "invoicing", 2, (("Finance approves above 5,000 EUR", "one approval step on large "
                          "credit notes"), ("Sales managers approve every credit note",
                                            "slower refunds, no configuration"))),
    "po_approval": (
        "Does the second purchase approval apply to the untaxed or the taxed total?",
        "purchasing", 3, (("Untaxed, as Odoo compares", "no change in Odoo"),
                          ("Taxed total", "a custom approval rule to build and test"))),
    "pos_refund": (
        "May cashiers refund without a receipt, and in cash or only to the card?",
        "retail", 1, (("Store managers only, to the card", "cashiers call a manager"),
                      ("Cashiers up to 50 USD in cash", "a cash limit on the POS"))),
    "warehouse_choice": (
        "Which warehouse serves a customer when only the other country has stock?",
        "logistics", 4, (("The local warehouse, always", "later deliveries"),
                         ("Cross-border with the logistics manager's approval",
                          "an approval step on inter-company transfers"))),
}
DECIDED = {"warehouse_choice": "Local warehouse first; cross-border with the logistics "
                               "manager's approval"}
# (topic, type, title, value, risk, effort, status, known issue topic)
BACKLOG = (
    ("vat_pdf", "fix", "Round VAT globally on the invoice report", 5, 4, "S", "approved",
     "vat_pdf"),
    ("reserve_stock", "fix", "Move the migrated stock into WH/Stock so deliveries reserve it", 4,
     4, "M", "scheduled", "reserve_stock"),
    ("quote_email", "fix", "Update the SPF record for the new sender address", 3, 2, "S",
     "in_test", "quote_email"),
    ("fx_rate", "fix", "Re-enable the daily ECB currency rate update", 3, 3, "S", "proposed", ""),
    ("reconcile_bank", "job_aid", "Job aid: one payment against several invoices", 3, 2, "S",
     "proposed", ""),
    ("report_export", "enhancement", "Shared export template for open sales orders", 2, 1, "S",
     "proposed", ""),
)


def curate(world: World, active: set[int], open_ids: set[int],
           owners: dict[str, str]) -> Curation:
    """The demo's known issues, decisions and backlog over the tickets in ``world``: it links
    ``active`` (not archived) tickets, ``open_ids`` first; ``owners`` maps a team to the
    consultant who owns its fixes."""
    by_key = {issue.key: issue for issue in texts.ISSUES}

    def linked(topic: str, limit: int = MAX_LINKED) -> tuple[int, ...]:
        ids = [rid for rid, key in world.ticket_issue.items() if key == topic and rid in active]
        ids.sort(key=lambda rid: (rid not in world.burst_tickets, rid not in open_ids, rid))
        return tuple(sorted(ids[:limit]))

    known = tuple(KnownIssuePlan(
        topic, title, by_key[topic].note, by_key[topic].app, severity,
        owners.get(by_key[topic].team, ""), by_key[topic].answer[:1].upper()
        + by_key[topic].answer[1:] + ".", linked(topic))
        for topic, (title, severity) in KNOWN.items() if linked(topic))
    decisions = tuple(DecisionPlan(topic, question, owner, due, options, linked(topic, 3),
                                   DECIDED.get(topic, ""))
                      for topic, (question, owner, due, options) in DECISIONS.items())
    backlog = tuple(BacklogPlan(topic, kind, title, owners.get(by_key[topic].team, ""), value,
                                risk, effort, status, fixes, () if fixes else linked(topic, 4))
                    for topic, kind, title, value, risk, effort, status, fixes in BACKLOG)
    return Curation(known, decisions, backlog)
