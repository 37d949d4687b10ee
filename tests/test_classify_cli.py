"""`hypercare classify` and `triage evaluate|decide|retrain` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hypercare.cli import main


@pytest.fixture(autouse=True)
def shared_models(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory,
                  sqlite_url: str) -> None:
    monkeypatch.setenv("HYPERCARE_TRIAGE__MODEL_DIR",
                       str(tmp_path_factory.getbasetemp() / "cli-models"))
    monkeypatch.setenv("HYPERCARE_DATABASE_URL", sqlite_url)


ROWS = [
    {"id": "a1", "subject": "Odoo Server Error on validating the receipt",
     "description": "Traceback ... ValueError. Worked yesterday.", "app": "Inventory",
     "priority": "3", "category": "defect"},
    {"id": "a2", "title": "Where is the button to print the delivery slip?", "description": "",
     "category": "training_gap"},
    {"id": "a3", "subject": "Qui valide les remises au-delà de 10 % ?",
     "description": "Aucune règle définie entre ventes et finance.",
     "category": "policy_ambiguity"},
]


def write_jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_jsonl_in_jsonl_out_same_order(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["classify", "--input", str(write_jsonl(tmp_path / "t.jsonl", ROWS))]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["id"] for line in lines] == ["a1", "a2", "a3"]
    assert [line["guess"] for line in lines] == [r["category"] for r in ROWS]
    for line in lines:
        assert set(line) == {"id", "category", "guess", "confidence", "explanation", "severity",
                             "app", "change_request", "confidential"}
    assert lines[0]["app"] == "Inventory"  # given by the row
    assert lines[0]["severity"] == "S2"  # Urgent priority, no impact signal in the text


def test_csv_input_and_table_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,subject,description,priority\n"
                    "c1,How do I cancel a posted invoice?,,1\n"
                    'c2,"Who owns the vendor master data?","Purchasing and finance both edit",0\n',
                    encoding="utf-8")
    assert main(["classify", "--input", str(path), "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert "c1" in out and "training_gap" in out and "policy_ambiguity" in out


@pytest.mark.parametrize(("content", "suffix", "expected"), [
    ('{"id": "x1", "subject": "ok"}\n{"id": "x2", "subject": \n', ".jsonl",
     "t.jsonl line 2 is not valid JSON"),
    ('{"id": "x1", "description": "no subject"}\n', ".jsonl", "line 1 (id x1) has no subject"),
    ('{"subject": "no id"}\n', ".jsonl", "t.jsonl line 1 has no id"),
    ('{"id": 3, "subject": "s", "priority": "high"}\n', ".jsonl", "priority must be 0-3"),
    ("id,subject\n7,\n", ".csv", "t.csv row 2 (id 7) has no subject or title"),
    ("", ".jsonl", "holds no rows"),
    ("id,subject\n", ".txt", "must end in .jsonl or .csv"),
])
def test_malformed_input_names_the_row(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       content: str, suffix: str, expected: str) -> None:
    path = tmp_path / f"t{suffix}"
    path.write_text(content, encoding="utf-8")
    assert main(["classify", "--input", str(path)]) == 2
    assert expected in capsys.readouterr().err


def test_evaluate_prints_the_scores(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_jsonl(tmp_path / "labeled.jsonl", ROWS)
    assert main(["triage", "evaluate", "--input", str(path)]) == 0
    out = capsys.readouterr().out
    assert "rows 3" in out and "macro-F1 1.000" in out and "coverage" in out
    assert "confusion" in out and "precision" in out
    unlabeled = write_jsonl(tmp_path / "unlabeled.jsonl", [{"id": "u", "subject": "s"}])
    assert main(["triage", "evaluate", "--input", str(unlabeled)]) == 2
    assert "has no category to evaluate against" in capsys.readouterr().err


def test_decide_needs_something_to_decide(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["triage", "decide", "T1"]) == 2
    assert "needs a category, a severity or both" in capsys.readouterr().err
    assert main(["triage", "decide", "NOPE", "--category", "defect"]) == 1
    assert "no synced ticket" in capsys.readouterr().err


def test_retrain_reports_what_it_did(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["triage", "retrain"]) == 0
    out = capsys.readouterr().out
    assert "seed examples + 0 decisions" in out and "reclassified 0 tickets" in out
