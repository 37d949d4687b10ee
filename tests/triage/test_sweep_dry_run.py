"""``triage sweep --now FUTURE`` is a dry run: it says which escalations and messages a sweep
at that moment would make, and writes no row to any table (the live store keeps only what
really happened)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, table

from hypercare import wiring
from hypercare.cli import main
from hypercare.services import Services
from tests.support import watching
from tests.triage.test_sweep import MONDAY_NOON, add_ticket, make

LATER = MONDAY_NOON + timedelta(days=5)


@pytest.fixture(params=["sqlite", "postgresql"])
def services(request: pytest.FixtureRequest, model_dir: Path) -> Iterator[Services]:
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    built = make(url, model_dir)
    if request.param == "postgresql":
        built.system.upgrade_db()  # a PostgreSQL store is upgraded by `hypercare db upgrade`
    watching(built, LATER - timedelta(minutes=1))  # watched until just before the sweeps
    try:
        add_ticket(built, 1, created=MONDAY_NOON - timedelta(hours=2), severity=1)
        add_ticket(built, 2, created=MONDAY_NOON - timedelta(hours=1), severity=3)
        yield built
    finally:
        built.close()


def every_row(services: Services) -> dict[str, int]:
    """Rows per table of the whole store."""
    engine = services.context.store().engine
    with engine.connect() as connection:
        return {name: connection.execute(select(func.count()).select_from(table(name)))
                .scalar_one() for name in inspect(engine).get_table_names()}


def test_a_rehearsal_says_what_would_happen_and_writes_nothing(services: Services) -> None:
    before = every_row(services)
    dry = services.sla.rehearse(now=LATER)
    assert every_row(services) == before
    assert dry.escalations and dry.messages
    assert {e.ref for e in dry.escalations} == {"T1", "T2"}
    # the real sweep at that moment does what the rehearsal said
    real = services.sla.sweep(now=LATER)
    assert real.new_escalations == dry.report.new_escalations
    made = services.sla.list_escalations(viewer=services.context.access.viewer("lea"))
    assert sorted((e.ref, e.level, e.trigger) for e in made) == sorted(
        (e.ref, e.level, e.trigger) for e in dry.escalations)


def test_the_cli_dry_run_prints_json_and_keeps_the_store(
        services: Services, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(wiring, "build_services", lambda settings, **kw: services)
    before = every_row(services)
    capsys.readouterr()
    assert main(["triage", "sweep", "--now", LATER.isoformat(), "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert set(found) == {"now", "escalations", "messages"}
    assert found["escalations"] and found["messages"]
    assert every_row(services) == before
    assert main(["triage", "sweep", "--now", LATER.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "dry run" in out and "would escalate T1" in out and "nothing was written" in out
    assert main(["triage", "sweep", "--now", "2026-12-20T10:00:00"]) == 2  # no offset
    assert every_row(services) == before


def test_a_sweep_without_now_is_the_real_one(services: Services) -> None:
    before = every_row(services)
    services.sla.sweep()
    assert every_row(services)["sla_clock"] == before["sla_clock"] + 2


def test_escalations_list_gives_the_ids_ack_takes(
        services: Services, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(wiring, "build_services", lambda settings, **kw: services)
    services.sla.sweep(now=LATER)
    capsys.readouterr()
    assert main(["escalations", "list", "--open", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed and {e["ref"] for e in listed} == {"T1", "T2"}
    first = listed[0]
    assert main(["--as", "lea", "triage", "ack", str(first["id"])]) == 0
    capsys.readouterr()
    assert main(["escalations", "list", "--open", "--format", "json"]) == 0
    assert first["id"] not in {e["id"] for e in json.loads(capsys.readouterr().out)}
    assert main(["escalations", "list"]) == 0
    table_out = capsys.readouterr().out
    assert "acknowledged" in table_out and str(first["id"]) in table_out
