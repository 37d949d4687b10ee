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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from hypercare.errors import ConfigError
from hypercare.triage.features import MAX_CHARS, WORD, normalize
from hypercare.triage.model import CATEGORIES


class RulesError(ConfigError):
    """The rules file is malformed."""

    default_hint = "Fix the rules file (triage.rules_file), or remove the setting for the defaults."


@dataclass(frozen=True)
class Doc:
    """A text prepared once for every matcher: normalized, and split into words."""

    text: str
    tokens: tuple[str, ...]


def prepare(text: str) -> Doc:
    """Normalize and tokenize ``text`` (the same way phrases are)."""
    normalized = normalize(text[:MAX_CHARS])
    return Doc(normalized, tuple(WORD.findall(normalized)))


@dataclass(frozen=True)
class Matcher:
    """Phrases (matched word by word: fast, whole words only) and optional regexes."""

    phrases: Mapping[str, tuple[tuple[str, ...], ...]]
    """First word -> the phrases starting with it, longest first."""
    regex: re.Pattern[str] | None = None

    @property
    def empty(self) -> bool:
        return not self.phrases and self.regex is None

    def scan(self, doc: Doc) -> list[tuple[int, str]]:
        """Every match as (position, matched text), in text order."""
        found: list[tuple[int, str]] = []
        tokens = doc.tokens
        for position, token in enumerate(tokens):
            for phrase in self.phrases.get(token, ()):
                if tokens[position : position + len(phrase)] == phrase:
                    found.append((position, " ".join(phrase)))
                    break
        if self.regex is not None:
            for match in self.regex.finditer(doc.text):
                found.append((len(doc.text[: match.start()].split()), match.group(0)))
        return sorted(found)

    def find(self, doc: Doc) -> str | None:
        """The first match in ``doc``, or None."""
        tokens = doc.tokens
        for position, token in enumerate(tokens):
            for phrase in self.phrases.get(token, ()):
                if tokens[position : position + len(phrase)] == phrase:
                    return " ".join(phrase)
        if self.regex is not None:
            match = self.regex.search(doc.text)
            if match:
                return match.group(0)
        return None


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
    app_index: Mapping[str, tuple[tuple[tuple[str, ...], str], ...]] = field(
        default_factory=dict)
    """First word -> (phrase, app) over every app: app inference in one pass."""

    def hits(self, doc: Doc, app: str = "") -> list[RuleHit]:
        """Category rules that fire on ``doc`` for ``app``."""
        found: list[RuleHit] = []
        for rule in self.rules:
            if rule.apps and app not in rule.apps:
                continue
            matched = rule.matcher.find(doc)
            if matched is not None:
                found.append(RuleHit(rule.name, rule.category, rule.weight, matched))
        return found

    def logits(self, text: str, app: str = "") -> npt.NDArray[np.float64]:
        """Summed rule weights per category, for raw (not yet normalized) text."""
        scores = np.zeros(len(CATEGORIES))
        for hit in self.hits(prepare(text), app):
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
    apps_parsed = {name: _matcher(spec, f"apps.{name}", lines, source)
                   for name, spec in apps.items()}
    return RuleSet(
        rules=rules,
        change_request=_matcher(data.get("change_request", {}), "change_request", lines, source),
        confidential=_matcher(data.get("confidential", {}), "confidential", lines, source),
        severity={key: _matcher({"phrases": value}, f"severity.{key}", lines, source)
                  for key, value in severity.items() if isinstance(value, list)},
        apps=apps_parsed,
        source=source,
        app_index=_combined(apps_parsed),
    )


def _combined(apps: Mapping[str, Matcher]) -> dict[str, tuple[tuple[tuple[str, ...], str], ...]]:
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for app, matcher in apps.items():
        for first, phrases in matcher.phrases.items():
            index.setdefault(first, []).extend((phrase, app) for phrase in phrases)
    return {first: tuple(sorted(entries, key=lambda e: len(e[0]), reverse=True))
            for first, entries in index.items()}


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
    if matcher.empty:
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
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        words = tuple(WORD.findall(normalize(phrase)))
        if words:
            index.setdefault(words[0], []).append(words)
    compiled: list[str] = []
    for pattern in regexes:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise RulesError(
                f"{source}: {label} has a bad regex {pattern!r} (line "
                f"{_line_of(lines, pattern)}): {exc.msg}",
                hint="Regexes use Python syntax on lower-case text without accents.",
            ) from None
        compiled.append(f"(?:{pattern})")
    ordered = {first: tuple(sorted(set(group), key=len, reverse=True))
               for first, group in index.items()}
    return Matcher(ordered, re.compile("|".join(compiled)) if compiled else None)


def _line_of(lines: Sequence[str], needle: str) -> int | str:
    for number, line in enumerate(lines, start=1):
        if needle in line:
            return number
    return "?"


def matched_apps(rules: RuleSet, doc: Doc) -> list[tuple[str, int]]:
    """Apps whose phrases appear in ``doc``, with how many distinct phrases matched;
    ties go to the app mentioned first."""
    found: dict[str, tuple[set[str], int]] = {}
    tokens = doc.tokens
    for position, token in enumerate(tokens):
        for phrase, app in rules.app_index.get(token, ()):
            if tokens[position : position + len(phrase)] == phrase:
                phrases, first = found.get(app, (set(), position))
                phrases.add(" ".join(phrase))
                found[app] = (phrases, first)
    for app, matcher in rules.apps.items():  # regex entries, rare
        if matcher.regex is not None:
            for position, text in matcher.scan(Doc(doc.text, ())):
                phrases, first = found.get(app, (set(), position))
                phrases.add(text)
                found[app] = (phrases, min(first, position))
    ranked = sorted(found.items(), key=lambda item: (-len(item[1][0]), item[1][1], item[0]))
    return [(app, len(phrases)) for app, (phrases, _) in ranked]
