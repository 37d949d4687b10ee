"""Training themes: training gaps grouped by app and topic, as candidate job aids."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

_WORD = re.compile(r"[a-z][a-z0-9]+")
_DIGITS = re.compile(r"(\d+)")
STOP_WORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "cannot", "cant", "could",
    "do", "does", "doesnt", "dont", "for", "from", "get", "gets", "has", "have", "how", "i", "if",
    "in", "into", "is", "isnt", "it", "its", "me", "my", "no", "not", "of", "on", "or", "our",
    "please", "should", "so", "that", "the", "their", "then", "there", "this", "to", "too",
    "unable", "was", "we", "what", "when", "where", "which", "while", "who", "why", "will",
    "with", "without", "wont", "would", "you", "your", "error", "errors", "issue", "issues",
    "problem", "problems", "help", "odoo", "able", "again", "still", "new", "after", "before",
    "need", "needs", "want", "work", "working", "works",
})


@dataclass(frozen=True)
class TrainingTheme:
    app: str
    topic: str
    count: int
    refs: tuple[str, ...]



def natural(ref: str) -> tuple[str | int, ...]:
    """Sort key putting HD-9 before HD-10."""
    return tuple(int(part) if part.isdigit() else part for part in _DIGITS.split(ref))


@dataclass(frozen=True)
class ThemeInput:
    """What a training theme needs of one training-gap ticket."""

    app: str
    ref: str
    title: str
    confidential: bool = False


def _words(title: str) -> list[str]:
    return [w for w in _WORD.findall(title.lower().replace("'", "")) if w not in STOP_WORDS]


def training_themes(gaps: Iterable[ThemeInput], max_refs: int = 5) -> tuple[TrainingTheme, ...]:
    """Training gaps grouped by app and topic (the ticket's most frequent word pair or word).

    Frequencies count tickets per app; a pair wins when two tickets share it, else a shared word,
    else the title's first pair or word (ties: first in the title). Confidential titles never
    shape a topic.
    """
    by_app: dict[str, list[ThemeInput]] = defaultdict(list)
    for t in gaps:
        by_app[t.app].append(t)
    themes: list[TrainingTheme] = []
    for app, group in by_app.items():
        terms = {t.ref: ([] if t.confidential else _terms(_words(t.title))) for t in group}
        freq = Counter(term for found in terms.values() for term in set(found))
        topics: dict[str, list[str]] = defaultdict(list)
        for t in group:
            topic = "(confidential)" if t.confidential else _pick(terms[t.ref], freq)
            topics[topic].append(t.ref)
        for topic, refs in topics.items():
            refs.sort(key=natural)
            themes.append(TrainingTheme(app, topic, len(refs), tuple(refs[:max_refs])))
    return tuple(sorted(themes, key=lambda th: (-th.count, th.app, th.topic)))


def _terms(words: list[str]) -> list[str]:
    """Word pairs first (in title order), then single words."""
    return [f"{a} {b}" for a, b in pairwise(words)] + words


def _pick(terms: list[str], freq: Counter[str]) -> str:
    if not terms:
        return "general"
    pairs = [term for term in terms if " " in term]
    for pool in (pairs, [term for term in terms if " " not in term]):
        best = max((freq[term] for term in pool), default=0)
        if best >= 2:  # ties go to the term that comes first in the title
            return next(term for term in pool if freq[term] == best)
    return terms[0]
