"""Short names of hypercare's categories, the same in every table that shows one (the TUI
queue, ``tickets list``)."""

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
