"""Editable classification rules (a TOML file the command center owns).

File layout (see ``default_rules.toml``, shipped)::

    [[rule]]                      # category rules: each adds its weight once when it fires
    name = "error-message"
    category = "defect"           # defect | training_gap | policy_ambiguity
    weight = 1.5
    phrases = ["error", "traceback"]      # whole words/phrases, case and accents ignored
    regex = ['\\bvalidation ?error\\b']   # optional, on the normalized text
    apps = ["Accounting"]                 # optional: only for tickets of these apps

    [change_request]  phrases/regex       # the reporter asks for what was never designed
    [confidential]    phrases/regex       # HR, payroll, personal data
    [severity]        blocking / many_users / critical_processes phrase lists
    [apps.Sales]      phrases             # app inference when a ticket does not say

A bad file raises :class:`RulesError` naming the rule and the line.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from hypercare.errors import ConfigError
from hypercare.triage.features import normalize
from hypercare.triage.model import CATEGORIES


class RulesError(ConfigError):
    """The rules file is malformed."""

    default_hint = "Fix the rules file (triage.rules_file), or remove the setting for the defaults."


@dataclass(frozen=True)
class Matcher:
    """Phrases and regexes compiled into one pattern over normalized text."""

    pattern: re.Pattern[str] | None

    def find(self, text: str) -> str | None:
        """The first phrase that matches ``text`` (normalized), or None."""
        if self.pattern is None:
            return None
        found = self.pattern.search(text)
        return found.group(0) if found else None

    def find_all(self, text: str) -> list[str]:
        if self.pattern is None:
            return []
        return sorted({m.group(0) for m in self.pattern.finditer(text)})


@dataclass(frozen=True)
class Rule:
    """A category rule."""

    name: str
    category: str
    weight: float
    matcher: Matcher
    apps: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RuleHit:
    """A rule that fired, and the words that made it fire."""

    rule: str
    category: str
    weight: float
    matched: str


@dataclass(frozen=True)
class RuleSet:
    """Every rule of one file."""

    rules: tuple[Rule, ...]
    change_request: Matcher
    confidential: Matcher
    severity: Mapping[str, Matcher]
    apps: Mapping[str, Matcher]
    source: str = "defaults"
    extra: Mapping[str, Any] = field(default_factory=dict)

    def hits(self, text: str, app: str = "") -> list[RuleHit]:
        """Category rules that fire on normalized ``text`` for ``app``."""
        found: list[RuleHit] = []
        for rule in self.rules:
            if rule.apps and app not in rule.apps:
                continue
            matched = rule.matcher.find(text)
            if matched is not None:
                found.append(RuleHit(rule.name, rule.category, rule.weight, matched))
        return found

    def logits(self, text: str, app: str = "") -> npt.NDArray[np.float64]:
        """Summed rule weights per category, for raw (not yet normalized) text."""
        scores = np.zeros(len(CATEGORIES))
        for hit in self.hits(normalize(text), app):
            scores[CATEGORIES.index(hit.category)] += hit.weight
        return scores


def parse_rules(text: str, source: str = "rules file") -> RuleSet:
    """Parse and validate a rules TOML document."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{source} is not valid TOML: {exc}") from None
    lines = text.splitlines()
    rules = tuple(_rule(entry, i, lines, source) for i, entry in enumerate(data.get("rule", [])))
    names = [rule.name for rule in rules]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise RulesError(f"{source}: rule name {duplicates[0]!r} is used twice "
                         f"(line {_line_of(lines, duplicates[0])})")
    severity = data.get("severity", {})
    apps = data.get("apps", {})
    return RuleSet(
        rules=rules,
        change_request=_matcher(data.get("change_request", {}), "change_request", lines, source),
        confidential=_matcher(data.get("confidential", {}), "confidential", lines, source),
        severity={key: _matcher({"phrases": value}, f"severity.{key}", lines, source)
                  for key, value in severity.items() if isinstance(value, list)},
        apps={name: _matcher(spec, f"apps.{name}", lines, source) for name, spec in apps.items()},
        source=source,
    )


def _rule(entry: Any, index: int, lines: Sequence[str], source: str) -> Rule:
    name = entry.get("name") if isinstance(entry, dict) else None
    if not isinstance(name, str) or not name:
        raise RulesError(f"{source}: rule #{index + 1} has no name")
    where = f"{source}: rule {name!r} (line {_line_of(lines, name)})"
    unknown = set(entry) - {"name", "category", "weight", "phrases", "regex", "apps", "note"}
    if unknown:
        raise RulesError(f"{where}: unknown key {sorted(unknown)[0]!r}",
                         hint="Rule keys: name, category, weight, phrases, regex, apps, note.")
    category = entry.get("category")
    if category not in CATEGORIES:
        raise RulesError(f"{where}: category must be one of {', '.join(CATEGORIES)}, "
                         f"not {category!r}")
    weight = entry.get("weight", 1.0)
    if not isinstance(weight, int | float) or isinstance(weight, bool) or not 0 < weight <= 10:
        raise RulesError(f"{where}: weight must be a number in (0, 10], not {weight!r}")
    matcher = _matcher(entry, name, lines, source)
    if matcher.pattern is None:
        raise RulesError(f"{where}: needs at least one phrase or regex")
    apps = entry.get("apps", [])
    if not isinstance(apps, list) or not all(isinstance(a, str) for a in apps):
        raise RulesError(f"{where}: apps must be a list of app names")
    return Rule(name, category, float(weight), matcher, frozenset(apps))


def _matcher(spec: Mapping[str, Any], label: str, lines: Sequence[str], source: str) -> Matcher:
    phrases = spec.get("phrases", [])
    regexes = spec.get("regex", [])
    for key, value in (("phrases", phrases), ("regex", regexes)):
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise RulesError(f"{source}: {label} (line {_line_of(lines, label)}): {key} must be "
                             "a list of non-empty strings")
    parts = [_phrase(p) for p in phrases]
    for pattern in regexes:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise RulesError(
                f"{source}: {label} has a bad regex {pattern!r} (line "
                f"{_line_of(lines, pattern)}): {exc.msg}",
                hint="Regexes use Python syntax on lower-case text without accents.",
            ) from None
        parts.append(f"(?:{pattern})")
    if not parts:
        return Matcher(None)
    return Matcher(re.compile("|".join(parts)))


def _phrase(phrase: str) -> str:
    words = normalize(phrase).split()
    body = r"\s+".join(re.escape(word) for word in words)
    return rf"(?<![\w]){body}(?![\w])"


def _line_of(lines: Sequence[str], needle: str) -> int | str:
    for number, line in enumerate(lines, start=1):
        if needle in line:
            return number
    return "?"


def matched_apps(rules: RuleSet, text: str) -> list[tuple[str, int]]:
    """Apps whose phrases appear in normalized ``text``, with how many distinct phrases
    matched; ties go to the app mentioned first."""
    scored: list[tuple[int, int, str]] = []
    for app, matcher in rules.apps.items():
        if matcher.pattern is None:
            continue
        found = list(matcher.pattern.finditer(text))
        if found:
            scored.append((-len({m.group(0) for m in found}), found[0].start(), app))
    return [(app, -count) for count, _, app in sorted(scored)]


def known_apps(rules: RuleSet) -> Iterable[str]:
    """App names the rules file knows."""
    return rules.apps.keys()
