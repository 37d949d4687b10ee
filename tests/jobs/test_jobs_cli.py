"""``hypercare jobs list`` and ``jobs run NAME`` end to end through ``hypercare.cli.main``,
on a copy of the synced store, settings from the environment."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hypercare.cli import main
from tests.jobs.conftest import World, closed_port

JOBS = ("sync", "triage_sweep", "standup_digest:finance", "standup_digest:be-logistics",
        "kpi_snapshot", "adoption_snapshot", "watch_kpis", "classifier_retrain", "weekly_pack",
        "outbox_deliver", "slack_followups", "writeback_retry")
STANDUPS = [{"name": "finance", "time": "09:00", "timezone": "Europe/Brussels"},
            {"name": "be-logistics", "time": "08:15", "calendar": "plant"}]
CALENDARS = {"default": {"days": "mon-fri", "holidays": ["2026-10-28"]},
             "plant": {"days": "mon-sat", "timezone": "Europe/Warsaw"}}


@pytest.fixture(autouse=True)
def cli_env(jobs_world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "cli.db"
    shutil.copy(jobs_world.golden, db)
    for name, value in {
        "HYPERCARE_DATABASE_URL": f"sqlite:///{db}", "HYPERCARE_TIMEZONE": "Europe/Brussels",
        "HYPERCARE_TRIAGE__MODEL_DIR": str(jobs_world.model_dir),
        "HYPERCARE_ODOO__URL": jobs_world.sim.url, "HYPERCARE_ODOO__DB": "hypercare",
        "HYPERCARE_ODOO__LOGIN": "admin", "HYPERCARE_ODOO__PASSWORD": "admin",
        "HYPERCARE_STANDUPS": json.dumps(STANDUPS),
        "HYPERCARE_SLA__CALENDARS": json.dumps(CALENDARS), "COLUMNS": "200",
    }.items():
        monkeypatch.setenv(name, value)


def rows(out: str) -> dict[str, str]:
    """Each job's row as ``job | schedule | run by | runs/fail/miss | last run, result``:
    cells cut at the header's column starts, a cell folded onto following lines joined
    back."""
    lines = out.splitlines()
    header = next(line for line in lines if "runs/fail/miss" in line)
    starts = [header.index(title) for title in ("schedule", "run by", "runs/fail/miss",
                                                 "last run")]
    bounds = list(zip([0, *starts], [*starts, None], strict=True))
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines[lines.index(header) + 2:]:
        cells = [line[start:end].strip() for start, end in bounds]
        if cells[0] in JOBS:
            current = found[cells[0]] = cells
        elif current is not None and any(cells):
            current[:] = [f"{a} {b}".strip() for a, b in zip(current, cells, strict=True)]
    return {name: " | ".join(cells) for name, cells in found.items()}


def test_jobs_list_shows_every_job_with_its_schedule(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["jobs", "list"]) == 0
    out = capsys.readouterr().out
    assert "serve: not running" in out.splitlines()[0]
    listed = rows(out)
    assert set(listed) == set(JOBS)
    assert list(listed) == list(JOBS)  # in the registry's order
    assert "| mon-fri 09:00 Europe/Brussels |" in listed["standup_digest:finance"]
    assert "| mon-sat 08:15 Europe/Brussels |" in listed["standup_digest:be-logistics"]
    assert "| every 5 min |" in listed["sync"]
    assert "| every 60 s |" in listed["triage_sweep"]
    assert "| daily 23:50 Europe/Brussels |" in listed["kpi_snapshot"]
    assert "| mon 07:00 Europe/Brussels |" in listed["weekly_pack"]
    for line in listed.values():
        assert line.endswith("| nobody | 0/0/0 | never")


def test_a_job_run_by_hand_shows_in_the_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["jobs", "run", "triage_sweep"]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("triage_sweep: done in ")
    result = out.split(": ", 2)[2]
    assert "tickets swept" in result and "escalations" in result

    assert main(["jobs", "list"]) == 0
    listed_rows = rows(capsys.readouterr().out)
    line = listed_rows["triage_sweep"]
    assert "| 1/0/0 |" in line and line.endswith(f" ok: {result}")
    assert listed_rows["sync"].endswith("| 0/0/0 | never")

    assert main(["jobs", "list", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [job["name"] for job in listed] == list(JOBS)
    by_name = {job["name"]: job for job in listed}
    assert by_name["standup_digest:finance"]["schedule"] == "mon-fri 09:00 Europe/Brussels"
    assert by_name["sync"]["record"] is None
    record = by_name["triage_sweep"]["record"]
    assert (record["runs"], record["failures"], record["missed"]) == (1, 0, 0)
    assert record["last_ok"] is True and record["last_result"] == result
    assert record["last_finished_at"].endswith(("+01:00", "+02:00"))  # shown in Brussels


def test_a_failing_job_exits_1_and_says_why(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HYPERCARE_ODOO__URL", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("HYPERCARE_ODOO__RETRIES", "0")
    assert main(["jobs", "run", "sync"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("sync: FAILED in ") and "cannot reach Odoo" in out
    assert main(["jobs", "list"]) == 0
    line = rows(capsys.readouterr().out)["sync"]
    assert "| 1/1/0 |" in line and " FAILED: cannot reach Odoo" in line


def test_an_unknown_job_exits_2_listing_the_jobs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["jobs", "run", "nope"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "no job named 'nope'" in captured.err
    for name in JOBS:
        assert name in captured.err
