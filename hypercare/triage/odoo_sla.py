"""Odoo's own SLA verdict, recomputed locally.

Odoo's ``sla_fail`` is computed, not stored (``sla_deadline < now or sla_reached_late``):
it changes as time passes without touching ``write_date``, so a synced copy goes stale.
This recomputes it from the stored deadline at a given ``now``.
"""

from __future__ import annotations

from datetime import datetime


def odoo_sla_failed(
    *,
    deadline: datetime | None,
    reached_late: bool,
    is_closed: bool,
    closed_at: datetime | None,
    now: datetime,
) -> bool:
    """True when Odoo would show the ticket's SLA as failed at ``now``.

    A failure stays a failure after the ticket closes: a closed ticket failed if it
    closed after its deadline (or Odoo already marked the SLA reached late).
    """
    if reached_late:
        return True
    if deadline is None:
        return False
    if is_closed:
        return closed_at is not None and closed_at > deadline
    return now > deadline
