"""Triage services: classify tickets, record leads' decisions, retrain, evaluate.

Human decisions win: a decided category or severity is stored with who and when, is
never overwritten by re-classification, and becomes training data on the next retrain.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypercare.config import user_cache_dir
from hypercare.errors import HypercareError, TicketNotFoundError, UsageError
from hypercare.services.access import Viewer
from hypercare.services.context import ServiceContext
from hypercare.services.triage import model_cache
from hypercare.store import triage_records as records
from hypercare.store.tables import Ticket, TriageDecision
from hypercare.store.tickets import find_ticket
from hypercare.triage.classifier import Classification, Classifier, TicketText
from hypercare.triage.defaults import default_rules, seed_examples
from hypercare.triage.evaluation import Evaluation, evaluate
from hypercare.triage.labels import severity_label
from hypercare.triage.model import CATEGORIES, Example, LinearModel, data_hash, fit
from hypercare.triage.rules import RuleSet, parse_rules

SEVERITIES = (1, 2, 3, 4)
TRAINED_THROUGH = "triage.trained_through_decision"
"""App-state key: the newest decision the model was trained with."""
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetrainReport:
    """What ``triage retrain`` did."""

    seed_examples: int
    decisions: int
    data_hash: str
    refitted: bool
    seconds: float
    reclassified: int
    changed: int
    """Stored tickets whose category changed."""


@dataclass(frozen=True)
class DecisionView:
    """A recorded decision."""

    ref: str
    category: str | None
    severity: int | None
    decided_by: str
    decided_at: Any
    note: str
    decision_id: int = 0


class TriageService:
    """Classification with a cached model; decisions in the store."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context
        self._lock = threading.Lock()
        self._classifier: Classifier | None = None

    # -- classifying ---------------------------------------------------------------------

    def classify_texts(self, *, tickets: Sequence[TicketText]) -> list[Classification]:
        """Classify texts that are not (necessarily) in the store, in order."""
        classifier = self.classifier()
        return [classifier.classify(ticket) for ticket in tickets]

    def evaluate_texts(self, *, tickets: Sequence[TicketText],
                       truth: Sequence[str]) -> Evaluation:
        """Score the classifier on labeled texts."""
        unknown = sorted({t for t in truth if t not in CATEGORIES})
        if unknown:
            raise UsageError(f"unknown category {unknown[0]!r} in the input",
                             hint=f"Categories are {', '.join(CATEGORIES)}.")
        verdicts = self.classify_texts(tickets=tickets)
        return evaluate(truth, [v.guess for v in verdicts], [v.category for v in verdicts])

    def classify_stored(self, odoo_ids: Sequence[int]) -> int:
        """(Re)classify stored tickets; decided categories and severities stay as decided."""
        if not odoo_ids:
            return 0
        classifier = self.classifier()
        now = self._context.clock()
        with self._context.store().session() as session:
            tickets = records.ticket_texts(odoo_ids, session=session)
            decisions = records.decided(tickets, session=session)
            rows = [_row(classifier, ticket, decisions.get(odoo_id, (None, None)), now)
                    for odoo_id, ticket in tickets.items()]
            records.save_classifications(rows, session=session)
        return len(rows)

    def reclassify_all(self) -> tuple[int, int]:
        """Reclassify every stored ticket; returns (classified, category changed)."""
        with self._context.store().session() as session:
            ids = records.all_ticket_ids(session=session)
            before = {k: v.category for k, v in
                      records.classifications_for(ids, session=session).items()}
        for start in range(0, len(ids), 2000):
            self.classify_stored(ids[start : start + 2000])
        with self._context.store().session() as session:
            after = {k: v.category for k, v in
                     records.classifications_for(ids, session=session).items()}
        return len(ids), sum(1 for k, v in after.items() if before.get(k) != v)

    # -- decisions -----------------------------------------------------------------------

    def decide(self, *, ref: str, viewer: Viewer, category: str | None = None,
               severity: int | None = None, note: str = "") -> DecisionView:
        """Record a lead's category and/or severity for a ticket (wins over the classifier)."""
        self._context.access.require(viewer, "classify" if category is not None else "severity")
        decided_by = viewer.name
        if category is None and severity is None:
            raise UsageError("a decision needs a category, a severity or both",
                             hint="Example: hypercare triage decide HT00042 --category defect")
        if category is not None and category not in CATEGORIES:
            raise UsageError(f"unknown category {category!r}",
                             hint=f"Categories are {', '.join(CATEGORIES)}.")
        if severity is not None and severity not in SEVERITIES:
            raise UsageError(f"severity must be 1 to 4 (S1..S4), not {severity!r}")
        now = self._context.clock()
        with self._context.store().session() as session:
            ticket = find_ticket(ref, session=session)
            if ticket is None or not viewer.sees_company(ticket.company):
                raise TicketNotFoundError(f"no synced ticket you may see has the reference "
                                          f"{ref!r}")
            decision = TriageDecision(ticket_odoo_id=ticket.odoo_id, category=category,
                                      severity=severity, decided_by=decided_by,
                                      decided_at=now, note=note)
            records.add_decision(decision, session=session)
            session.flush()
            assert decision.id is not None
            odoo_id, ticket_ref, decision_id = ticket.odoo_id, ticket.ref, decision.id
        self.classify_stored([odoo_id])
        return DecisionView(ticket_ref, category, severity, decided_by, now, note, decision_id)

    def undo_decision(self, *, decision_id: int, viewer: Viewer,
                      within: timedelta) -> DecisionView:
        """Take back a decision made less than ``within`` ago, when it is still the newest
        of its ticket: it is deleted and the ticket reclassified, so the classifier's (or
        the previous decision's) verdict applies again. Returns the decision taken back."""
        self._context.access.require(viewer, "decide")
        now = self._context.clock()
        with self._context.store().session() as session:
            decision = session.get(TriageDecision, decision_id)
            if decision is None:
                raise UsageError(f"there is no triage decision #{decision_id} to undo",
                                 hint="It may have been undone already.")
            newest = records.newest_decision(decision.ticket_odoo_id, session=session)
            ref = _ref_of(session, decision.ticket_odoo_id)
            if newest is not None and newest.id != decision.id:
                raise UsageError(
                    f"decision #{decision_id} on {ref} is no longer the newest one: "
                    f"{newest.decided_by} decided again since",
                    hint="Record a new decision instead of undoing this one.")
            decided_at = decision.decided_at
            if decided_at is None or now - decided_at >= within:
                seconds = int(within.total_seconds())
                raise UsageError(
                    f"decision #{decision_id} on {ref} is older than {seconds} s and can no "
                    "longer be undone",
                    hint="Record a new decision to change the category or severity.")
            view = DecisionView(ref, decision.category, decision.severity, decision.decided_by,
                                decided_at, decision.note, decision_id)
            odoo_id = decision.ticket_odoo_id
            session.delete(decision)
        _log.info("decision #%s on %s undone by %s", decision_id, view.ref, viewer.name)
        self.classify_stored([odoo_id])
        return view

    # -- the model -----------------------------------------------------------------------

    def classifier(self) -> Classifier:
        """The classifier for the current rules and training data (cached on disk)."""
        with self._lock:
            rules = self._rules()
            examples = self._examples()
            wanted = data_hash(examples)
            current = self._classifier
            if current is None or current.model.data_hash != wanted or current.rules is not rules:
                model = self._model(examples, rules, wanted)
                current = Classifier(rules, model, self._context.settings.triage.threshold)
                self._classifier = current
            return current

    def retrain(self) -> RetrainReport:
        """Take every decision so far into the training data, refit (if the data changed),
        then reclassify stored tickets. Between retrains decisions apply to their own
        tickets at once but do not move the model (so deciding stays instant)."""
        started = time.perf_counter()
        with self._context.store().session() as session:
            records.set_state(TRAINED_THROUGH, str(records.last_decision_id(session=session)),
                              now=self._context.clock(), session=session)
        examples = self._examples()
        wanted = data_hash(examples)
        refitted = model_cache.load(self._model_dir(), wanted) is None
        self._classifier = None
        self.classifier()
        seconds = time.perf_counter() - started
        classified, changed = self.reclassify_all()
        seeds = len(seed_examples())
        return RetrainReport(seeds, len(examples) - seeds, wanted, refitted, seconds,
                             classified, changed)

    def _model(self, examples: Sequence[Example], rules: RuleSet, wanted: str) -> LinearModel:
        directory = self._model_dir()
        cached = model_cache.load(directory, wanted)
        if cached is not None:
            return cached
        model = fit(examples, rules.logits)
        try:
            model_cache.save(directory, model)
        except OSError as exc:  # a read-only cache costs a refit next start, nothing else
            import logging

            logging.getLogger(__name__).warning("cannot cache the model in %s: %s",
                                                directory, exc)
        return model

    def _model_dir(self) -> Path:
        configured = self._context.settings.triage.model_dir
        return configured if configured is not None else user_cache_dir() / "models"

    def _rules(self) -> RuleSet:
        path = self._context.settings.triage.rules_file
        if path is None:
            if self._classifier is not None and self._classifier.rules.source == "defaults":
                return self._classifier.rules
            rules = default_rules()
            return replace(rules, source="defaults")
        try:
            text = path.expanduser().read_text(encoding="utf-8")
        except OSError as exc:
            raise HypercareError(f"cannot read the rules file {path}: {exc.strerror}",
                                 hint="Fix triage.rules_file or remove it for the defaults.",
                                 ) from None
        current = self._classifier
        if current is not None and current.rules.source == f"{path}:{hash(text)}":
            return current.rules
        parsed = parse_rules(text, str(path))
        return replace(parsed, source=f"{path}:{hash(text)}")

    def _examples(self) -> list[Example]:
        examples = seed_examples()
        weight = self._context.settings.triage.decision_weight
        with self._context.store().session() as session:
            through = int(records.get_state(TRAINED_THROUGH, session=session) or 0)
            decided = records.latest_decisions(through_id=through, session=session)
            tickets = records.ticket_texts(decided, session=session)
        for odoo_id in sorted(decided):
            ticket = tickets.get(odoo_id)
            category = decided[odoo_id].category
            if ticket is not None and category is not None:
                examples.append(Example(f"{ticket.title}\n{ticket.description}", category, weight))
        return examples


def _ref_of(session: Any, odoo_id: int) -> str:
    ticket = records.ticket_texts([odoo_id], session=session).get(odoo_id)
    return ticket.ref if ticket is not None else f"#{odoo_id}"


def ticket_text(ticket: Ticket) -> TicketText:
    """What the classifier reads of a stored ticket."""
    hint = ticket.odoo_category or ticket.ticket_type
    return TicketText(ticket.title, ticket.description, hint, ticket.priority)


def _row(classifier: Classifier, ticket: Ticket,
         decisions: tuple[TriageDecision | None, TriageDecision | None],
         now: Any) -> dict[str, Any]:
    text = ticket_text(ticket)
    known = {app.casefold(): app for app in classifier.rules.apps}
    text = TicketText(text.subject, text.description, known.get(text.app.casefold(), ""),
                      text.priority)
    verdict = classifier.classify(text)
    row: dict[str, Any] = {
        "ticket_odoo_id": ticket.odoo_id, "category": verdict.category, "guess": verdict.guess,
        "confidence": verdict.confidence, "probabilities": dict(verdict.probabilities),
        "explanation": list(verdict.explanation), "source": verdict.source,
        "severity": verdict.severity.level, "severity_reasons": list(verdict.severity.reasons),
        "severity_source": "auto", "app": verdict.app,
        "change_request": verdict.change_request, "confidential": verdict.confidential,
        "model_hash": classifier.model.data_hash, "classified_at": now,
    }
    on_category, on_severity = decisions
    if on_category is not None and on_category.category is not None:
        row.update(category=on_category.category, guess=on_category.category, confidence=1.0,
                   source="human", explanation=[
                       f"decided by {on_category.decided_by} at "
                       f"{on_category.decided_at:%Y-%m-%d %H:%M} UTC"
                       + (f": {on_category.note}" if on_category.note else ""),
                       f"classifier said {verdict.guess} ({verdict.confidence:.0%})"])
    if on_severity is not None and on_severity.severity is not None:
        row.update(severity=on_severity.severity, severity_source="human", severity_reasons=[
            f"set to {severity_label(on_severity.severity)} by {on_severity.decided_by} at "
            f"{on_severity.decided_at:%Y-%m-%d %H:%M} UTC (frozen)"])
    return row
