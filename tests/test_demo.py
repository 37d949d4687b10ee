"""`hypercare demo`: what a lead finds on first visit (known issues, decisions and backlog
items recorded after the first sync), and a clean exit on SIGTERM and SIGHUP."""

from __future__ import annotations

import fcntl
import os
import pty
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from hypercare.cli import main
from hypercare.commands import demo_cmd
from hypercare.odoo.sim import OdooSimulator, SimulatorConfig
from hypercare.services import SYSTEM, Services


def test_the_demo_records_known_issues_decisions_and_backlog_as_a_lead(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    seen: dict[str, Any] = {}
    prepare = demo_cmd._prepare

    def spy(ctx: Any, console: Any, services: Services, sim: OdooSimulator) -> None:
        prepare(ctx, console, services, sim)
        tickets = services.tickets.list_tickets(viewer=SYSTEM, include_archived=True)
        seen.update(
            topics={t.ref: sim.world.ticket_issue.get(t.odoo_id) for t in tickets},
            known=services.known_issues.list_issues(with_tickets=True),
            decisions=services.decisions.list_decisions(),
            backlog=services.backlog.scored(include_closed=True),
            today=services.context.clock().date())

    monkeypatch.setattr(demo_cmd, "_prepare", spy)
    assert main(["demo", "--no-tui", "--tickets", "300", "--cycles", "1",
                 "--interval", "0.1"]) == 0
    assert "recorded as a lead: 4 known issues, 4 decisions, 7 backlog items" in \
        capsys.readouterr().out
    assert len(seen["known"]) >= 3
    for issue in seen["known"]:
        topics = {seen["topics"][ref] for ref in issue.ticket_refs}
        assert len(issue.ticket_refs) >= 2 and len(topics) == 1, (issue.title, topics)
        assert issue.workaround and issue.status == "workaround_available" and issue.owner
    decisions = seen["decisions"]
    assert len(decisions) >= 3
    assert all(d.process_owner and d.due_date and d.due_date >= seen["today"] and
               len(d.options) >= 2 and d.links for d in decisions)
    assert any(d.status == "decided" for d in decisions)
    backlog = seen["backlog"]
    assert len(backlog) >= 5 and all(b.item.links for b in backlog)
    assert {b.item.type for b in backlog} >= {"fix", "job_aid", "enhancement", "decision"}
    assert any(link.startswith("known_issue:") for b in backlog for link in b.item.links)


def test_what_the_demo_records_is_the_same_for_the_same_seed() -> None:
    now = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)

    def curation(seed: int) -> object:
        return OdooSimulator(SimulatorConfig(tickets=300, days=8, seed=seed, now=now)).curation()

    assert curation(7) == curation(7)
    assert curation(7) != curation(8)


def _start_demo(tmp: Path) -> tuple[subprocess.Popen[str], list[str]]:
    """The demo in print mode, running until told to stop; its output lines collected."""
    env = {**os.environ, "TMPDIR": str(tmp), "COLUMNS": "400", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "hypercare", "demo", "--no-tui", "--tickets", "120",
         "--interval", "0.5"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=env, start_new_session=True)
    lines: list[str] = []
    running = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if "watching for live activity" in line:
                running.set()
        running.set()

    threading.Thread(target=read, daemon=True).start()
    if not running.wait(120):
        process.kill()
        pytest.fail("the demo did not start: " + "".join(lines))
    return process, lines


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_stops_the_demo_cleanly_and_removes_its_temporary_folder(
        tmp_path: Path, signum: signal.Signals) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    process, lines = _start_demo(tmp)
    try:
        assert process.poll() is None, "".join(lines)
        scratch = list(tmp.glob("hypercare-demo-*"))  # the store is in our TMPDIR
        assert len(scratch) == 1 and (scratch[0] / "hypercare.db").is_file()
        process.send_signal(signum)
        assert process.wait(timeout=60) == 0, "".join(lines)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert not list(tmp.glob("hypercare-demo-*")), list(tmp.iterdir())
    output = "".join(lines)
    assert "stopped" in output and "Traceback" not in output, output


def test_a_hangup_stops_the_demo_tui_cleanly_too(tmp_path: Path) -> None:
    """With a terminal the demo runs the TUI: a SIGHUP (the terminal closed) ends it the same
    way, the terminal put back and the temporary folder removed."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))
    env = {**os.environ, "TMPDIR": str(tmp), "TERM": "xterm-256color"}
    process = subprocess.Popen([sys.executable, "-m", "hypercare", "demo", "--tickets", "120"],
                               stdin=slave, stdout=slave, stderr=slave, env=env,
                               start_new_session=True)
    os.close(slave)
    output = bytearray()
    started = threading.Event()

    def read() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            output.extend(chunk)
            if b"\x1b[?1049h" in output:  # the TUI took the screen
                started.set()
        started.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        assert started.wait(120) and process.poll() is None, output.decode(errors="replace")
        time.sleep(1.0)
        process.send_signal(signal.SIGHUP)
        assert process.wait(timeout=60) == 0, output.decode(errors="replace")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        time.sleep(0.2)
        os.close(master)
    assert not list(tmp.glob("hypercare-demo-*")), list(tmp.iterdir())
    text = output.decode(errors="replace")
    assert "\x1b[?1049l" in text and "stopped" in text and "Traceback" not in text
