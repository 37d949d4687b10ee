"""Text from outside is cleaned once where it enters: Odoo (through the real sync), Slack
intake, files given to classify. Stored text then holds no control character, no bidi
override and no CR, and keeps what a person wrote (tabs and newlines where a field has lines).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from hypercare.cli import main
from hypercare.odoo.sim import OdooSimulator
from hypercare.services.intake.raising import RaiseRequest
from hypercare.text import clean, is_clean, one_line, shorten
from tests.support.hostile import CONTROLS, RTL, TITLES, raw_controls, seed_hostile_tickets
from tests.sync.conftest import make_sim


@pytest.mark.parametrize(("raw", "multiline", "expected"), [
    ("a\x1b[31mb\x07c\x00d", True, "a[31mbcd"),
    ("line 1\r\nline 2\rline 3", True, "line 1\nline 2\nline 3"),
    ("keep\ttab\nand newline", True, "keep\ttab\nand newline"),
    ("  title\twith\r\nbreaks  ", False, "title with breaks"),
    ("x\u202ey\u202c \u2066z\u2069", True, "xy z"),
    ("marks \u200e\u200f stay", True, "marks \u200e\u200f stay"),
    ("C1 \x85\x9b here", True, "C1  here"),
    ("🔥 emoji 👩‍💻", False, "🔥 emoji 👩‍💻"),
    (None, True, ""),
    (42, False, "42"),
])
def test_clean(raw: object, multiline: bool, expected: str) -> None:
    assert clean(raw, multiline=multiline) == expected
    assert is_clean(expected, multiline=multiline)


def test_shorten_and_one_line() -> None:
    assert shorten("abcdef", 4) == "abc…" and shorten("abc", 4) == "abc"
    assert shorten("abc", 0) == ""
    assert one_line("a\n\nb\t c\x07" + "d" * 500, 10) == "a b cdddd…"
    assert len(one_line(TITLES["huge"], 80)) == 80


def test_a_raise_request_is_clean_whoever_builds_it() -> None:
    request = RaiseRequest(title=CONTROLS + "\n" + RTL, what_happened="first\r\nsecond\x1b[0m",
                           company="Acme\x00 BE")
    assert raw_controls(request.title) == [] and "\n" not in request.title
    assert request.what_happened == "first\nsecond[0m"
    assert request.company == "Acme BE"


@pytest.fixture(scope="module")
def hostile_sim() -> Iterator[tuple[OdooSimulator, dict[str, int]]]:
    sim = make_sim(flavor="oca", version="18.0", tickets=10)
    try:
        yield sim, seed_hostile_tickets(sim)
    finally:
        sim.stop()


def test_sync_stores_clean_text(hostile_sim: tuple[OdooSimulator, dict[str, int]],
                                monkeypatch: pytest.MonkeyPatch, sqlite_url: str,
                                tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sim, created = hostile_sim
    for name, value in {"HYPERCARE_DATABASE_URL": sqlite_url, "HYPERCARE_ODOO__URL": sim.url,
                        "HYPERCARE_ODOO__DB": "hypercare", "HYPERCARE_ODOO__LOGIN": "admin",
                        "HYPERCARE_ODOO__PASSWORD": "admin",
                        "HYPERCARE_TRIAGE__MODEL_DIR": str(tmp_path / "models")}.items():
        monkeypatch.setenv(name, value)
    assert main(["sync"]) == 0
    capsys.readouterr()
    assert main(["tickets", "list", "--format", "json"]) == 0
    tickets = {t["odoo_id"]: t for t in json.loads(capsys.readouterr().out)}
    for name, odoo_id in created.items():
        stored = tickets[odoo_id]
        for field in ("title", "description", "partner_name"):
            assert raw_controls(stored[field]) == [], (name, field)
        assert "\n" not in stored["title"] and "\r" not in stored["description"]
    assert tickets[created["controls"]]["title"] == "Invoice[31m red bell next nul1m back"
    assert tickets[created["emoji"]]["title"] == TITLES["emoji"]
    assert tickets[created["markup"]]["title"] == TITLES["markup"]  # data, kept as typed
    assert len(tickets[created["huge"]]["title"]) == len(TITLES["huge"])
    assert main(["tickets", "show", str(created["controls"]), "--format", "json"]) == 0
    events = json.loads(capsys.readouterr().out)["events"]
    replies = [e for e in events if e["kind"] in ("public_reply", "customer_message")]
    shown = [" ".join(str(value) for value in e.values()) for e in replies]
    assert any("red bell" in s for s in shown)  # the reply's text is kept, cleaned
    assert all(raw_controls(s) == [] for s in shown)


def test_classify_input_is_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = tmp_path / "hostile.jsonl"
    rows.write_text("".join(json.dumps({"id": name, "subject": title, "description": title})
                            + "\n" for name, title in TITLES.items()), encoding="utf-8")
    assert main(["classify", "--input", str(rows)]) == 0
    out = capsys.readouterr().out
    assert raw_controls(out) == []
    assert len(out.splitlines()) == len(TITLES)
