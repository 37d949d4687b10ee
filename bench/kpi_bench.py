"""KPI board speed: 100,000 tickets over 60 days, on SQLite and on PostgreSQL.

Usage::

    .venv/bin/python bench/kpi_bench.py --tickets 100000 \\
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test

Fills a fresh store (SQLite in a temporary directory; on PostgreSQL a temporary database
created next to the one given, dropped afterwards) with N tickets spread over 60 days,
their classifications and SLA clocks, then times ``services.kpis.board(days=60)``: one
joined SQL select turned into numpy columns, then the pure board (target < 1 s).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from rich import box
from rich.console import Console
from rich.table import Table

from hypercare.config import Settings
from hypercare.services import ServiceContext, Services
from hypercare.store.engine import create_store_engine
from hypercare.store.schema import upgrade_schema
from hypercare.store.tables import SlaClock, Ticket, TicketClassification
from hypercare.store.tickets import upsert_rows

NOW = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
APPS = ("Accounting", "Sales", "Inventory", "Purchase", "Manufacturing", "POS", "HR")
CATEGORIES = ("defect", "training_gap", "policy_ambiguity", "unclassified")


def fill(services: Services, n: int) -> None:
    rng = random.Random(11)
    tickets, verdicts, clocks = [], [], []
    for odoo_id in range(1, n + 1):
        created = NOW - timedelta(minutes=rng.randint(10, 60 * 24 * 60))
        is_open = rng.random() < 0.12
        closed = None if is_open else min(NOW, created + timedelta(hours=rng.randint(1, 120)))
        app = rng.choice(APPS)
        tickets.append({
            "odoo_id": odoo_id, "ref": f"HT{odoo_id:06d}", "title": f"ticket {odoo_id}",
            "company": rng.choice(("Acme BE", "Acme US")), "team": app,
            "assignee": rng.choice(("Lea", "Marc", "Ana", "")), "is_closed": not is_open,
            "created_at": created, "updated_at": closed or created, "closed_at": closed,
            "assigned_at": created + timedelta(minutes=rng.randint(5, 600)),
            "first_response_at": created + timedelta(minutes=rng.randint(10, 900)),
            "reopen_count": 1 if rng.random() < 0.05 else 0, "tags": [rng.choice(APPS)],
            "priority": rng.randint(0, 3)})
        category = rng.choice(CATEGORIES)
        verdicts.append({
            "ticket_odoo_id": odoo_id, "category": category, "guess": category,
            "confidence": 0.8, "probabilities": {}, "explanation": [], "source": "model",
            "severity": rng.choice((1, 2, 3, 3, 4)), "severity_reasons": [],
            "severity_source": "auto", "app": app, "change_request": False,
            "confidential": False, "model_hash": "", "classified_at": NOW})
        state = rng.choice(("met", "met", "met", "breached")) if closed else rng.choice(
            ("on_track", "at_risk", "breached", "paused"))
        clocks.append({"ticket_odoo_id": odoo_id, "state": state, "due_at": NOW,
                       "business_minutes_left": 0.0, "worst_state": state, "clocks": [],
                       "policy": "", "calendar": "default", "evaluated_at": NOW})
    with services.context.store().session() as session:
        for table, rows, key in ((Ticket, tickets, "odoo_id"),
                                 (TicketClassification, verdicts, "ticket_odoo_id"),
                                 (SlaClock, clocks, "ticket_odoo_id")):
            for start in range(0, len(rows), 5000):
                upsert_rows(table, rows[start : start + 5000], session=session, key=(key,))


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"hc_bench_{uuid.uuid4().hex[:10]}"
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(admin_url).set(database=name).render_as_string(
            hide_password=False)
    finally:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def measure(url: str, n: int) -> tuple[float, float, float, int]:
    upgrade_schema(create_store_engine(url))
    settings = Settings(database_url=url, timezone="Europe/Brussels")
    services = Services(ServiceContext(settings=settings, clock=lambda: NOW))
    try:
        started = time.perf_counter()
        fill(services, n)
        fill_seconds = time.perf_counter() - started
        kpis = services.kpis  # the service exists (its modules are imported) before timing
        started = time.perf_counter()
        board = kpis.board(days=60)
        cold = time.perf_counter() - started
        warm = []
        for _ in range(3):
            started = time.perf_counter()
            kpis.board(days=60)
            warm.append(time.perf_counter() - started)
        return cold, statistics.median(warm), fill_seconds, len(board.kpis)
    finally:
        services.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--postgres", metavar="URL",
                        help="admin URL of a PostgreSQL server (a temporary database is made)")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        results.append(("SQLite", *measure(f"sqlite:///{Path(scratch) / 'kpi.db'}",
                                           args.tickets)))
    if args.postgres:
        with postgres_database(args.postgres) as url:
            results.append(("PostgreSQL", *measure(url, args.tickets)))
    table = Table(title=f"KPI board: {args.tickets:,} tickets over 60 days",
                  box=box.SIMPLE_HEAD, title_justify="left")
    for column in ("store", "board, first call", "board, warm (median of 3)", "target",
                   "verdict", "KPIs", "filling (untimed)"):
        table.add_column(column)
    for store, cold, warm, fill_seconds, kpis in results:
        table.add_row(store, f"{cold:.3f} s", f"{warm:.3f} s", "< 1 s",
                      "PASS" if max(cold, warm) < 1 else "MISS", str(kpis),
                      f"{fill_seconds:.1f} s")
    Console().print(table)
    if not args.postgres:
        print("PostgreSQL not measured: pass --postgres URL")
    return 0


if __name__ == "__main__":
    sys.exit(main())
