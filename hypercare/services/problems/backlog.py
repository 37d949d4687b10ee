"""The continuous-improvement backlog: the one service every front end uses for it.

It creates items (from the TUI, the CLI, the stand-up, or a decided policy question), moves
them (a release broadcasts through the linked known issues), sizes them (business value,
risk, effort), scores them with :mod:`hypercare.triage.scoring` from the volume of tickets
behind them, and runs the guard against over-customization.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from hypercare.errors import HypercareError, UsageError
from hypercare.services.access import Viewer
from hypercare.services.context import ServiceContext
from hypercare.store import Session, problems
from hypercare.store.tables import BacklogItem
from hypercare.store.triage_records import classifications_for
from hypercare.triage.scoring import CLOSED, EFFORTS, GuardReport, ItemFacts, guard, score

BACKLOG_TYPES = ("fix", "decision", "job_aid", "enhancement")
BACKLOG_STATUSES = ("proposed", "approved", "scheduled", "in_test", "released", "done",
                    "rejected")


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


@dataclass(frozen=True)
class ScoredItem:
    """A backlog item with its size, the tickets behind it, and its priority score."""

    item: BacklogView
    tickets: int
    score: float
    explanation: str

    @property
    def open(self) -> bool:
        return self.item.status not in CLOSED


@dataclass(frozen=True)
class GuardView:
    """The guard's report, with the seeds as backlog items and why each is one."""

    report: GuardReport
    seeds: tuple[tuple[BacklogView, tuple[str, ...]], ...]


class BacklogService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def scored(self, *, include_closed: bool = False) -> list[ScoredItem]:
        """Items by score, highest first (open ones; closed ones after, with ``include_closed``)."""
        views, facts = self._facts()
        found = []
        for fact in facts:
            result = score(fact)
            found.append(ScoredItem(views[fact.id], fact.tickets, result.score,
                                    result.explanation))
        found.sort(key=lambda s: (not s.open, -s.score, s.item.created_at or datetime.min,
                                  s.item.id))
        return [s for s in found if include_closed or s.open]

    def guard(self) -> GuardView:
        views, facts = self._facts()
        report = guard(facts, now=self._context.clock())
        return GuardView(report, tuple((views[s.item_id], s.reasons) for s in report.seeds))

    def add(self, *, type: str, title: str, viewer: Viewer, description: str = "",
            owner: str = "", value: int | None = None, risk: int | None = None,
            effort: str = "", links: tuple[str, ...] = ()) -> ScoredItem:
        """A new item (leads), checked: its type, a title, value and risk 1-5, a known
        effort, links like ``ticket:42``."""
        self._context.access.require(viewer, "backlog")
        _check(value, risk, effort)
        if type not in BACKLOG_TYPES:
            raise UsageError(f"unknown backlog type {type!r}",
                             hint=f"Use one of {', '.join(BACKLOG_TYPES)}.")
        if not title.strip():
            raise UsageError("a backlog item needs a title")
        for target in links:
            problems.checked_link(target)
        item_id = self._create(type=type, title=title.strip(), description=description,
                               owner=owner, links=links, value=value, risk=risk,
                               effort=effort.upper())
        return self.show(item_id=item_id)

    def spawn_from_decision(self, *, decision_id: int, outcome: str, question: str,
                            owner: str) -> int:
        """The configuration task of a decided policy question (whoever may decide it may
        spawn it: the decisions service checked); returns its id."""
        return self._create(type="decision", title=f"Configure: {outcome}"[:200],
                            description=f"Decided on D-{decision_id}: {question}",
                            owner=owner, links=(f"decision:{decision_id}",))

    def set_status(self, *, item_id: int, status: str, viewer: Viewer) -> BacklogView:
        """Move an item (leads); ``released`` marks its known issues fix-released (each
        broadcast to their reporters), all in one unit of work."""
        self._context.access.require(viewer, "backlog")
        if status not in BACKLOG_STATUSES:
            raise UsageError(f"unknown backlog status {status!r}",
                             hint=f"Use one of {', '.join(BACKLOG_STATUSES)}.")
        now = self._context.clock()
        with self._context.transaction():
            with self._context.store().session() as session:
                item = _item(session, item_id)
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
        return self.item(item_id=item_id)

    def items(self) -> list[BacklogView]:
        """Every item, as stored (unscored)."""
        with self._context.store().session() as session:
            return [_view(session, item) for item in problems.backlog(session=session)]

    def item(self, *, item_id: int) -> BacklogView:
        with self._context.store().session() as session:
            return _view(session, _item(session, item_id))

    def _create(self, *, type: str, title: str, description: str, owner: str,
                links: tuple[str, ...], value: int | None = None, risk: int | None = None,
                effort: str = "") -> int:
        now = self._context.clock()
        with self._context.store().session() as session:
            item = BacklogItem(type=type, title=title, description=description, owner=owner,
                               stabilization=type != "enhancement", value=value, risk=risk,
                               effort=effort, created_at=now, updated_at=now)
            session.add(item)
            session.flush()
            assert item.id is not None
            for target in links:
                problems.link(f"backlog:{item.id}", target, now=now, session=session)
            return item.id

    def update(self, *, item_id: int, viewer: Viewer, value: int | None = None,
               risk: int | None = None, effort: str | None = None, status: str | None = None,
               owner: str | None = None, title: str | None = None,
               release_target: str | None = None) -> ScoredItem:
        """Change what is given (leads); a status change goes through :meth:`set_status`
        (a release broadcasts through the linked known issues)."""
        self._context.access.require(viewer, "backlog")
        _check(value, risk, effort or "")
        now = self._context.clock()
        with self._context.store().session() as session:
            item = _item(session, item_id)
            changes: dict[str, int | str | None] = {
                "value": value, "risk": risk, "effort": effort.upper() if effort else effort,
                "owner": owner, "title": title, "release_target": release_target}
            for name, given in changes.items():
                if given is not None:
                    setattr(item, name, given)
            item.updated_at = now
            session.add(item)
        if status is not None:
            self.set_status(item_id=item_id, status=status, viewer=viewer)
        return self.show(item_id=item_id)

    def link(self, *, item_id: int, target: str, viewer: Viewer) -> ScoredItem:
        """Link a ticket (``ticket:42``), known issue or decision to the item (leads)."""
        self._context.access.require(viewer, "backlog")
        problems.checked_link(target, kinds=("ticket", "known_issue", "decision"))
        with self._context.store().session() as session:
            _item(session, item_id)
            problems.link(f"backlog:{item_id}", target, now=self._context.clock(),
                          session=session)
        return self.show(item_id=item_id)

    def show(self, *, item_id: int) -> ScoredItem:
        for found in self.scored(include_closed=True):
            if found.item.id == item_id:
                return found
        raise HypercareError(f"no backlog item B-{item_id}",
                             hint="List them with `hypercare backlog list --all`.")

    def _facts(self) -> tuple[dict[int, BacklogView], list[ItemFacts]]:
        views = {v.id: v for v in self.items()}
        with self._context.store().session() as session:
            tickets: dict[int, set[int]] = defaultdict(set)
            for view in views.values():
                for target in view.links:
                    kind, _, ident = target.partition(":")
                    if kind == "ticket":
                        tickets[view.id].add(int(ident))
                    elif kind == "known_issue":
                        tickets[view.id].update(
                            t.odoo_id for t in problems.tickets_of(int(ident), session=session))
            every = {odoo_id for found in tickets.values() for odoo_id in found}
            verdicts = classifications_for(sorted(every), session=session)
        facts = []
        for view in views.values():
            linked = [verdicts.get(i) for i in sorted(tickets[view.id])]
            facts.append(ItemFacts(
                id=view.id, enhancement=view.type == "enhancement" or not view.stabilization,
                status=view.status, value=view.value, risk=view.risk, effort=view.effort,
                created_at=view.created_at or self._context.clock(), closed_at=view.closed_at,
                tickets=len(tickets[view.id]),
                ticket_categories=tuple(v.category for v in linked if v is not None),
                change_requests=sum(1 for v in linked if v is not None and v.change_request)))
        return views, facts


def _item(session: Session, item_id: int) -> BacklogItem:
    item = session.get(BacklogItem, item_id)
    if item is None:
        raise HypercareError(f"no backlog item B-{item_id}",
                             hint="List them with `hypercare backlog list --all`.")
    return item


def _view(session: Session, item: BacklogItem) -> BacklogView:
    assert item.id is not None
    return BacklogView(
        id=item.id, ref=f"B-{item.id}", type=item.type, title=item.title,
        description=item.description, owner=item.owner, status=item.status,
        release_target=item.release_target, stabilization=item.stabilization,
        links=tuple(problems.links_from(f"backlog:{item.id}", session=session)),
        created_at=item.created_at, value=item.value, risk=item.risk, effort=item.effort,
        updated_at=item.updated_at, closed_at=item.closed_at)


def _check(value: int | None, risk: int | None, effort: str) -> None:
    for name, given in (("value", value), ("risk", risk)):
        if given is not None and not 1 <= given <= 5:
            raise UsageError(f"{name} is 1 to 5, not {given}",
                             hint="1 = low, 5 = high.")
    if effort and effort.upper() not in EFFORTS:
        raise UsageError(f"effort is one of {', '.join(EFFORTS)}, not {effort!r}")
