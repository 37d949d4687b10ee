"""Columnar ticket input for the KPI board: one entry per ticket in parallel numpy arrays.

The service builds these with one select; the board then works on whole arrays, never on
per-ticket objects. Strings are object arrays ("" when unknown); instants are epoch seconds
UTC as float64 with NaN for "unknown" or "never".
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

import numpy as np
import numpy.typing as npt

_ARRAY_FIELDS = (
    "odoo_id", "company", "team", "assignee", "app", "category", "severity", "created",
    "assigned", "first_response", "closed", "is_closed", "reopen_count", "sla_state",
    "workaround",
)


@dataclass(frozen=True)
class TicketColumns:
    """Parallel arrays, one entry per ticket (see the module docstring).

    ``sla_state`` is the resolution clock's state: on_track/at_risk/breached/met/paused/"".
    ``workaround`` is when the linked known issue got its workaround (NaN: none).
    ``tags`` is one tuple per ticket, or ``()`` for "no tag data" (top tags then empty).
    """

    odoo_id: npt.NDArray[np.int64]
    company: npt.NDArray[np.object_]
    team: npt.NDArray[np.object_]
    assignee: npt.NDArray[np.object_]
    app: npt.NDArray[np.object_]
    category: npt.NDArray[np.object_]
    severity: npt.NDArray[np.int64]
    created: npt.NDArray[np.float64]
    assigned: npt.NDArray[np.float64]
    first_response: npt.NDArray[np.float64]
    closed: npt.NDArray[np.float64]
    is_closed: npt.NDArray[np.bool_]
    reopen_count: npt.NDArray[np.int64]
    sla_state: npt.NDArray[np.object_]
    workaround: npt.NDArray[np.float64]
    tags: tuple[tuple[str, ...], ...] = ()

    def __post_init__(self) -> None:
        size = len(self.odoo_id)
        for name in _ARRAY_FIELDS:
            if len(getattr(self, name)) != size:
                raise ValueError(f"TicketColumns.{name} has {len(getattr(self, name))} "
                                 f"entries, expected {size}")
        if self.tags and len(self.tags) != size:
            raise ValueError(f"TicketColumns.tags has {len(self.tags)} entries, expected {size}")

    def __len__(self) -> int:
        return len(self.odoo_id)

    @classmethod
    def empty(cls) -> TicketColumns:
        """No tickets."""
        text = np.empty(0, dtype=object)
        moments = np.empty(0, dtype=np.float64)
        counts = np.empty(0, dtype=np.int64)
        return cls(
            odoo_id=counts, company=text, team=text, assignee=text, app=text, category=text,
            severity=counts, created=moments, assigned=moments, first_response=moments,
            closed=moments, is_closed=np.empty(0, dtype=np.bool_), reopen_count=counts,
            sla_state=text, workaround=moments,
        )

    def select(self, mask: npt.NDArray[np.bool_]) -> TicketColumns:
        """The rows where ``mask`` is True (tags follow when present)."""
        picked = {
            f.name: getattr(self, f.name)[mask] for f in fields(self) if f.name != "tags"
        }
        tags: tuple[tuple[str, ...], ...] = ()
        if self.tags:
            tags = tuple(t for t, keep in zip(self.tags, mask.tolist(), strict=True) if keep)
        return TicketColumns(**picked, tags=tags)


@dataclass(frozen=True)
class RecordCounts:
    """Small facts the service counts elsewhere (already cut by company when it applies)."""

    known_issues_open: int = 0
    tickets_behind_known_issues: int = 0
    decisions_open: int = 0
    decisions_overdue: int = 0
    standup_items_decided: tuple[tuple[date, int], ...] = ()
