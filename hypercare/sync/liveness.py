"""Sync runs whose process is gone: stored as ``abandoned`` at the next start.

A run records the process running it (pid and host) and a heartbeat, written as each page
commits. A run still recorded as ``running`` is abandoned when

- it ran on this host and its pid is no longer a live process (``kill -9``, a crash, a
  reboot), or
- its heartbeat is older than :data:`ABANDONED_AFTER`, whatever the host (a pid on another
  machine cannot be checked from here, and a pid may have been reused since).

A live run beats at least once per page, and one page waits at most Odoo's timeout times
its attempts (30 s x 4 by default), so the limit is well above that. Should a live run still
be marked (a frozen Odoo, a suspended machine), its own end overwrites the mark: ``ok`` or
``failed`` as usual. Checked when a sync starts and when the runs are read for
``sync --status``, the dashboard and ``/healthz``.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from hypercare.store import sync_state
from hypercare.store.tables import SyncRun

ABANDONED_AFTER = timedelta(minutes=5)
"""A run with no heartbeat for this long has no process any more."""


@dataclass(frozen=True)
class Process:
    """Where a run runs: a process id on a host."""

    pid: int
    host: str


def this_process() -> Process:
    """The process calling."""
    return Process(os.getpid(), socket.gethostname())


def pid_alive(pid: int) -> bool:
    """True while ``pid`` is a running process on this machine (a zombie is not)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    except OSError:
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            state = stat.read().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):  # no /proc (macOS): the signal test is all there is
        return True
    return state != b"Z"


def why_abandoned(run: SyncRun, *, now: datetime, here: Process,
                  limit: timedelta = ABANDONED_AFTER) -> str | None:
    """Why ``run``, recorded as ``running``, has no process any more (None: it may have)."""
    beat = run.heartbeat_at or run.started_at
    where = f"process {run.pid} on {run.host}" if run.pid is not None else "its process"
    if run.pid is not None and run.host == here.host and not pid_alive(run.pid):
        reason = f"{where} is gone"
    elif beat is None or now - beat > limit:
        reason = f"{where} gave no sign of life for over {_minutes(limit)}"
    else:
        return None
    seen = f"; last sign of life {beat:%Y-%m-%d %H:%M:%S} UTC" if beat is not None else ""
    return (f"abandoned: {reason}{seen}; found {now:%Y-%m-%d %H:%M:%S} UTC. Every page it "
            "saved is kept: the next sync resumes from there.")


def find_abandoned(runs: Iterable[SyncRun], *, now: datetime, here: Process | None = None,
                   limit: timedelta = ABANDONED_AFTER) -> dict[int, str]:
    """The ``running`` runs among ``runs`` whose process is gone: the note saying so, by id."""
    here = here or this_process()
    found: dict[int, str] = {}
    for run in runs:
        if run.status != "running" or run.id is None:
            continue
        note = why_abandoned(run, now=now, here=here, limit=limit)
        if note is not None:
            found[run.id] = note
    return found


def abandon_dead_runs(*, now: datetime, session: Session, here: Process | None = None,
                      limit: timedelta = ABANDONED_AFTER) -> dict[int, str]:
    """Store every ``running`` run whose process is gone as ``abandoned``, ended at its last
    sign of life. Returns the notes of the runs so stored, by id."""
    runs = sync_state.running_runs(session=session)
    found = find_abandoned(runs, now=now, here=here, limit=limit)
    stored: dict[int, str] = {}
    for run in runs:
        if run.id in found and sync_state.mark_abandoned(
                run.id, finished_at=run.heartbeat_at or run.started_at, note=found[run.id],
                session=session):
            stored[run.id] = found[run.id]
    return stored


def _minutes(limit: timedelta) -> str:
    minutes = limit.total_seconds() / 60
    return f"{minutes:g} minute{'s' if minutes != 1 else ''}"
