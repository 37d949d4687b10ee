"""The CLI's exit codes, error rendering and start-up behaviour."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hypercare import __version__
from hypercare.cli import main

SUBCOMMANDS = ("config", "db", "sync", "tickets", "classify", "triage", "standup", "kpi",
               "known", "decisions", "backlog", "tui", "demo", "jobs", "bot", "serve", "sim",
               "export")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "hypercare", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"hypercare {__version__}"


def test_help_lists_every_subcommand() -> None:
    result = run("--help")
    assert result.returncode == 0
    for name in SUBCOMMANDS:
        assert name in result.stdout
    assert "not built yet" not in result.stdout


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_every_subcommand_has_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([name, "--help"])
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("usage: hypercare " + name)


def test_no_subcommand_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: hypercare" in capsys.readouterr().out


def test_unknown_subcommand_is_a_usage_error() -> None:
    result = run("frobnicate")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_runtime_error_is_one_line_without_traceback_unless_debug(tmp_path: Path) -> None:
    unreachable = "postgresql+psycopg://nobody:s3cret-pw@127.0.0.1:1/none"
    result = run("--database-url", unreachable, "db", "upgrade")
    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot open the store")
    assert "hint: Check HYPERCARE_DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr
    assert "s3cret-pw" not in result.stderr
    debug = run("--debug", "--database-url", unreachable, "db", "upgrade")
    assert debug.returncode == 1
    assert "Traceback" in debug.stderr
    assert "error: cannot open the store" in debug.stderr


def test_bad_set_flag_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--set", "odoo.timeout", "config", "show"]) == 2
    assert "--set expects KEY=VALUE" in capsys.readouterr().err


def test_set_flag_overrides_env(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HYPERCARE_ODOO__TIMEOUT", "12")
    assert main(["--set", "odoo.timeout=99", "config", "show", "--format", "json"]) == 0
    assert '"timeout": 99.0' in capsys.readouterr().out


def test_db_upgrade_then_nothing_to_do(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database-url", sqlite_url, "db", "upgrade"]) == 0
    assert "from empty to" in capsys.readouterr().out
    assert main(["--database-url", sqlite_url, "db", "upgrade"]) == 0
    assert "nothing to do" in capsys.readouterr().out


def test_config_check_without_odoo_or_slack(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "check"]) == 0
    out = capsys.readouterr().out
    assert "no Odoo configured" in out
    assert "no Slack configured" in out


def test_as_is_the_user_of_every_front_end_it_opens(capsys: pytest.CaptureFixture[str]) -> None:
    """``--as NAME`` stands for ``tui.user`` too: ``hypercare --as lea tui`` acts as lea."""
    import json

    assert main(["config", "show", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["tui"]["user"] == ""
    assert main(["--as", "lea", "config", "show", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["tui"]["user"] == "lea"


ROUND_TRIP = '''
timezone = "Europe/Brussels"
go_live = 2026-11-23
companies = { "Acme US" = { go_live = 2026-11-30 } }
standups = [{ name = "be", company = "Acme BE", time = "09:15", channel = "C0STANDUP" }]

[odoo]
url = "http://127.0.0.1:9"
db = "acme"
login = "bot@acme.example"

[roles]
leads = ["anna", "S0LEADS"]
super_users = ["U0SUPER"]
raise = "everyone"
companies = { "U0ABC" = ["Acme BE"] }

[sla.calendars.be]
timezone = "Europe/Brussels"
holidays = [2026-12-25]
'''


def test_config_show_as_toml_loads_back_to_the_same_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """``config show --format toml`` is a settings file: secrets left out, lists as TOML
    lists; loading it back prints the same bytes."""
    source = tmp_path / "in.toml"
    source.write_text(ROUND_TRIP, encoding="utf-8")
    monkeypatch.setenv("HYPERCARE_ODOO__API_KEY", "k-secret-1")
    monkeypatch.setenv("HYPERCARE_SLACK__BOT_TOKEN", "xoxb-secret-2")
    assert main(["--config", str(source), "config", "show", "--format", "toml"]) == 0
    first = capsys.readouterr().out
    assert "k-secret-1" not in first and "xoxb-secret-2" not in first
    assert "api_key" not in first and "bot_token =" not in first
    assert 'leads = [\n    "anna",\n    "S0LEADS",\n]' in first and 'raise = "everyone"' in first
    out = tmp_path / "out.toml"
    out.write_text(first, encoding="utf-8")
    monkeypatch.delenv("HYPERCARE_ODOO__API_KEY")
    monkeypatch.delenv("HYPERCARE_SLACK__BOT_TOKEN")
    assert main(["--config", str(out), "config", "show", "--format", "toml"]) == 0
    assert capsys.readouterr().out == first
