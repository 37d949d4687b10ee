"""Stand-up agenda speed on a big store.

Usage::

    .venv/bin/python bench/standup_bench.py --tickets 50000

Fills a fresh SQLite store with N tickets (10 % open, the rest closed over the last 30 days),
their classifications, SLA clocks, a few escalations, known issues and decisions, then times
``services.standup.agenda()``: reading the store plus building the agenda (target < 1 s for
50,000 tickets), cold (first call) and warm (median of 5).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table

from hypercare.config import Settings
from hypercare.services import SYSTEM, ServiceContext, Services
from hypercare.store.tables import SlaClock, Ticket, TicketClassification
from hypercare.store.tickets import upsert_rows

NOW = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
APPS = ("Accounting", "Sales", "Inventory", "Purchase", "Manufacturing", "POS", "HR")
WORDS = ("invoice", "delivery", "price list", "credit note", "lot number", "approval",
         "payment", "stock move", "quotation", "work order", "payslip", "vendor bill")


def fill(services: Services, n: int) -> None:
    rng = random.Random(5)
    tickets, verdicts, clocks = [], [], []
    for odoo_id in range(1, n + 1):
        created = NOW - timedelta(minutes=rng.randint(10, 30 * 24 * 60))
        is_open = rng.random() < 0.10
        closed = None if is_open else created + timedelta(hours=rng.randint(1, 72))
        app = rng.choice(APPS)
        tickets.append({
            "odoo_id": odoo_id, "ref": f"HT{odoo_id:05d}",
            "title": f"{rng.choice(WORDS)} {rng.choice(WORDS)} problem #{odoo_id}",
            "company": rng.choice(("Acme BE", "Acme US")), "team": app, "is_closed": not is_open,
            "created_at": created, "updated_at": closed or created, "closed_at": closed,
            "tags": [], "priority": rng.randint(0, 3)})
        category = rng.choice(("defect", "training_gap", "policy_ambiguity", "unclassified"))
        verdicts.append({
            "ticket_odoo_id": odoo_id, "category": category, "guess": category,
            "confidence": round(rng.uniform(0.3, 1.0), 2), "probabilities": {},
            "explanation": [], "source": "model", "severity": rng.choice((1, 2, 3, 3, 4, 4)),
            "severity_reasons": [], "severity_source": "auto", "app": app,
            "change_request": False, "confidential": rng.random() < 0.03, "model_hash": "",
            "classified_at": NOW})
        if is_open:
            state = rng.choice(("on_track", "on_track", "at_risk", "breached", "paused"))
            clocks.append({"ticket_odoo_id": odoo_id, "state": state,
                           "due_at": NOW + timedelta(hours=rng.randint(-48, 48)),
                           "business_minutes_left": 60.0, "worst_state": state, "clocks": [],
                           "policy": "", "calendar": "default", "evaluated_at": NOW})
    with services.context.store().session() as session:
        for table, rows in ((Ticket, tickets), (TicketClassification, verdicts),
                            (SlaClock, clocks)):
            for start in range(0, len(rows), 5000):
                key = ("odoo_id",) if table is Ticket else ("ticket_odoo_id",)
                upsert_rows(table, rows[start : start + 5000], session=session, key=key)
    for number in range(20):
        services.known_issues.create(title=f"known issue {number}", viewer=SYSTEM,
                                     ticket_refs=(f"HT{rng.randint(1, n):05d}",))
    for number in range(15):
        services.decisions.create(question=f"policy question {number}", owner="owner",
                                  viewer=SYSTEM,
                                  due_date=(NOW + timedelta(days=rng.randint(-5, 5))).date())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(database_url=f"sqlite:///{Path(scratch) / 'bench.db'}",
                            timezone="Europe/Brussels")
        services = Services(ServiceContext(settings=settings, clock=lambda: NOW))
        try:
            started = time.perf_counter()
            fill(services, args.tickets)
            fill_seconds = time.perf_counter() - started
            started = time.perf_counter()
            agenda = services.standup.agenda()
            cold = time.perf_counter() - started
            warm_runs = []
            for _ in range(5):
                started = time.perf_counter()
                services.standup.agenda()
                warm_runs.append(time.perf_counter() - started)
            warm = statistics.median(warm_runs)
        finally:
            services.close()
    table = Table(title=f"stand-up agenda, {args.tickets:,} tickets in the store",
                  box=box.SIMPLE_HEAD, title_justify="left")
    for column in ("metric", "value", "target", "verdict"):
        table.add_column(column)
    table.add_row("agenda (store read + build), first call", f"{cold:.3f} s", "< 1 s",
                  "PASS" if cold < 1 else "MISS")
    table.add_row("agenda, warm (median of 5)", f"{warm:.3f} s", "< 1 s",
                  "PASS" if warm < 1 else "MISS")
    table.add_row("agenda items", str(agenda.item_count), "-", "-")
    table.add_row("training themes", str(len(agenda.training_themes)), "-", "-")
    table.add_row("filling the store (not timed against a target)", f"{fill_seconds:.1f} s",
                  "-", "-")
    Console().print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
