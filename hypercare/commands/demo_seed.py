"""``hypercare demo``'s first records beside Odoo's tickets: known issues (with their
workaround and linked tickets), policy decisions (with owner, due date and options; one already
decided, its configuration task in the backlog) and backlog items, recorded through the
services' own methods as a lead would, in one unit of work.

What to record comes from the caller (the demo reads it off its simulator,
:mod:`hypercare.odoo.sim.curation`); this module only knows its shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from hypercare.services.access import Viewer
    from hypercare.services.facade import Services


class KnownIssueSeed(Protocol):
    @property
    def topic(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def app(self) -> str: ...
    @property
    def severity(self) -> int: ...
    @property
    def owner(self) -> str: ...
    @property
    def workaround(self) -> str: ...
    @property
    def ticket_ids(self) -> tuple[int, ...]: ...


class DecisionSeed(Protocol):
    @property
    def question(self) -> str: ...
    @property
    def owner(self) -> str: ...
    @property
    def due_in_days(self) -> int: ...
    @property
    def options(self) -> tuple[tuple[str, str], ...]: ...
    @property
    def ticket_ids(self) -> tuple[int, ...]: ...
    @property
    def outcome(self) -> str: ...


class BacklogSeed(Protocol):
    @property
    def type(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def owner(self) -> str: ...
    @property
    def value(self) -> int: ...
    @property
    def risk(self) -> int: ...
    @property
    def effort(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def known_issue(self) -> str: ...
    @property
    def ticket_ids(self) -> tuple[int, ...]: ...


class Seed(Protocol):
    @property
    def known_issues(self) -> Sequence[KnownIssueSeed]: ...
    @property
    def decisions(self) -> Sequence[DecisionSeed]: ...
    @property
    def backlog(self) -> Sequence[BacklogSeed]: ...


@dataclass(frozen=True)
class SeedReport:
    known_issues: int
    decisions: int
    backlog: int


def seed_demo(services: Services, seed: Seed, viewer: Viewer) -> SeedReport:
    """Record ``seed`` as ``viewer`` (a lead); every linked ticket must be synced."""
    settings = services.context.settings
    today = services.context.clock().astimezone(ZoneInfo(settings.timezone)).date()
    with services.context.transaction():
        known = _known_issues(services, seed.known_issues, viewer)
        decisions = _decisions(services, seed.decisions, viewer, today)
        items = _backlog(services, seed.backlog, viewer, known)
    return SeedReport(len(known), decisions, items + sum(1 for d in seed.decisions
                                                          if d.outcome))


def _known_issues(services: Services, plans: Sequence[KnownIssueSeed],
                  viewer: Viewer) -> dict[str, int]:
    known: dict[str, int] = {}
    for plan in plans:
        view = services.known_issues.create(
            title=plan.title, viewer=viewer, category="defect", severity=plan.severity,
            owner=plan.owner, app=plan.app, description=plan.description,
            ticket_refs=tuple(f"#{odoo_id}" for odoo_id in plan.ticket_ids))
        services.known_issues.set_workaround(known_issue_id=view.id, text=plan.workaround,
                                             viewer=viewer)
        known[plan.topic] = view.id
    return known


def _decisions(services: Services, plans: Sequence[DecisionSeed], viewer: Viewer,
               today: date) -> int:
    for plan in plans:
        view = services.decisions.create(
            question=plan.question, owner=plan.owner, viewer=viewer,
            due_date=today + timedelta(days=plan.due_in_days), options=plan.options,
            links=tuple(f"ticket:{odoo_id}" for odoo_id in plan.ticket_ids))
        if plan.outcome:
            services.decisions.decide(decision_id=view.id, outcome=plan.outcome, viewer=viewer,
                                      spawn_backlog=True)
    return len(plans)


def _backlog(services: Services, plans: Sequence[BacklogSeed], viewer: Viewer,
             known: dict[str, int]) -> int:
    for plan in plans:
        links = (f"known_issue:{known[plan.known_issue]}",) if plan.known_issue in known \
            else tuple(f"ticket:{odoo_id}" for odoo_id in plan.ticket_ids)
        scored = services.backlog.add(type=plan.type, title=plan.title, viewer=viewer,
                                      owner=plan.owner, value=plan.value, risk=plan.risk,
                                      effort=plan.effort, links=links)
        if plan.status != "proposed":
            services.backlog.update(item_id=scored.item.id, viewer=viewer, status=plan.status)
    return len(plans)
