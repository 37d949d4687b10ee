"""Bad input gets a clear error naming what is wrong, and loses nothing: files to classify,
absurd numbers, a password in a URL, a reader that stops reading."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from hypercare.cli import main

DEEP = "[" * 100_000 + "]" * 100_000
BAD_FILES = {
    "binary.jsonl": (bytes(range(128, 256)) * 20, "binary.jsonl line 1 is not UTF-8 text"),
    "latin1.csv": (b"id,subject\n1,caf\xe9 cr\xe8me\n", "latin1.csv line 2 is not UTF-8 text"),
    "huge.csv": (b"id,subject,description\n1,ok,fine\n2,x," + b"a" * 10_000_000 + b"\n",
                 "huge.csv row 3 is not valid CSV: field larger than field limit"),
    "deep.jsonl": (b'{"id": 1, "subject": "x"}\n{"id": 2, "subject": "x", "d": '
                   + DEEP.encode() + b"}\n", "deep.jsonl line 2 is not valid JSON: nested"),
    "infinity.jsonl": (b'{"id": 1, "subject": "x", "priority": Infinity}\n',
                       "infinity.jsonl line 1 is not valid JSON: Infinity"),
    "digits.jsonl": (b'{"id": 1, "subject": "x", "priority": ' + b"9" * 5000 + b"}\n",
                     "digits.jsonl line 1 is not valid JSON: a number of 5,000 digits"),
    "priority.csv": (b"id,subject,priority\n1,x,2\n7,y," + b"9" * 5000 + b"\n",
                     "priority.csv row 3 (id 7): priority must be 0-3"),
    "float.jsonl": (b'{"id": 1, "subject": "x", "priority": 2.5}\n',
                    "float.jsonl line 1 (id 1): priority must be 0-3, not '2.5'"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_classify_input_exits_2_naming_the_row(tmp_path: Path, name: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    content, expected = BAD_FILES[name]
    (tmp_path / name).write_bytes(content)
    assert main(["classify", "--input", str(tmp_path / name)]) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert "internal error" not in err and len(err) < 600


@pytest.mark.parametrize(("argv", "expected"), [
    (["kpi", "--days", "99999999"], "argument --days: expected a whole number from 1 to 3,650"),
    (["kpi", "--days", "-3"], "argument --days: expected a whole number from 1 to 3,650"),
    (["jobs", "retry", "9" * 30], "argument ID: expected a record number"),
    (["triage", "ack", "١٢"], "argument ID: expected a record number"),
    (["tickets", "list", "--limit", "1e99"], "argument --limit: expected a whole number"),
    (["sim", "--rate", "inf"], "argument --rate: expected a number from 0 to 100000"),
])
def test_absurd_numbers_are_usage_errors(argv: list[str], expected: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    assert expected in capsys.readouterr().err


def test_absurd_week_and_ticket_numbers_say_what_is_wrong(
        sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database-url", sqlite_url, "db", "upgrade"]) == 0
    capsys.readouterr()
    assert main(["--database-url", sqlite_url, "export", "weekly", "--week", "9999-W52",
                 "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "'9999-W52' is not an ISO week like 2026-W48, from 2000 to 2999" in err
    for ref in ("9" * 23, "#" + "9" * 40, "²", "HT" + "9" * 30):
        assert main(["--database-url", sqlite_url, "tickets", "show", ref]) == 1
        err = capsys.readouterr().err
        assert "no synced ticket you may see has the reference" in err
        assert "internal error" not in err


def test_a_password_in_the_odoo_url_is_never_shown(monkeypatch: pytest.MonkeyPatch,
                                                   sqlite_url: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as probe:  # a closed port on 127.0.0.1: Odoo is unreachable
        probe.bind(("127.0.0.1", 0))
        unused_port = probe.getsockname()[1]
    for name, value in {"HYPERCARE_ODOO__URL": f"http://bot:s3cr3t-pw@127.0.0.1:{unused_port}",
                        "HYPERCARE_ODOO__DB": "acme", "HYPERCARE_ODOO__LOGIN": "bot",
                        "HYPERCARE_ODOO__API_KEY": "key-1234567890",
                        "HYPERCARE_DATABASE_URL": sqlite_url}.items():
        monkeypatch.setenv(name, value)
    assert main(["sync"]) == 1
    assert main(["config", "check"]) in (0, 1)
    assert main(["config", "show"]) == 0
    assert main(["--debug", "sync"]) == 1
    out = capsys.readouterr()
    shown = out.out + out.err
    assert "cannot reach Odoo at http://bot:***@127.0.0.1" in shown
    assert "s3cr3t-pw" not in shown


def test_a_reader_that_stops_early_is_no_error(tmp_path: Path) -> None:
    rows = tmp_path / "many.jsonl"
    rows.write_text("".join(f'{{"id": {i}, "subject": "Invoice {i} cannot be posted"}}\n'
                            for i in range(3000)), encoding="utf-8")
    reader = subprocess.Popen(["head", "-c", "10"], stdin=subprocess.PIPE,
                              stdout=subprocess.DEVNULL)
    writer = subprocess.run([sys.executable, "-m", "hypercare", "classify", "--input",
                             str(rows)], stdout=reader.stdin, stderr=subprocess.PIPE,
                            timeout=120, env={**os.environ, "PYTHONUNBUFFERED": "0"})
    assert reader.stdin is not None
    reader.stdin.close()
    reader.wait(timeout=30)
    assert writer.returncode == 0, writer.stderr
    assert writer.stderr == b""
