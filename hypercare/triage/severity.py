"""Severity S1 (business stopped) to S4 (cosmetic), with its reasons.

Starts from the flavour-normalized Odoo priority (0 Low -> S4, 1 Medium -> S3,
2 High -> S3, 3 Urgent -> S2); each kind of impact signal in the text (blocking words,
many users, a critical go-live process) makes it one level more severe, down to S1.
A severity a human set is frozen elsewhere (the service keeps it).
"""

from __future__ import annotations

from dataclasses import dataclass

from hypercare.triage.labels import severity_label
from hypercare.triage.rules import Doc, RuleSet

BASE_BY_PRIORITY = {0: 4, 1: 3, 2: 3, 3: 2}
SIGNAL_LABELS = {
    "blocking": "blocking words",
    "many_users": "many users affected",
    "critical_processes": "critical process",
}


@dataclass(frozen=True)
class Severity:
    """S1..S4 and why."""

    level: int
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        return severity_label(self.level)


def assess_severity(rules: RuleSet, doc: Doc, priority: int) -> Severity:
    """Severity from the priority plus the impact signals the rules file lists."""
    base = BASE_BY_PRIORITY.get(max(0, min(priority, 3)), 3)
    reasons = [f"Odoo priority {priority} -> {severity_label(base)}"]
    level = base
    for key, label in SIGNAL_LABELS.items():
        matcher = rules.severity.get(key)
        found = matcher.find(doc) if matcher else None
        if found is not None and level > 1:
            level -= 1
            reasons.append(f"{label}: '{found}' -> {severity_label(level)}")
    return Severity(level, tuple(reasons))
