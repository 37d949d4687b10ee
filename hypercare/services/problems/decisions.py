"""Policy decisions (for policy ambiguities) and backlog items.

A decision record holds the question, the options with their impact, the process owner,
the due date, and, once decided, the outcome with who and when. A decided outcome can
spawn a configuration task in the backlog. A backlog item released broadcasts through
its linked known issues.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from hypercare.errors import HypercareError, UsageError
from hypercare.numbers import parse_id
from hypercare.services.access import Viewer
from hypercare.services.context import ServiceContext
from hypercare.store import problems
from hypercare.store.tables import BacklogItem, PolicyDecision

BACKLOG_TYPES = ("fix", "decision", "job_aid", "enhancement")
BACKLOG_STATUSES = ("proposed", "approved", "scheduled", "in_test", "released", "done",
                    "rejected")


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


@dataclass(frozen=True)
class BacklogView:
    id: int
    ref: str
    type: str
    title: str
    description: str
    owner: str
    status: str
    release_target: str
    stabilization: bool
    links: tuple[str, ...]
    created_at: datetime | None = None
    value: int | None = None
    risk: int | None = None
    effort: str = ""
    updated_at: datetime | None = None
    closed_at: datetime | None = None


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
                problems.link(f"decision:{row.id}", _target(target), now=now, session=session)
            decision_id = row.id
        return self.show(decision_id=decision_id)

    def decide(self, *, decision_id: int, outcome: str, viewer: Viewer,
               spawn_backlog: bool = False) -> DecisionRecordView:
        """Record the outcome (its process owner or a lead); optionally spawn the
        configuration task in the backlog."""
        now = self._context.clock()
        by = viewer.name
        with self._context.store().session() as session:
            row = _decision(session, decision_id)
            self._context.access.require(viewer, "policy", owner=row.process_owner)
            row.status, row.outcome, row.decided_by, row.decided_at = "decided", outcome, by, now
            session.add(row)
            if spawn_backlog:
                item = BacklogItem(type="decision", title=f"Configure: {outcome}"[:200],
                                   description=f"Decided on D-{decision_id}: {row.question}",
                                   owner=row.process_owner, created_at=now, updated_at=now)
                session.add(item)
                session.flush()
                problems.link(f"backlog:{item.id}", f"decision:{decision_id}", now=now,
                              session=session)
        return self.show(decision_id=decision_id)

    def list_decisions(self, *, status: str | None = None) -> list[DecisionRecordView]:
        with self._context.store().session() as session:
            return [_decision_view(session, row)
                    for row in problems.decisions(session=session, status=status)]

    def show(self, *, decision_id: int) -> DecisionRecordView:
        with self._context.store().session() as session:
            return _decision_view(session, _decision(session, decision_id))

    # -- backlog ---------------------------------------------------------------------------

    def add_backlog(self, *, type: str, title: str, viewer: Viewer, description: str = "",
                    owner: str = "", stabilization: bool | None = None,
                    links: tuple[str, ...] = ()) -> BacklogView:
        self._context.access.require(viewer, "backlog")
        if type not in BACKLOG_TYPES:
            raise UsageError(f"unknown backlog type {type!r}",
                             hint=f"Use one of {', '.join(BACKLOG_TYPES)}.")
        now = self._context.clock()
        with self._context.store().session() as session:
            item = BacklogItem(type=type, title=title, description=description, owner=owner,
                               stabilization=type != "enhancement" if stabilization is None
                               else stabilization, created_at=now, updated_at=now)
            session.add(item)
            session.flush()
            for target in links:
                problems.link(f"backlog:{item.id}", _target(target), now=now, session=session)
            assert item.id is not None
            item_id = item.id
        return self.show_backlog(item_id=item_id)

    def set_backlog_status(self, *, item_id: int, status: str,
                           viewer: Viewer) -> BacklogView:
        """Move a backlog item; ``released`` marks its known issues fix-released (broadcast)."""
        self._context.access.require(viewer, "backlog")
        if status not in BACKLOG_STATUSES:
            raise UsageError(f"unknown backlog status {status!r}",
                             hint=f"Use one of {', '.join(BACKLOG_STATUSES)}.")
        now = self._context.clock()
        with self._context.store().session() as session:
            item = session.get(BacklogItem, item_id)
            if item is None:
                raise HypercareError(f"no backlog item B-{item_id}")
            item.status, item.updated_at = status, now
            item.closed_at = now if status in ("done", "released", "rejected") else None
            session.add(item)
            issues = [int(t.split(":")[1]) for t in
                      problems.links_from(f"backlog:{item_id}", session=session)
                      if t.startswith("known_issue:")]
        if status == "released":
            from hypercare.services.problems.known_issues import KnownIssueService

            for issue_id in issues:
                KnownIssueService(self._context).set_status(
                    known_issue_id=issue_id, status="fix_released", viewer=viewer)
        return self.show_backlog(item_id=item_id)

    def list_backlog(self) -> list[BacklogView]:
        with self._context.store().session() as session:
            return [_backlog_view(session, item) for item in problems.backlog(session=session)]

    def show_backlog(self, *, item_id: int) -> BacklogView:
        with self._context.store().session() as session:
            item = session.get(BacklogItem, item_id)
            if item is None:
                raise HypercareError(f"no backlog item B-{item_id}")
            return _backlog_view(session, item)


def _target(text: str) -> str:
    kind, _, ident = text.partition(":")
    if kind not in ("ticket", "known_issue", "decision", "backlog") or parse_id(ident) is None:
        raise UsageError(f"a link looks like ticket:42 or known_issue:3, not {text!r}")
    return text


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


def _backlog_view(session: Session, item: BacklogItem) -> BacklogView:
    assert item.id is not None
    return BacklogView(
        id=item.id, ref=f"B-{item.id}", type=item.type, title=item.title,
        description=item.description, owner=item.owner, status=item.status,
        release_target=item.release_target, stabilization=item.stabilization,
        links=tuple(problems.links_from(f"backlog:{item.id}", session=session)),
        created_at=item.created_at, value=item.value, risk=item.risk, effort=item.effort,
        updated_at=item.updated_at, closed_at=item.closed_at)
