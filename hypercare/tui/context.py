"""What every screen of the TUI shares: the services, who is at the keyboard, and the undo slot."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from textual.dom import DOMNode

from hypercare.services import Dashboard, QueueRow, Services, Viewer

log = logging.getLogger(__name__)


@dataclass
class Undoable:
    """The last decision taken on this screen, and how to take it back."""

    label: str
    undo: Callable[[], str]
    at: float


@dataclass
class TuiContext:
    """Built once by ``hypercare tui`` / ``hypercare demo``; screens read it, widgets never do."""

    services: Services
    viewer: Viewer
    """Who is at the keyboard, resolved once by the access authority (``tui.user`` or the
    login name): every service call acts for them, and saved views are theirs."""
    zone: str
    company_zones: dict[str, str]
    undo_seconds: int = 30
    refresh_seconds: float = 5.0
    jobs: str | None = None
    """The kind of process this screen runs periodic work as (``tui``, ``demo``: sync, sweep
    and write-back while no ``hypercare serve`` runs), or None: it only reads the store."""
    sync_seconds: float | None = None
    """Seconds between its syncs (None: ``sync.interval_minutes``; the demo's is shorter)."""
    clock: Callable[[], datetime] | None = None
    rows: list[QueueRow] = field(default_factory=list)
    rows_loaded: bool = False
    dashboard: Dashboard | None = None
    last_action: Undoable | None = None
    syncing: bool = False
    sync_error: str = ""
    monotonic: Callable[[], float] = time.monotonic
    _sweeping: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def now(self) -> datetime:
        return (self.clock or self.services.context.clock)()

    def refresh_clocks(self, ref: str) -> None:
        """Evaluate ticket ``ref``'s SLA clocks again (the sweep, for that ticket only)
        after a decision that moves them (a severity, a category, a known issue's
        workaround), so it shows its new targets at once. Call it in a worker once the
        decision is stored; sweeps run one at a time."""
        with self._sweeping:
            try:
                self.services.sla.sweep(refs=[ref])
            except Exception:  # the decision is stored: the next sweep catches the clocks up
                log.exception("evaluating the SLA clocks of %s after a decision failed", ref)

    def remember(self, label: str, undo: Callable[[], str]) -> None:
        self.last_action = Undoable(label, undo, self.monotonic())

    def take_undo(self) -> Undoable | None:
        """The last action if it is still inside the undo window (it can be undone once)."""
        action, self.last_action = self.last_action, None
        if action is None or self.monotonic() - action.at > self.undo_seconds:
            return None
        return action


def tui_context(node: DOMNode) -> TuiContext:
    """The context of the app ``node`` belongs to."""
    context = getattr(node.app, "context", None)
    if not isinstance(context, TuiContext):
        raise RuntimeError("hypercare screens run inside HypercareApp")
    return context
