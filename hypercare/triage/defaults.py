"""The shipped rules file and seed examples (read on demand, never at import)."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from hypercare.triage.model import CATEGORIES, Example
from hypercare.triage.rules import RuleSet, parse_rules

SEED_WEIGHT = 1.0


def default_rules_text() -> str:
    """The text of ``default_rules.toml``."""
    return resources.files("hypercare.triage").joinpath("default_rules.toml").read_text("utf-8")


def default_rules() -> RuleSet:
    """The shipped rules."""
    return parse_rules(default_rules_text(), "default_rules.toml")


def seed_examples() -> list[Example]:
    """The hand-written seed examples shipped in ``hypercare/triage/seeds`` (a copy)."""
    return list(_seed_examples())


@lru_cache(maxsize=1)
def _seed_examples() -> tuple[Example, ...]:
    """Read once per process: the seeds ship with the package and never change."""
    folder = resources.files("hypercare.triage").joinpath("seeds")
    examples: list[Example] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".jsonl"):
            continue
        for line in entry.read_text("utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if row["category"] in CATEGORIES:
                text = f"{row['subject']}\n{row.get('description', '')}"
                examples.append(Example(text, row["category"], SEED_WEIGHT))
    return tuple(examples)
