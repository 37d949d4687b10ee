"""Raising an issue: created in Odoo once per submit, classified, queued while Odoo is down."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from hypercare.errors import UsageError
from hypercare.odoo.sim import OdooSimulator
from hypercare.services import RaiseRequest, Services
from hypercare.services.intake.raising import priority, validate
from tests.support import new_services, sqlite_settings, viewer
from tests.sync.conftest import make_sim, odoo_settings

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def sim() -> Iterator[OdooSimulator]:
    simulator = make_sim(flavor="enterprise", version="19.0", tickets=60, now=NOW)
    try:
        yield simulator
    finally:
        simulator.stop()


def make_services(sim: OdooSimulator, tmp_path: Path, **odoo: Any) -> Services:
    settings = sqlite_settings(tmp_path / "raise.db", model_dir=tmp_path / "models",
                               odoo=odoo_settings(sim, protocol="json2", **odoo),
                               timezone="Europe/Brussels")
    services = new_services(settings, clock=lambda: NOW)
    services.sync.run_sync()
    return services


@pytest.fixture
def services(sim: OdooSimulator, tmp_path: Path) -> Iterator[Services]:
    made = make_services(sim, tmp_path)
    try:
        yield made
    finally:
        sim.clear_faults()
        made.close()


def blocked_invoice(**changes: Any) -> RaiseRequest:
    values: dict[str, Any] = {
        "title": "Cannot post customer invoices since this morning",
        "what_happened": "Clicking Confirm on INV/2026/0042 shows an access error.",
        "expected": "The invoice is posted.", "app": "Accounting", "impact": "blocked",
        "users_affected": 12, "urgency": "today", "reporter_email": "anna@acme.example",
        "company": "Acme Industries BE"}
    values.update(changes)
    return RaiseRequest(**values)


def odoo_tickets_named(sim: OdooSimulator, title: str) -> list[dict[str, Any]]:
    table = sim.store.tables["helpdesk.ticket"]
    return [table[i] for i in sim.store.search("helpdesk.ticket", [("name", "=", title)])]


def test_raise_creates_one_classified_ticket_in_odoo(services: Services,
                                                      sim: OdooSimulator) -> None:
    request = blocked_invoice(title="Cannot post invoices (raise 1)")
    u1 = viewer(services, "U1")
    raised = services.raising.raise_issue(request=request, idempotency_key="view-1:U1",
                                          viewer=u1, channel="C1", thread_ts="1.1")
    assert raised.state == "created" and raised.odoo_id is not None
    assert raised.odoo_ref and raised.severity in (1, 2, 3, 4) and raised.url
    assert raised.due_at is not None  # the SLA clock was evaluated right away
    created = odoo_tickets_named(sim, request.title)
    assert len(created) == 1
    body = str(created[0].get("description"))
    assert "Expected: The invoice is posted." in body and "12 user(s)" in body
    assert f"hypercare reference: {raised.local_ref} (" in body
    assert str(created[0].get("priority")) == "3"
    again = services.raising.raise_issue(request=request, idempotency_key="view-1:U1",
                                         viewer=u1)
    assert again.id == raised.id and again.odoo_id == raised.odoo_id
    assert len(odoo_tickets_named(sim, request.title)) == 1


def test_odoo_down_queues_then_delivers(services: Services, sim: OdooSimulator) -> None:
    request = blocked_invoice(title="Stock moves stuck (raise 2)", app="Inventory")
    sim.inject_fault("http_503", count=200)
    queued = services.raising.raise_issue(request=request, idempotency_key="view-2:U1",
                                          viewer=viewer(services, "U1"))
    assert queued.state == "queued" and queued.local_ref.startswith("HC-")
    assert "cannot be reached" in queued.message and queued.local_ref in queued.message
    assert odoo_tickets_named(sim, request.title) == []
    assert services.raising.deliver_pending() == []  # still down: nothing lost, nothing made
    sim.clear_faults()
    delivered = services.raising.deliver_pending()
    assert [d.id for d in delivered] == [queued.id]
    assert delivered[0].state == "created" and delivered[0].odoo_ref
    assert len(odoo_tickets_named(sim, request.title)) == 1


def test_plus_one_links_the_known_issue(services: Services) -> None:
    lea = viewer(services, "lea")  # no roles.leads: everyone is a lead
    issue = services.known_issues.create(title="Invoices cannot be posted", viewer=lea)
    services.known_issues.set_workaround(known_issue_id=issue.id, text="Post from the list view",
                                         viewer=lea)
    raised = services.raising.raise_issue(
        request=blocked_invoice(title="Same invoice problem (raise 3)",
                                known_issue_id=issue.id), idempotency_key="view-3:U2",
        viewer=viewer(services, "U2"))
    assert raised.known_issue == f"KI-{issue.id}"
    assert raised.workaround == "Post from the list view"


def test_write_mode_off_keeps_the_report(sim: OdooSimulator, tmp_path: Path) -> None:
    services = make_services(sim, tmp_path, write_mode="off")
    try:
        request = blocked_invoice(title="Kept locally (raise 4)")
        kept = services.raising.raise_issue(request=request, idempotency_key="view-4:U3",
                                            viewer=viewer(services, "U3"))
        assert kept.state == "kept" and "write_mode is off" in kept.message
        assert odoo_tickets_named(sim, request.title) == []
    finally:
        services.close()


def test_validation_names_each_field() -> None:
    errors = validate(RaiseRequest(title="", what_happened=" ", impact="meh", urgency="later",
                                   users_affected=0, affected_email="not-an-email"))
    assert set(errors) == {"title", "what_happened", "impact", "urgency", "users_affected",
                           "affected_email"}
    assert validate(blocked_invoice()) == {}
    assert validate(blocked_invoice(what_happened="x" * 3001)).keys() == {"what_happened"}


def test_invalid_request_is_refused_before_anything_is_stored(services: Services) -> None:
    with pytest.raises(UsageError, match="title"):
        services.raising.raise_issue(request=blocked_invoice(title=""), idempotency_key="k",
                                     viewer=viewer(services, "U1"))


def test_priority_follows_impact_and_urgency() -> None:
    assert priority(blocked_invoice()) == 3
    assert priority(blocked_invoice(users_affected=2, urgency="this_week")) == 2
    assert priority(blocked_invoice(impact="degraded", urgency="no_rush")) == 1
    assert priority(blocked_invoice(impact="cosmetic")) == 0


def test_a_crash_after_creating_does_not_create_twice(services: Services,
                                                      sim: OdooSimulator) -> None:
    request = blocked_invoice(title="Crash between create and mark (raise 5)")
    sim.inject_fault("http_503", count=200)
    queued = services.raising.raise_issue(request=request, idempotency_key="view-5:U1",
                                          viewer=viewer(services, "U1"))
    sim.clear_faults()
    # the process creates the ticket in Odoo, then dies before recording it
    original = services.raising._mark
    services.raising._mark = lambda *a, **k: "crashed"  # type: ignore[method-assign]
    services.raising._attempt(queued.id)
    services.raising._mark = original  # type: ignore[method-assign]
    assert len(odoo_tickets_named(sim, request.title)) == 1
    original(queued.id, "queued", error="crashed")  # what the store knew before the crash
    delivered = services.raising.deliver_pending()
    assert [d.state for d in delivered] == ["created"]
    assert len(odoo_tickets_named(sim, request.title)) == 1
