"""The continuous-improvement backlog, prioritized, and the fit-to-standard guard.

Items are created and moved by :class:`hypercare.services.problems.decisions.DecisionService` (which
also spawns them from decisions); this service sizes them (business value, risk, effort),
scores them with :mod:`hypercare.triage.scoring` from the volume of tickets behind them, and
runs the guard against over-customization.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from hypercare.errors import HypercareError, UsageError
from hypercare.numbers import parse_id
from hypercare.services.access import Viewer
from hypercare.services.context import ServiceContext
from hypercare.services.problems.decisions import BacklogView, DecisionService
from hypercare.store import problems
from hypercare.store.tables import BacklogItem
from hypercare.store.triage_records import classifications_for
from hypercare.triage.scoring import CLOSED, EFFORTS, GuardReport, ItemFacts, guard, score


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
    def __init__(self, context: ServiceContext, decisions: DecisionService) -> None:
        self._context = context
        self._decisions = decisions

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
        self._context.access.require(viewer, "backlog")
        _check(value, risk, effort)
        if not title.strip():
            raise UsageError("a backlog item needs a title")
        view = self._decisions.add_backlog(type=type, title=title.strip(), viewer=viewer,
                                           description=description, owner=owner, links=links)
        return self.update(item_id=view.id, viewer=viewer, value=value, risk=risk,
                           effort=effort or None)

    def update(self, *, item_id: int, viewer: Viewer, value: int | None = None,
               risk: int | None = None, effort: str | None = None, status: str | None = None,
               owner: str | None = None, title: str | None = None,
               release_target: str | None = None) -> ScoredItem:
        """Change what is given (leads); a status change goes through the decisions service
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
            self._decisions.set_backlog_status(item_id=item_id, status=status, viewer=viewer)
        return self.show(item_id=item_id)

    def link(self, *, item_id: int, target: str, viewer: Viewer) -> ScoredItem:
        """Link a ticket (``ticket:42``), known issue or decision to the item (leads)."""
        self._context.access.require(viewer, "backlog")
        kind, _, ident = target.partition(":")
        if kind not in ("ticket", "known_issue", "decision") or parse_id(ident) is None:
            raise UsageError(f"a link looks like ticket:42, known_issue:3 or decision:5, not "
                             f"{target!r}")
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
        views = {v.id: v for v in self._decisions.list_backlog()}
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


def _check(value: int | None, risk: int | None, effort: str) -> None:
    for name, given in (("value", value), ("risk", risk)):
        if given is not None and not 1 <= given <= 5:
            raise UsageError(f"{name} is 1 to 5, not {given}",
                             hint="1 = low, 5 = high.")
    if effort and effort.upper() not in EFFORTS:
        raise UsageError(f"effort is one of {', '.join(EFFORTS)}, not {effort!r}")
