"""Events the TUI's workers post when a service call returns (past tense, per the house style)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.message import Message

from hypercare.services import Dashboard, QueueRow


class StoreRead(Message):
    """The store was read: every ticket row, and the dashboard built from them.

    ``partial``: only the open tickets (and the dashboard built from them), painted first on
    a big store while every row is still being read."""

    def __init__(self, rows: Sequence[QueueRow], dashboard: Dashboard | None, *,
                 partial: bool = False) -> None:
        self.rows = rows
        self.dashboard = dashboard
        self.partial = partial
        super().__init__()


class ActionDone(Message):
    """A decision or action was stored; the data should be re-read."""

    def __init__(self, summary: str) -> None:
        self.summary = summary
        super().__init__()
