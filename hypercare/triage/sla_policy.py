"""Which SLA policy applies to a ticket: the most specific match wins."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from hypercare.triage.labels import severity_label

NARROWING = ("category", "company", "team", "ticket_type", "app")
TARGETS = ("first_response", "workaround", "resolution")


class PolicyLike(Protocol):
    """What a policy offers (``hypercare.config.SlaPolicy`` is one)."""

    @property
    def severity(self) -> int: ...
    @property
    def first_response_hours(self) -> float | None: ...
    @property
    def workaround_hours(self) -> float | None: ...
    @property
    def resolution_hours(self) -> float | None: ...
    @property
    def category(self) -> str | None: ...
    @property
    def company(self) -> str | None: ...
    @property
    def team(self) -> str | None: ...
    @property
    def ticket_type(self) -> str | None: ...
    @property
    def app(self) -> str | None: ...


@dataclass(frozen=True)
class TicketScope:
    """The ticket attributes policies can narrow on."""

    severity: int
    category: str = ""
    company: str = ""
    team: str = ""
    ticket_type: str = ""
    app: str = ""


@dataclass(frozen=True)
class Targets:
    """Business-minute targets of the chosen policy (None: no such target)."""

    name: str
    minutes: dict[str, float | None]


def choose_policy(policies: Sequence[PolicyLike], scope: TicketScope) -> Targets | None:
    """The matching policy with the most narrowing fields (ties: the first listed)."""
    best: tuple[int, int, PolicyLike] | None = None
    for index, policy in enumerate(policies):
        if policy.severity != scope.severity:
            continue
        narrowed = 0
        for name in NARROWING:
            wanted = getattr(policy, name)
            if wanted is None:
                continue
            if str(wanted).casefold() != str(getattr(scope, name)).casefold():
                break
            narrowed += 1
        else:
            if best is None or narrowed > best[0]:
                best = (narrowed, index, policy)
    if best is None:
        return None
    _, index, policy = best
    label = severity_label(policy.severity) + "".join(
        f" {name}={getattr(policy, name)}" for name in NARROWING if getattr(policy, name))
    return Targets(label, {
        "first_response": _minutes(policy.first_response_hours),
        "workaround": _minutes(policy.workaround_hours),
        "resolution": _minutes(policy.resolution_hours),
    })


def _minutes(hours: float | None) -> float | None:
    return None if hours is None else hours * 60.0
