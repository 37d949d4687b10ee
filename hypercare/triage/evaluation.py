"""Scoring a classifier against labeled rows: coverage, accuracy, macro-F1, confusion."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hypercare.triage.classifier import UNCLASSIFIED
from hypercare.triage.model import CATEGORIES


@dataclass(frozen=True)
class ClassScore:
    category: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Evaluation:
    """How the top guesses compare with the true categories."""

    rows: int
    coverage: float
    """Share of rows not abstained (category != unclassified)."""
    accuracy: float
    """Accuracy of the top guess over all rows."""
    covered_accuracy: float
    """Accuracy over the rows not abstained."""
    macro_f1: float
    per_class: tuple[ClassScore, ...]
    confusion: tuple[tuple[int, ...], ...]
    """confusion[true][guess], in ``CATEGORIES`` order."""


def evaluate(truth: Sequence[str], guesses: Sequence[str],
             categories: Sequence[str]) -> Evaluation:
    """Score top guesses; ``categories`` are the (possibly ``unclassified``) verdicts."""
    if len(truth) != len(guesses) or len(truth) != len(categories):
        raise ValueError("truth, guesses and categories must have the same length")
    n = len(truth)
    index = {c: i for i, c in enumerate(CATEGORIES)}
    confusion = [[0] * len(CATEGORIES) for _ in CATEGORIES]
    for true, guess in zip(truth, guesses, strict=True):
        confusion[index[true]][index[guess]] += 1
    scores = []
    for i, category in enumerate(CATEGORIES):
        tp = confusion[i][i]
        predicted = sum(row[i] for row in confusion)
        actual = sum(confusion[i])
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores.append(ClassScore(category, precision, recall, f1, actual))
    covered = [(t, g) for t, g, c in zip(truth, guesses, categories, strict=True)
               if c != UNCLASSIFIED]
    correct = sum(confusion[i][i] for i in range(len(CATEGORIES)))
    return Evaluation(
        rows=n,
        coverage=len(covered) / n if n else 0.0,
        accuracy=correct / n if n else 0.0,
        covered_accuracy=(sum(t == g for t, g in covered) / len(covered)) if covered else 0.0,
        macro_f1=sum(s.f1 for s in scores) / len(scores),
        per_class=tuple(scores),
        confusion=tuple(tuple(row) for row in confusion),
    )
