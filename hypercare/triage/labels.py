"""Short names of hypercare's categories and severities, the same wherever one is shown (the
TUI, the CLI, Slack, the packs)."""

from __future__ import annotations

CATEGORY_LABELS = {
    "defect": "defect",
    "training_gap": "training",
    "policy_ambiguity": "policy",
    "unclassified": "unclass.",
    "": "unclass.",
}


def category_label(category: str) -> str:
    return CATEGORY_LABELS.get(category, category.replace("_", " "))


def severity_label(severity: int, unknown: str = "") -> str:
    """``S2``: a severity as people read it. Every read model carries a severity as an int,
    1 (S1, business stopped) .. 4 (S4, cosmetic), 0 when not rated yet: shown as
    ``unknown`` ("--" in a table, "" in JSON and CSV)."""
    return f"S{severity}" if severity else unknown


def severity_of(label: str) -> int:
    """The severity ``severity_label`` wrote (``S2`` -> 2); 0 for anything else ("")."""
    digits = label[1:]
    return int(digits) if label[:1] == "S" and digits.isdigit() and 1 <= int(digits) <= 4 else 0
