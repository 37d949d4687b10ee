"""One ticket as the queue shows it: the row the queue's filters, orders and counts work on."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from hypercare.triage.sla_text import ClockTime


class QueueRow(NamedTuple):
    """One ticket as the queue shows it. Times are timezone-aware UTC.

    A named tuple: immutable, and built with keywords at the cost of one call (a frozen
    dataclass sets each of its fields through ``object.__setattr__``, which made reading
    50,000 rows 100 ms slower). Copy one with changes through ``_replace``."""

    odoo_id: int
    ref: str
    title: str
    """``Confidential ticket`` when the ticket is confidential and the viewer is no lead."""
    company: str
    team: str
    app: str
    """From the classification ("" when none)."""
    category: str
    """defect, training_gap, policy_ambiguity, unclassified; "" when never classified."""
    severity: int
    """1..4; 0 when unknown."""
    sla_state: str
    """The resolution clock at the last sweep: on_track, at_risk, breached, met, paused,
    none; "" when the ticket has no clock yet."""
    sla_minutes_left: float | None
    sla_due_at: datetime | None
    assignee: str
    stage: str
    is_closed: bool
    escalation_level: int
    """Highest level of the ticket's escalations (superseded ones left out); 0 if none."""
    known_issue: str
    """``KI-3`` or ""."""
    confidential: bool
    created_at: datetime | None
    updated_at: datetime | None
    search_text: str
    """Lowercase "ref title company team app assignee partner stage" (title and partner left
    out when masked)."""
    sla_24x7: bool = False
    """The clock runs 24x7 (its calendar is always open): ``sla_minutes_left`` is calendar
    time, not business time (:mod:`hypercare.triage.sla_text`)."""

    def sla_clock(self) -> ClockTime:
        """The resolution clock, as :mod:`hypercare.triage.sla_text` writes it."""
        return ClockTime(self.sla_state, self.sla_minutes_left, self.sla_due_at, None,
                         self.sla_24x7)
