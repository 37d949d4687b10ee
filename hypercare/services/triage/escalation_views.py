"""Escalations as front ends see them, shared by the SLA service and the dashboard.

What a lead must look at comes first: open and pending-approval escalations, then the
*baseline* ones (already true when hypercare started watching: recorded and summarised once,
never alerted one by one, but nobody has looked at them yet); acknowledged and superseded
ones are done.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from hypercare.config import Settings
from hypercare.services.access import Viewer
from hypercare.store import Session, alerts
from hypercare.store.tables import Escalation, KnownIssue, PolicyDecision
from hypercare.store.triage_records import classifications_for, ticket_texts
from hypercare.triage.escalation import trigger_name

AWAITING = ("open", "pending_approval")
BASELINE = ("baseline",)
DONE = ("acknowledged", "superseded")
BASELINE_MEANING = "already past its SLA when hypercare started watching"
"""What a baseline escalation is, in the words every front end uses."""


@dataclass(frozen=True)
class EscalationView:
    """One escalation of a ticket, known issue or policy decision."""

    id: int
    subject: str
    """``ticket:<odoo id>``, ``known_issue:<id>`` or ``decision:<id>``."""
    ref: str
    """``HT00042``, ``KI-3`` or ``D-5``."""
    title: str
    """The ticket's title (as the viewer may see it: :mod:`hypercare.services.access`),
    the known issue's title or the decision's question."""
    company: str
    level: int
    level_name: str
    trigger: str
    status: str
    """open, acknowledged, pending_approval, baseline, superseded."""
    notified: tuple[str, ...]
    created_at: datetime | None
    acknowledged_by: str
    acknowledged_at: datetime | None
    approved_by: str
    detail: str
    triggers: tuple[str, ...] = ()
    """Every trigger on record at this level, the first first, as the outbox names them
    (``first_response_breached``, ``resolution_breached``, ``not_acknowledged`` ...)."""
    baseline: bool = False
    """Already true when hypercare started watching (status ``baseline``): summarised once,
    never alerted one by one, never climbing; still for a lead to look at."""

    @property
    def reasons(self) -> str:
        """The triggers for people, on one line: ``first response breached, resolution
        breached``."""
        return trigger_text(self.triggers or (self.trigger,))


def trigger_text(names: Sequence[str]) -> str:
    """Trigger names as people read them: ``first_response_breached`` -> ``first response
    breached``, ``confirmed_s1`` -> ``confirmed S1``; several joined with commas."""
    return ", ".join(" ".join("S1" if word == "s1" else word for word in name.split("_"))
                     for name in names)


def level_name(settings: Settings, number: int) -> str:
    """The configured name of an escalation level (``L<n>`` when none is configured)."""
    for level in settings.escalation.levels:
        if level.level == number:
            return level.name
    return f"L{number}"


def views(rows: Sequence[Escalation], *, settings: Settings, viewer: Viewer,
          session: Session) -> list[EscalationView]:
    """Read models for escalation rows, with their subjects' refs and titles (one query
    per kind of subject), for ``viewer``: tickets of companies they do not see left out,
    confidential titles masked."""
    kinds: dict[str, set[int]] = {"ticket": set(), "known_issue": set(), "decision": set()}
    for row in rows:
        kind, _, number = row.subject.partition(":")
        if kind in kinds and number.isdigit():
            kinds[kind].add(int(number))
    tickets = ticket_texts(kinds["ticket"], session=session)
    verdicts = classifications_for(kinds["ticket"], session=session)
    issues = {i: session.get(KnownIssue, i) for i in kinds["known_issue"]}
    decisions = {i: session.get(PolicyDecision, i) for i in kinds["decision"]}
    found = []
    for row in rows:
        assert row.id is not None
        kind, _, number = row.subject.partition(":")
        key = int(number) if number.isdigit() else 0
        ref, title, company = row.subject, "", ""
        if kind == "ticket" and key in tickets:
            ticket = tickets[key]
            if not viewer.sees_company(ticket.company):
                continue
            verdict = verdicts.get(key)
            ref, company = ticket.ref, ticket.company
            title = viewer.title(ticket.title, confidential=bool(verdict and verdict.confidential),
                                 reporter_email=ticket.partner_email)
        elif kind == "known_issue" and (issue := issues.get(key)) is not None:
            ref, title = f"KI-{key}", issue.title
        elif kind == "decision" and (decision := decisions.get(key)) is not None:
            ref, title = f"D-{key}", decision.question
        found.append(EscalationView(
            id=row.id, subject=row.subject, ref=ref, title=title, company=company,
            level=row.level, level_name=level_name(settings, row.level), trigger=row.trigger,
            status=row.status, notified=tuple(row.notified), created_at=row.created_at,
            acknowledged_by=row.acknowledged_by, acknowledged_at=row.acknowledged_at,
            approved_by=row.approved_by, detail=row.detail,
            triggers=tuple(trigger_name(k) for k in (row.triggers or [row.trigger_key])),
            baseline=row.status == "baseline"))
    return found


def awaiting(*, settings: Settings, viewer: Viewer, limit: int,
             session: Session) -> tuple[list[EscalationView], int]:
    """Escalations nobody has acknowledged yet: open or waiting for approval, then the
    baseline ones; each group newest first, at most ``limit`` in all; and how many there
    are in all."""
    rows, total = _groups((AWAITING, BASELINE), limit=limit, session=session)
    return views(rows, settings=settings, viewer=viewer, session=session), total


def baseline_count(*, session: Session) -> int:
    """How many baseline escalations nobody has acknowledged yet."""
    return alerts.escalations_with_status(BASELINE, limit=0, session=session)[1]


def listing(*, settings: Settings, viewer: Viewer, include_done: bool, limit: int,
            session: Session) -> list[EscalationView]:
    """Open and pending-approval escalations first, then the baseline ones, then (with
    ``include_done``) the acknowledged and superseded ones; each group newest first, at
    most ``limit`` in all."""
    groups = (AWAITING, BASELINE, DONE) if include_done else (AWAITING, BASELINE)
    rows, _ = _groups(groups, limit=limit, session=session)
    return views(rows, settings=settings, viewer=viewer, session=session)


def _groups(groups: Sequence[Sequence[str]], *, limit: int,
            session: Session) -> tuple[list[Escalation], int]:
    """The rows of each group of statuses in turn (each newest first), at most ``limit``;
    and how many the groups hold in all."""
    rows: list[Escalation] = []
    total = 0
    for statuses in groups:
        found, count = alerts.escalations_with_status(statuses, limit=max(0, limit - len(rows)),
                                                      session=session)
        rows += found
        total += count
    return rows, total
