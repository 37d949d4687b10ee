"""The classifier: rules + learned model -> category, confidence, reasons; plus severity,
app, change-request and confidentiality flags. Pure: text in, frozen result out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hypercare.triage.features import featurize_tokens
from hypercare.triage.model import CATEGORIES, LinearModel, softmax
from hypercare.triage.rules import Doc, RuleSet, matched_apps, prepare
from hypercare.triage.severity import Severity, assess_severity

UNCLASSIFIED = "unclassified"
DEFAULT_THRESHOLD = 0.55


@dataclass(frozen=True)
class TicketText:
    """What the classifier reads of a ticket."""

    subject: str
    description: str = ""
    app: str = ""
    """The app when the ticket says (Odoo type/category/tag, or the raise form)."""
    priority: int = 0
    """Normalized Odoo priority: 0 Low, 1 Medium, 2 High, 3 Urgent / Very High."""

    @property
    def text(self) -> str:
        return f"{self.subject}\n{self.description}"


@dataclass(frozen=True)
class Classification:
    """The verdict on one ticket, with its reasons."""

    category: str
    """A category, or ``unclassified`` when confidence is below the threshold."""
    guess: str
    """The top category even when unsure."""
    confidence: float
    probabilities: tuple[tuple[str, float], ...]
    explanation: tuple[str, ...]
    source: str
    """``rule`` (rules decided it), ``model``, or ``human``."""
    severity: Severity
    app: str
    change_request: bool
    confidential: bool


class Classifier:
    """Classifies ticket texts with one rule set and one fitted model."""

    def __init__(self, rules: RuleSet, model: LinearModel,
                 threshold: float = DEFAULT_THRESHOLD) -> None:
        self.rules = rules
        self.model = model
        self.threshold = threshold

    def classify(self, ticket: TicketText) -> Classification:
        """Category, confidence and reasons for one ticket."""
        doc = prepare(ticket.text)
        app = ticket.app or infer_app(self.rules, doc)
        hits = self.rules.hits(doc, app)
        features = featurize_tokens(doc.tokens)
        model_logits = self.model.logits(features)
        rule_logits = np.zeros(len(CATEGORIES))
        for hit in hits:
            rule_logits[CATEGORIES.index(hit.category)] += hit.weight
        probs = softmax((model_logits + rule_logits) / self.model.temperature)
        top = int(np.argmax(probs))
        guess = CATEGORIES[top]
        confidence = float(probs[top])
        model_only = int(np.argmax(model_logits))
        source = "model" if model_only == top else "rule"
        explanation = [f"rule {hit.rule} ({hit.category}, +{hit.weight:g}): '{hit.matched}'"
                       for hit in hits]
        terms = [word for word, score in self.model.word_contributions(features, top)[:4]
                 if score > 0]
        if terms:
            explanation.append(f"model terms for {guess}: {', '.join(terms)}")
        return Classification(
            category=guess if confidence >= self.threshold else UNCLASSIFIED,
            guess=guess,
            confidence=round(confidence, 4),
            probabilities=tuple((c, round(float(p), 4)) for c, p in zip(CATEGORIES, probs,
                                                                       strict=True)),
            explanation=tuple(explanation),
            source=source,
            severity=assess_severity(self.rules, doc, ticket.priority),
            app=app,
            change_request=self.rules.change_request.find(doc) is not None,
            confidential=self.rules.confidential.find(doc) is not None,
        )


def infer_app(rules: RuleSet, doc: Doc) -> str:
    """The app whose vocabulary the text uses most ("" when none)."""
    ranked = matched_apps(rules, doc)
    return ranked[0][0] if ranked else ""
