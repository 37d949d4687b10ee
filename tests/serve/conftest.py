"""``hypercare serve`` as real child processes: the Odoo simulator over HTTP, the mock Slack
Web API, a store migrated and synced by the CLI, and :class:`ServeProcess` handles that read
each child's output in a thread. Every child still running at teardown is killed."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from hypercare.config import Settings
from hypercare.odoo.sim import OdooSimulator
from hypercare.services import Services
from tests.bot.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.slack_mock import MockSlack
from tests.support import new_services
from tests.sync.conftest import make_sim

ALERTS = "C0ALERTS"
OWNER_LINE = "this process runs the scheduler"
BOT_ONLY_LINE = "runs the bot only"
CLI_TIMEOUT = 180.0
WAIT = 60.0
"""Generous: several Python processes start at once on a loaded CI machine."""


def wait_until(check: Callable[[], Any], *, timeout: float = WAIT,
               what: str | Callable[[], str] = "", every: float = 0.1) -> Any:
    """Poll ``check`` until it returns something truthy; that value, or AssertionError
    saying ``what`` (a callable: called then, to describe the state at the time)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            said = what() if callable(what) else what
            raise AssertionError(f"not within {timeout:.0f} s: {said or check}")
        time.sleep(every)


SERVE_ARGS = ("serve", "--http", "--port", "0", "--health-port", "0")


class ServeProcess:
    """One ``hypercare`` child (``serve --http`` unless ``args`` says otherwise), its output
    (stdout and stderr) read in a thread. ``terminal``: run it on a pseudo-terminal (the TUI
    draws on one), its output drained but not kept as lines."""

    def __init__(self, env: dict[str, str], label: str, args: tuple[str, ...] = SERVE_ARGS,
                 *, terminal: bool = False) -> None:
        self.label = label
        self.lines: list[str] = []
        self._changed = threading.Condition()
        command = [sys.executable, "-m", "hypercare", *args]
        if terminal:
            import fcntl
            import pty
            import struct
            import termios

            main_fd, child_fd = pty.openpty()
            fcntl.ioctl(child_fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
            self.proc = subprocess.Popen(
                command, env={**env, "TERM": "xterm-256color", "COLUMNS": "120",
                              "LINES": "40"},
                stdin=child_fd, stdout=child_fd, stderr=child_fd, start_new_session=True)
            os.close(child_fd)
            self._reader = threading.Thread(target=self._drain, args=(main_fd,),
                                            name=f"read-{label}", daemon=True)
        else:
            self.proc = subprocess.Popen(
                command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                bufsize=1)
            self._reader = threading.Thread(target=self._read, name=f"read-{label}",
                                            daemon=True)
        self._reader.start()

    def _drain(self, fd: int) -> None:
        """Read the terminal until the child closes it (a full terminal would block it)."""
        try:
            while os.read(fd, 65536):
                pass
        except OSError:
            pass
        finally:
            os.close(fd)

    @property
    def name(self) -> str:
        """How the child names itself in heartbeats and job records (``host:pid``)."""
        return f"{socket.gethostname()}:{self.proc.pid}"

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def output(self) -> str:
        with self._changed:  # an RLock: wait_line calls this holding it
            return "\n".join(f"[{self.label}] {line}" for line in self.lines)

    def count(self, text: str) -> int:
        with self._changed:
            return sum(text in line for line in self.lines)

    def wait_line(self, text: str, *, count: int = 1, timeout: float = WAIT) -> str:
        """The ``count``-th output line containing ``text``; AssertionError (with the output)
        when the child exits or the time runs out first."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [line for line in self.lines if text in line]
                if len(found) >= count:
                    return found[count - 1]
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self._reader.is_alive()):
                    why = "timed out" if left <= 0 else f"exited {self.proc.returncode}"
                    raise AssertionError(f"{self.label} {why} before printing {text!r}:\n"
                                         f"{self.output()}")
                self._changed.wait(min(left, 0.5))

    def health(self) -> tuple[int, dict[str, Any]]:
        """GET /healthz at the address the child printed."""
        url = self.wait_line("health at ").split("health at ", 1)[1].strip()
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def signal(self, number: int) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(number)

    def kill(self) -> int:
        """SIGKILL (a crash) and reap it; its exit code."""
        self.signal(signal.SIGKILL)
        return self.wait()

    def wait(self, timeout: float = WAIT) -> int:
        code = self.proc.wait(timeout=timeout)
        self._reader.join(timeout=10)
        return code


@dataclass
class ServeWorld:
    """One test's store, mock Slack, and the serve children started on them."""

    url: str
    mock: MockSlack
    env: dict[str, str]
    services: Services
    started: list[ServeProcess] = field(default_factory=list)

    def serve(self, label: str = "", **env: str) -> ServeProcess:
        """Start ``hypercare serve``; ``env``: more variables (``HYPERCARE_JOBS__...``)."""
        child = ServeProcess({**self.env, **env}, label or f"serve{len(self.started) + 1}")
        self.started.append(child)
        return child

    def bot(self, label: str = "bot") -> ServeProcess:
        """Start ``hypercare bot`` in HTTP mode (no serve: it runs its own jobs)."""
        child = ServeProcess(self.env, label, ("bot", "--http", "--port", "0"))
        self.started.append(child)
        return child

    def tui(self, label: str = "tui") -> ServeProcess:
        """Start ``hypercare tui`` on a pseudo-terminal (it runs its own jobs)."""
        child = ServeProcess(self.env, label, ("tui",), terminal=True)
        self.started.append(child)
        return child

    def output(self) -> str:
        return "\n".join(child.output() for child in self.started)


def child_env(url: str, sim: OdooSimulator, mock: MockSlack, root: Path) -> dict[str, str]:
    """The environment of a CLI child (the test's own is already stripped of HYPERCARE_*)."""
    home = root / "home"
    for sub in (".config", ".local/share", "models"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HYPERCARE_", "SLACK_"))}
    env.update({
        "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local/share"), "PYTHONUNBUFFERED": "1",
        "HYPERCARE_DATABASE_URL": url,
        "HYPERCARE_ODOO__URL": sim.url, "HYPERCARE_ODOO__DB": "hypercare",
        "HYPERCARE_ODOO__LOGIN": "admin", "HYPERCARE_ODOO__PASSWORD": "admin",
        "HYPERCARE_ODOO__API_KEY": "sim-api-key", "HYPERCARE_ODOO__RETRIES": "0",
        "HYPERCARE_ODOO__TIMEOUT": "10",
        "HYPERCARE_SLACK__BOT_TOKEN": BOT_TOKEN,
        "HYPERCARE_SLACK__SIGNING_SECRET": SIGNING_SECRET,
        "HYPERCARE_SLACK__API_URL": mock.url, "HYPERCARE_SLACK__ALERTS_CHANNEL": ALERTS,
        "HYPERCARE_JOBS__LEASE_SECONDS": "0.5", "HYPERCARE_JOBS__OUTBOX_SECONDS": "1",
        "HYPERCARE_TRIAGE__MODEL_DIR": str(home / "models"),
    })
    return env


def cli(env: dict[str, str], *args: str) -> str:
    """Run ``hypercare ARGS`` to the end; its output, or AssertionError with it."""
    done = subprocess.run([sys.executable, "-m", "hypercare", *args], env=env,
                          capture_output=True, text=True, timeout=CLI_TIMEOUT, check=False)
    assert done.returncode == 0, f"hypercare {' '.join(args)} -> {done.returncode}:\n" \
                                 f"{done.stdout}\n{done.stderr}"
    return done.stdout


def prepare_store(env: dict[str, str]) -> None:
    """What an operator does first: migrate the store, then sync once."""
    cli(env, "db", "upgrade")
    cli(env, "sync")


@pytest.fixture(scope="module")
def serve_sim() -> Iterator[OdooSimulator]:
    sim = make_sim(flavor="enterprise", version="19.0", tickets=40, days=6)
    try:
        yield sim
    finally:
        sim.stop()


@pytest.fixture(scope="module")
def golden_sqlite(serve_sim: OdooSimulator,
                  tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store migrated and synced by the CLI once; each test gets a copy."""
    root = tmp_path_factory.mktemp("serve-golden")
    db = root / "golden.db"
    with MockSlack(token=BOT_TOKEN) as mock:
        prepare_store(child_env(f"sqlite:///{db}", serve_sim, mock, root))
    return db


@pytest.fixture
def mock_slack() -> Iterator[MockSlack]:
    with MockSlack(token=BOT_TOKEN) as mock:
        yield mock


def _store_url(backend: str, request: pytest.FixtureRequest, golden: Path, tmp: Path,
               sim: OdooSimulator, mock: MockSlack) -> str:
    if backend == "postgres":
        url: str = request.getfixturevalue("pg_url")  # skips (or fails under CI) without it
        prepare_store(child_env(url, sim, mock, tmp))
        return url
    db = tmp / "store" / "hypercare.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(golden, db)
    return f"sqlite:///{db}"


@pytest.fixture
def world(request: pytest.FixtureRequest, serve_sim: OdooSimulator, golden_sqlite: Path,
          mock_slack: MockSlack, tmp_path: Path) -> Iterator[ServeWorld]:
    """A prepared store (SQLite, or PostgreSQL with ``indirect`` param "postgres") and a way
    to start serves on it; every serve still running at the end is killed."""
    backend = getattr(request, "param", "sqlite")
    url = _store_url(backend, request, golden_sqlite, tmp_path, serve_sim, mock_slack)
    services = new_services(Settings(database_url=url, slack={"alerts_channel": ALERTS}))
    made = ServeWorld(url, mock_slack, child_env(url, serve_sim, mock_slack, tmp_path),
                      services)
    try:
        yield made
    finally:
        for child in made.started:
            if child.proc.poll() is None:
                child.kill()
            else:
                child.wait()
        services.close()
