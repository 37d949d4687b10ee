"""``hypercare bot``: usage errors, start-up errors, Odoo down, and a real run in HTTP mode."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hypercare.cli import main
from hypercare.commands.bot_cmd import odoo_warning
from hypercare.config import Settings
from hypercare.services import Services
from hypercare.wiring import build_services
from tests.bot.conftest import BOT_TOKEN, SIGNING_SECRET, answer_text, command_body, post
from tests.slack_mock import MockSlack, sign_request
from tests.support import ServicesFactory, sqlite_settings


def test_port_without_http_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bot", "--port", "3001"]) == 2
    assert "--port and --host are for HTTP mode" in capsys.readouterr().err


def test_missing_bot_token_stops_the_start_with_the_variable(tmp_path: Path) -> None:
    # A subprocess: loading settings configures logging, which must not leak into other tests.
    result = subprocess.run(
        [sys.executable, "-m", "hypercare", "--database-url", f"sqlite:///{tmp_path / 'x.db'}",
         "bot", "--http"], capture_output=True, text=True, timeout=120,
        env={**os.environ, "SLACK_SIGNING_SECRET": SIGNING_SECRET})
    assert result.returncode == 2
    err = result.stderr
    assert "error: the Slack bot token is not set" in err
    assert "HYPERCARE_SLACK__BOT_TOKEN" in err and "SLACK_BOT_TOKEN" in err
    assert SIGNING_SECRET not in err


@pytest.fixture
def odoo_at(tmp_path: Path) -> Iterator[Callable[[str], Services]]:
    with ServicesFactory(tmp_path) as made:

        def factory(url: str) -> Services:
            return made(sqlite_settings(
                made.store("o.db"),
                odoo={"url": url, "db": "acme", "login": "bot", "password": "pw", "retries": 0,
                      "timeout": 10}))

        yield factory


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_odoo_warning_when_none_is_configured(tmp_path: Path) -> None:
    services = build_services(Settings(database_url=f"sqlite:///{tmp_path / 'n.db'}"))
    try:
        assert "no Odoo is configured" in (odoo_warning(services) or "")
    finally:
        services.close()


def test_odoo_warning_when_odoo_refuses(odoo_at: Callable[[str], Services]) -> None:
    services = odoo_at(f"http://127.0.0.1:{free_port()}")
    warning = odoo_warning(services) or ""
    assert "is unavailable" in warning and "starts anyway" in warning


def test_odoo_warning_when_odoo_never_answers_is_bounded(
        odoo_at: Callable[[str], Services]) -> None:
    with socket.socket() as black_hole:  # accepts connections, never answers
        black_hole.bind(("127.0.0.1", 0))
        black_hole.listen(8)
        services = odoo_at(f"http://127.0.0.1:{black_hole.getsockname()[1]}")
        started = time.monotonic()
        warning = odoo_warning(services, timeout=0.5) or ""
        assert time.monotonic() - started < 2
    assert "did not answer within 0.5 s" in warning


def test_bot_runs_in_http_mode_answers_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    with MockSlack(token=BOT_TOKEN) as mock:
        env = {**os.environ, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
               "SLACK_API_URL": mock.url, "PYTHONUNBUFFERED": "1"}
        process = subprocess.Popen(
            [sys.executable, "-m", "hypercare", "--database-url",
             f"sqlite:///{tmp_path / 'bot.db'}", "bot", "--http", "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        try:
            assert process.stdout is not None and process.stderr is not None
            line = process.stdout.readline()
            found = re.search(r"Slack posts to (http://127\.0\.0\.1:\d+/slack/events)", line)
            assert found, line + (process.stderr.read() if process.poll() is not None else "")
            body = command_body("help", mock.response_url("cli"))
            assert post(found.group(1), body, sign_request(body, SIGNING_SECRET))[0] == 200
            assert "status REF" in answer_text(mock.wait_for("response_url")[0])
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert process.returncode == 0, err
    assert "hypercare bot: stopped" in out
    assert "warning: no Odoo is configured" in err
    assert BOT_TOKEN not in out + err and SIGNING_SECRET not in out + err
