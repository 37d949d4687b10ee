"""What one sync run did: the running tally, the report, and the error it stops with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from hypercare.errors import HypercareError, SyncError


@dataclass(frozen=True)
class SyncReport:
    """What one run did."""

    run_id: int
    status: str
    pages: int
    rows: Mapping[str, int]
    rpc_calls: Mapping[str, int]
    pull_seconds: float
    derive_seconds: float
    reconciled: bool
    deleted: tuple[int, ...] = ()
    archived: tuple[int, ...] = ()
    new_tickets: tuple[tuple[str, str], ...] = ()
    """(ref, title) of tickets seen for the first time."""
    changed_tickets: int = 0
    changed_refs: tuple[str, ...] = ()
    """References of the tickets this run wrote (new or changed), each once."""
    notes: tuple[str, ...] = ()
    phase_seconds: Mapping[str, float] = field(default_factory=dict)
    """Wall time per phase: reference, tickets, chatter, derive, reconcile."""


@dataclass
class Tally:
    """What a run has done so far (its run id, pages, rows, notes, timings)."""

    run_id: int = 0
    pages: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    new_tickets: list[tuple[str, str]] = field(default_factory=list)
    changed: int = 0
    changed_refs: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    pull: float = 0.0
    derive: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)

    def phase(self, name: str, seconds: float) -> None:
        self.phases[name] = self.phases.get(name, 0.0) + seconds

    def add(self, model: str, count: int) -> None:
        self.rows[model] = self.rows.get(model, 0) + count


def as_sync_error(exc: Exception, tally: Tally) -> SyncError:
    kept = f"{tally.pages} page{'s' if tally.pages != 1 else ''} saved before it stopped"
    if isinstance(exc, HypercareError):
        hint = (exc.hint + " " if exc.hint else "") + "The next sync continues where this stopped."
        return SyncError(f"sync stopped: {exc.message} ({kept})", hint=hint)
    return SyncError(
        f"sync stopped: {type(exc).__name__}: {exc} ({kept})",
        hint="Rerun with --debug for the traceback; the next sync continues where this stopped.",
    )
