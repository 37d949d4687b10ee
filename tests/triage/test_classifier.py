"""Classification through the service: thresholds, languages, decisions, retraining, cache."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from hypercare.config import Settings, TriageSettings
from hypercare.services import ServiceContext, Services, TicketText
from hypercare.store.tables import Ticket
from tests.support import viewer

EXAMPLES = {
    "defect": TicketText("Odoo Server Error when validating the delivery",
                         "Traceback (most recent call last): ValueError: stock move "
                         "quantity is negative. It worked yesterday."),
    "training_gap": TicketText("How do I print the picking list?",
                               "Where is the print button on the delivery order?"),
    "policy_ambiguity": TicketText("Who approves discounts above 15%?",
                                   "Sales reps ask and nobody knows the rule. Need a decision."),
}


def test_clear_cases_and_their_reasons(services: Services) -> None:
    verdicts = services.triage.classify_texts(tickets=list(EXAMPLES.values()))
    for (expected, _), verdict in zip(EXAMPLES.items(), verdicts, strict=True):
        assert verdict.guess == expected
        assert verdict.category == expected
        assert 0.5 < verdict.confidence <= 1.0
        assert verdict.explanation  # rules that fired and/or strongest terms
        assert abs(sum(p for _, p in verdict.probabilities) - 1.0) < 1e-3
        assert verdict.source in {"rule", "model"}


@pytest.mark.parametrize(("text", "expected"), [
    (TicketText("Impossible de valider la facture fournisseur",
                "Message d'erreur: le montant de TVA est incorrect depuis la migration."),
     "defect"),
    (TicketText("¿Quién aprueba los descuentos mayores al 20%?",
                "No hay una regla definida, cada vendedor hace lo que quiere."),
     "policy_ambiguity"),
    (TicketText("Wo finde ich den Button für Gutschriften?", ""), "training_gap"),
])
def test_non_english_tickets(services: Services, text: TicketText, expected: str) -> None:
    assert services.triage.classify_texts(tickets=[text])[0].guess == expected


def test_empty_description_and_odd_input(services: Services) -> None:
    verdicts = services.triage.classify_texts(tickets=[
        TicketText("where is the credit note button", ""),
        TicketText("???", ""),
        TicketText("x" * 50_000, "y" * 50_000),
    ])
    assert verdicts[0].guess == "training_gap"
    assert all(v.guess in {"defect", "training_gap", "policy_ambiguity"} for v in verdicts)


def test_below_threshold_is_unclassified_but_keeps_its_guess(sqlite_url: str,
                                                             model_dir: Path) -> None:
    settings = Settings(database_url=sqlite_url,
                        triage=TriageSettings(model_dir=model_dir, threshold=0.999999))
    services = Services(ServiceContext(settings=settings))
    try:
        verdict = services.triage.classify_texts(
            tickets=[TicketText("Problem with the invoice", "")])[0]
    finally:
        services.close()
    assert verdict.category == "unclassified"
    assert verdict.guess in {"defect", "training_gap", "policy_ambiguity"}


def test_severity_flags_and_app(services: Services) -> None:
    urgent, payroll, request = services.triage.classify_texts(tickets=[
        TicketText("URGENT: nobody can invoice", "All users are blocked since this morning, "
                   "invoicing is down", priority=2),
        TicketText("Payslip of an employee shows the wrong salary", "", priority=1),
        TicketText("Can we add a new field on the quotation for the project code?", ""),
    ])
    assert urgent.severity.level == 1 and len(urgent.severity.reasons) >= 3
    assert urgent.app in {"Invoicing", "Accounting"}
    assert payroll.confidential and not request.confidential
    assert request.change_request and not urgent.change_request
    assert request.app == "Sales"


def store_ticket(services: Services, odoo_id: int, title: str, description: str = "",
                 priority: int = 0) -> None:
    with services.context.store().session() as session:
        session.add(Ticket(odoo_id=odoo_id, ref=f"T{odoo_id}", title=title,
                           description=description, priority=priority,
                           created_at=datetime(2026, 11, 20, tzinfo=UTC),
                           updated_at=datetime(2026, 11, 20, tzinfo=UTC)))


def verdict_of(services: Services, odoo_id: int) -> tuple[str, str, int, str]:
    view = next(t for t in services.tickets.list_tickets(viewer=viewer(services, "lea"))
                if t.odoo_id == odoo_id)
    return view.category, view.category_source, view.severity, view.category_guess


def test_human_decisions_win_and_severity_freezes(services: Services) -> None:
    store_ticket(services, 1, "How do I print the picking list?", priority=0)
    services.triage.classify_stored([1])
    assert verdict_of(services, 1)[:2] == ("training_gap", "model") or \
        verdict_of(services, 1)[1] == "rule"
    services.triage.decide(ref="T1", viewer=viewer(services, "lea"), category="defect", severity=2,
                           note="the print action is broken in this company")
    category, source, severity, _ = verdict_of(services, 1)
    assert (category, source, severity) == ("defect", "human", 2)
    # The text changes and everything is reclassified: the decision still stands.
    with services.context.store().session() as session:
        ticket = session.get(Ticket, 1)
        assert ticket is not None
        ticket.title = "URGENT all users blocked: how do I print?"
        session.add(ticket)
    services.triage.classify_stored([1])
    services.triage.reclassify_all()
    assert verdict_of(services, 1)[:3] == ("defect", "human", 2)
    detail = services.tickets.show_ticket(ref="T1", viewer=viewer(services, "lea")).ticket
    assert any("decided by lea" in line for line in detail.category_explanation)
    assert any("frozen" in line for line in detail.severity_reasons)


def test_retraining_moves_predictions_toward_decisions(services: Services) -> None:
    probe = TicketText("Quarterly stock valuation report", "The numbers need review.")
    before = dict(services.triage.classify_texts(tickets=[probe])[0].probabilities)
    wording = ["stock valuation report numbers need review",
               "valuation report numbers to review for the quarter",
               "quarterly valuation figures need a review"]
    for odoo_id in range(10, 40):
        store_ticket(services, odoo_id, f"Stock valuation report #{odoo_id}",
                     wording[odoo_id % 3])
        services.triage.decide(ref=f"T{odoo_id}", viewer=viewer(services, "lea"),
                               category="policy_ambiguity")
    report = services.triage.retrain()
    assert report.decisions == 30 and report.refitted
    after = dict(services.triage.classify_texts(tickets=[probe])[0].probabilities)
    assert after["policy_ambiguity"] > before["policy_ambiguity"] + 0.1


def test_model_cache_is_keyed_by_the_training_data(sqlite_url: str, tmp_path: Path) -> None:
    settings = Settings(database_url=sqlite_url,
                        triage=TriageSettings(model_dir=tmp_path / "cache"))
    first = Services(ServiceContext(settings=settings))
    try:
        first.triage.classifier()
        cached = sorted((tmp_path / "cache").glob("model-*.npz"))
        assert len(cached) == 1
        stamp = cached[0].stat().st_mtime_ns
    finally:
        first.close()
    second = Services(ServiceContext(settings=settings))  # a new process, same data
    try:
        second.triage.classifier()
        assert [p.stat().st_mtime_ns for p in (tmp_path / "cache").glob("model-*.npz")] == [stamp]
        store_ticket(second, 5, "Who owns the customer master data?")
        second.triage.decide(ref="T5", viewer=viewer(second, "lea"), category="policy_ambiguity")
        second.triage.classifier()  # deciding applies to the ticket, it does not refit
        assert len(list((tmp_path / "cache").glob("model-*.npz"))) == 1
        assert second.triage.retrain().refitted  # the training data changed: a new model
        assert len(list((tmp_path / "cache").glob("model-*.npz"))) == 2
        assert not second.triage.retrain().refitted  # same data again: cached
    finally:
        second.close()


def test_a_corrupt_cache_file_is_refitted_not_trusted(sqlite_url: str, tmp_path: Path) -> None:
    settings = Settings(database_url=sqlite_url,
                        triage=TriageSettings(model_dir=tmp_path / "cache"))
    services = Services(ServiceContext(settings=settings))
    try:
        services.triage.classifier()
        path = next((tmp_path / "cache").glob("model-*.npz"))
        path.write_bytes(b"not a model")
        services.triage._classifier = None  # a fresh start
        verdict = services.triage.classify_texts(tickets=[EXAMPLES["defect"]])[0]
        assert verdict.guess == "defect"
    finally:
        services.close()
