"""The store-backed SLA sweep at scale: a store of N open tickets, swept through the services.

Used by ``bench/sla_bench.py`` (its second table). :func:`fill` writes, through the store's
own upsert functions, N open tickets created over the three weeks before ``NOW`` (four
companies, six teams, severities S1 2 %, S2 13 %, S3 60 %, S4 25 %, a third of the S1s
confirmed by a lead), their classifications, an event log (created, first reply, stage
changes: a quarter in progress, a tenth through "Waiting on Customer", half of those still
waiting), a few reopened twice, and 25 known issues with 2 % of the tickets linked.
Three calendars: the default Brussels split shift with holidays, a New York calendar for
"Acme US", a Monday-Saturday two-shift calendar for the "Warehouse" team (and ``24x7`` for
confirmed S1s).

:func:`measure` then times ``services.sla.sweep()`` end to end (services built with
``hypercare.wiring.build_services``): the first sweep on the store (everything is new: a
baseline) and a sweep one minute later (the steady state: what ``serve`` does every minute).
"""

from __future__ import annotations

import cProfile
import gc
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.kpi_bench import postgres_database as postgres_database  # one temporary-database helper
from hypercare.config import Settings
from hypercare.services import Services
from hypercare.services.triage.sla import SweepReport
from hypercare.store.engine import create_store_engine
from hypercare.store.schema import upgrade_schema
from hypercare.store.tables import KnownIssue, KnownIssueTicket
from hypercare.store.tickets import insert_events, upsert_rows, upsert_tickets
from hypercare.store.triage_records import save_classifications
from hypercare.wiring import build_services

NOW = datetime(2026, 5, 27, 10, 30, tzinfo=UTC)  # a Wednesday, 12:30 in Brussels
HOLIDAYS_2026 = ["2026-01-01", "2026-04-06", "2026-05-01", "2026-05-14", "2026-05-25",
                 "2026-07-21", "2026-08-15", "2026-11-01", "2026-11-11", "2026-12-25"]
COMPANIES = (("Acme BE", 1, 45), ("Acme FR", 2, 25), ("Acme DE", 3, 15), ("Acme US", 4, 15))
TEAMS = ("Finance", "Sales", "Warehouse", "Manufacturing", "HR", "IT")
APPS = ("Accounting", "Sales", "Inventory", "Purchase", "Manufacturing", "Payroll")
CATEGORIES = ("defect", "training_gap", "policy_ambiguity")
SEVERITIES = ((1, 2), (2, 13), (3, 60), (4, 25))
WEEKS = 3
BATCH = 5000
TARGET_SECONDS = 5.0


def settings_for(url: str) -> Settings:
    """The command center's settings for the benchmark store at ``url``."""
    return Settings(
        database_url=url, timezone="Europe/Brussels",
        sla={"calendars": {
                 "default": {"days": "mon-fri", "hours": ["08:00-12:00", "13:00-17:00"],
                             "holidays": HOLIDAYS_2026},
                 "us": {"timezone": "America/New_York", "days": "mon-fri",
                        "hours": ["09:00-17:00"]},
                 "warehouse": {"days": "mon-sat", "hours": ["06:00-14:00", "14:00-22:00"],
                               "holidays": HOLIDAYS_2026}},
             "company_calendars": {"Acme US": "us"},
             "team_calendars": {"Warehouse": "warehouse"}},
        escalation={"levels": [
            {"level": 1, "name": "super-users", "contacts": ["S0SUPERUSERS"]},
            {"level": 2, "name": "functional lead", "contacts": ["U0LEAD", "U0DEPUTY"]},
            {"level": 3, "name": "partner", "contacts": ["U0PARTNER"]},
            {"level": 4, "name": "sponsor", "contacts": ["U0SPONSOR"]}]},
    )


def _weighted(rng: random.Random, choices: tuple[tuple[Any, ...], ...]) -> tuple[Any, ...]:
    return rng.choices(choices, weights=[c[-1] for c in choices])[0]


def fill(services: Services, count: int, seed: int = 28) -> dict[str, int]:
    """Write ``count`` open tickets and what goes with them; what was written, by kind."""
    rng = random.Random(seed)
    window = WEEKS * 7 * 86400
    tickets: list[dict[str, Any]] = []
    verdicts: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    stage_changed = 0
    for odoo_id in range(1, count + 1):
        created = NOW - timedelta(seconds=rng.randrange(60, window))
        company, company_id, _ = _weighted(rng, COMPANIES)
        team = rng.choice(TEAMS)
        severity = _weighted(rng, SEVERITIES)[0]
        age = (NOW - created).total_seconds()
        first_response = (created + timedelta(seconds=age * rng.random() * 0.3)
                          if rng.random() < 0.75 else None)
        stage = "New"
        log = [("created", created, "", "New")]
        if first_response is not None:
            log.append(("public_reply", first_response, "", ""))
        if rng.random() < 0.25:
            started = created + timedelta(seconds=age * rng.random() * 0.4)
            log.append(("stage_changed", started, "New", "In Progress"))
            stage = "In Progress"
            if rng.random() < 0.4:  # a tenth of all tickets wait on the reporter
                waiting = started + (NOW - started) * rng.random()
                log.append(("stage_changed", waiting, "In Progress", "Waiting on Customer"))
                stage = "Waiting on Customer"
                if rng.random() < 0.5:
                    back = waiting + (NOW - waiting) * rng.random()
                    log.append(("stage_changed", back, "Waiting on Customer", "In Progress"))
                    stage = "In Progress"
        for number, (kind, at, before, after) in enumerate(log):
            stage_changed += kind == "stage_changed"
            events.append({"ticket_odoo_id": odoo_id, "source_key": f"bench:{number}",
                           "kind": kind, "at": at, "actor": "bench",
                           "actor_is_internal": kind != "created", "from_value": before,
                           "to_value": after, "body": ""})
        tickets.append({
            "odoo_id": odoo_id, "ref": f"HT{odoo_id:06d}",
            "title": f"{rng.choice(APPS)} problem #{odoo_id}", "description": "",
            "company_odoo_id": company_id, "company": company,
            "team_odoo_id": TEAMS.index(team) + 1, "team": team,
            "stage_odoo_id": 1, "stage": stage, "is_closed": False,
            "priority": 4 - severity, "priority_label": "", "assignee_odoo_id": None,
            "assignee": rng.choice(("Lea", "Marc", "Ana", "Tom", "")), "partner_name": "",
            "partner_email": "", "tags": [], "ticket_type": rng.choice(("Issue", "Question")),
            "odoo_category": "", "channel": "", "active": True, "deleted": False,
            "created_at": created, "updated_at": max(m for _, m, _, _ in log),
            "assigned_at": None, "closed_at": None, "first_response_at": first_response,
            "reopen_count": 2 if rng.random() < 0.02 else 0, "odoo_sla_deadline": None,
            "odoo_sla_reached_late": False, "url": "", "synced_at": NOW,
            "needs_derive": False})
        category = rng.choice(CATEGORIES)
        confirmed = severity == 1 and rng.random() < 0.33
        confidence = round(rng.uniform(0.5, 1.0), 2)
        rest = [c for c in CATEGORIES if c != category]
        verdicts.append({
            "ticket_odoo_id": odoo_id, "category": category, "guess": category,
            "confidence": confidence,
            "probabilities": {category: confidence, rest[0]: round((1 - confidence) * 0.7, 3),
                              rest[1]: round((1 - confidence) * 0.3, 3)},
            "explanation": [f"rule: '{category}' keywords in the title",
                            f"model: {category} {confidence:.2f}"],
            "source": "model", "severity": severity,
            "severity_reasons": [f"priority {4 - severity}", "blocks a business process"]
            if severity <= 2 else [f"priority {4 - severity}"],
            "severity_source": "human" if confirmed else "auto",
            "app": rng.choice(APPS), "change_request": False,
            "confidential": rng.random() < 0.03, "model_hash": "", "classified_at": NOW})
    issues = 25
    linked = rng.sample(range(1, count + 1), k=min(count, count // 50))
    with services.context.store().session() as session:
        for start in range(0, count, BATCH):
            upsert_tickets(tickets[start : start + BATCH], session=session)
            save_classifications(verdicts[start : start + BATCH], session=session)
        for start in range(0, len(events), BATCH):
            insert_events(events[start : start + BATCH], session=session)
        known = [KnownIssue(title=f"known issue {n}", category="defect",
                            severity=rng.choice((2, 3)), app=rng.choice(APPS),
                            status="workaround_available" if n % 3 == 0 else "investigating",
                            workaround_at=NOW - timedelta(days=rng.randint(1, 10))
                            if n % 3 == 0 else None,
                            created_at=NOW - timedelta(days=rng.randint(5, 20)))
                 for n in range(issues)]
        session.add_all(known)
        session.flush()
        upsert_rows(KnownIssueTicket, [
            {"ticket_odoo_id": odoo_id, "known_issue_id": known[n % issues].id,
             "linked_by": "bench", "linked_at": NOW - timedelta(days=1)}
            for n, odoo_id in enumerate(linked)], session=session, key=("ticket_odoo_id",))
    return {"tickets": count, "events": len(events), "stage changes": stage_changed,
            "known issues": issues, "linked tickets": len(linked)}


@dataclass(frozen=True)
class SweepTiming:
    """One timed sweep."""

    name: str
    seconds: float
    """Wall time."""
    cpu_seconds: float
    """This process's CPU time (the database server's not counted): steadier than wall time
    on a busy machine."""
    report: SweepReport


@dataclass(frozen=True)
class StoreResult:
    """What :func:`measure` found on one store."""

    store: str
    tickets: int
    filled: dict[str, int]
    fill_seconds: float
    sweeps: list[SweepTiming]


def measure(url: str, store: str, count: int, *, seed: int = 28,
            profile: cProfile.Profile | None = None) -> StoreResult:
    """Fill a fresh store at ``url``, then time its first sweep and one a minute later
    (``profile``: then a third, a minute later again, under cProfile)."""
    if not url.startswith("sqlite"):  # PostgreSQL is upgraded by hand, as `db upgrade` does
        engine = create_store_engine(url)
        upgrade_schema(engine)
        engine.dispose()
    settings = settings_for(url)
    services = build_services(settings, clock=lambda: NOW)
    try:
        started = time.perf_counter()
        filled = fill(services, count, seed)
        fill_seconds = time.perf_counter() - started
        sla = services.sla  # the service is built (its modules imported) before timing
        sweeps = [_timed("first sweep (baseline)", lambda: sla.sweep(now=NOW))]
        later = NOW + timedelta(minutes=1)
        sweeps.append(_timed("steady sweep (+1 min)", lambda: sla.sweep(now=later)))
        if profile is not None:  # one more steady sweep, profiled (not in the figures)
            _timed("profiled", lambda: sla.sweep(now=later + timedelta(minutes=1)), profile)
        return StoreResult(store, count, filled, fill_seconds, sweeps)
    finally:
        services.close()


def _timed(name: str, sweep: Callable[[], SweepReport],
           profile: cProfile.Profile | None = None) -> SweepTiming:
    gc.collect()
    if profile is not None:
        profile.enable()
    started, cpu = time.perf_counter(), time.process_time()
    report = sweep()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if profile is not None:
        profile.disable()
    return SweepTiming(name, seconds, cpu, report)


