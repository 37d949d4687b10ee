"""Policy decisions (for policy ambiguities).

A decision record holds the question, the options with their impact, the process owner,
the due date, and, once decided, the outcome with who and when. A decided outcome can
spawn a configuration task in the backlog (through the backlog service, in the same unit of
work).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from hypercare.errors import HypercareError
from hypercare.services.access import Viewer
from hypercare.services.context import ServiceContext
from hypercare.store import Session, problems
from hypercare.store.tables import PolicyDecision


@dataclass(frozen=True)
class DecisionRecordView:
    id: int
    ref: str
    question: str
    options: tuple[dict[str, str], ...]
    process_owner: str
    due_date: date | None
    status: str
    outcome: str
    decided_by: str
    decided_at: datetime | None
    links: tuple[str, ...]


class DecisionService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def create(self, *, question: str, owner: str, viewer: Viewer,
               due_date: date | None = None, options: tuple[tuple[str, str], ...] = (),
               links: tuple[str, ...] = ()) -> DecisionRecordView:
        """Open a policy question (leads); ``links`` like ``ticket:42`` or
        ``known_issue:3``."""
        self._context.access.require(viewer, "ask_policy")
        now = self._context.clock()
        with self._context.store().session() as session:
            row = PolicyDecision(question=question, process_owner=owner, due_date=due_date,
                                 options=[{"option": o, "impact": i} for o, i in options],
                                 created_at=now)
            session.add(row)
            session.flush()
            assert row.id is not None
            for target in links:
                problems.link(f"decision:{row.id}", problems.checked_link(target), now=now,
                              session=session)
            decision_id = row.id
        return self.show(decision_id=decision_id)

    def decide(self, *, decision_id: int, outcome: str, viewer: Viewer,
               spawn_backlog: bool = False) -> DecisionRecordView:
        """Record the outcome (its process owner or a lead); optionally spawn the
        configuration task in the backlog."""
        now = self._context.clock()
        by = viewer.name
        with self._context.transaction():
            with self._context.store().session() as session:
                row = _decision(session, decision_id)
                self._context.access.require(viewer, "policy", owner=row.process_owner)
                row.status, row.outcome, row.decided_by, row.decided_at = (
                    "decided", outcome, by, now)
                session.add(row)
                owner, question = row.process_owner, row.question
            if spawn_backlog:
                from hypercare.services.problems.backlog import BacklogService

                BacklogService(self._context).spawn_from_decision(
                    decision_id=decision_id, outcome=outcome, question=question, owner=owner)
        return self.show(decision_id=decision_id)

    def list_decisions(self, *, status: str | None = None) -> list[DecisionRecordView]:
        with self._context.store().session() as session:
            return [_decision_view(session, row)
                    for row in problems.decisions(session=session, status=status)]

    def show(self, *, decision_id: int) -> DecisionRecordView:
        with self._context.store().session() as session:
            return _decision_view(session, _decision(session, decision_id))


def _decision(session: Session, decision_id: int) -> PolicyDecision:
    row = session.get(PolicyDecision, decision_id)
    if row is None:
        raise HypercareError(f"no decision D-{decision_id}",
                             hint="List them with `hypercare decisions list`.")
    return row


def _decision_view(session: Session, row: PolicyDecision) -> DecisionRecordView:
    assert row.id is not None
    return DecisionRecordView(
        id=row.id, ref=f"D-{row.id}", question=row.question, options=tuple(row.options),
        process_owner=row.process_owner, due_date=row.due_date, status=row.status,
        outcome=row.outcome, decided_by=row.decided_by, decided_at=row.decided_at,
        links=tuple(problems.links_from(f"decision:{row.id}", session=session)))
