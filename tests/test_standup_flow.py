"""Known issues, decisions, backlog and the stand-up, end to end on a synced simulator."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from hypercare.cli import main
from hypercare.config import OdooSettings
from hypercare.errors import HypercareError
from hypercare.odoo.sim import OdooSimulator
from hypercare.services import Services, Viewer
from tests.support import Clock, ServicesFactory, sqlite_settings, viewer, watching
from tests.sync.conftest import client_for, make_sim, odoo_settings


@pytest.fixture
def world(tmp_path: Path, model_dir: Path) -> Iterator[tuple[OdooSimulator, Services, Clock]]:
    sim = make_sim(flavor="enterprise", version="19.0", tickets=80)
    clock = Clock(sim.now())
    odoo: OdooSettings = odoo_settings(sim, protocol="json2")
    settings = sqlite_settings(tmp_path / "flow.db", model_dir=model_dir, odoo=odoo,
                               timezone="Europe/Brussels")
    try:
        with ServicesFactory(clock=clock) as build:
            services = build(settings)
            services.sync.run_sync()
            watching(services)  # the command center has been watching since go-live
            services.sla.sweep()
            yield sim, services, clock
    finally:
        sim.stop()


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("flow-models")


def lea(services: Services) -> Viewer:
    """The command-center lead (no ``roles.leads`` here: everyone is one)."""
    return viewer(services, "lea")


def open_refs(services: Services, n: int) -> list[str]:
    return [t.ref for t in services.tickets.list_tickets(viewer=lea(services),
                                                         open_only=True)][:n]


def test_known_issue_links_suggests_and_broadcasts(world: tuple[OdooSimulator, Services,
                                                                Clock]) -> None:
    _, services, _ = world
    refs = open_refs(services, 3)
    first = services.tickets.show_ticket(ref=refs[0], viewer=lea(services)).ticket
    issue = services.known_issues.create(title=first.title, viewer=lea(services), severity=2,
                                         ticket_refs=tuple(refs[:2]))
    assert issue.linked == 2 and issue.ref == f"KI-{issue.id}"
    suggestions = services.known_issues.suggest(title=first.title, description=first.description)
    assert suggestions and suggestions[0].known_issue_id == issue.id
    services.known_issues.set_workaround(known_issue_id=issue.id, viewer=lea(services),
                                         text="Post the invoice from the list view meanwhile")
    services.known_issues.link(known_issue_id=issue.id, ref=refs[2], viewer=lea(services))
    services.known_issues.set_status(known_issue_id=issue.id, status="fix_in_test",
                                     viewer=lea(services))
    shown = services.known_issues.show(known_issue_id=issue.id)
    assert shown.status == "fix_in_test" and shown.linked == 3 and shown.workaround_at
    ticket = services.tickets.show_ticket(ref=refs[0], viewer=lea(services)).ticket
    assert ticket.known_issue == issue.ref and ticket.workaround.startswith("Post the invoice")
    broadcasts = [m for m in services.sla.list_outbox() if m.kind == "known_issue_broadcast"]
    assert broadcasts and all(m.recipients[0].startswith("email:") for m in broadcasts)
    assert {m.payload["known_issue"]["ref"] for m in broadcasts} == {issue.ref}
    # two changes (workaround, status) reach the reporters of the linked tickets
    assert len({m.idempotency_key.split(":")[2] for m in broadcasts}) == 2


def test_overdue_decision_escalates_to_owner_then_sponsor(world: tuple[OdooSimulator, Services,
                                                                       Clock]) -> None:
    _, services, clock = world
    today = clock().date()
    decision = services.decisions.create(
        question="Who may release a credit hold above 10k EUR?", owner="U0FINANCE",
        viewer=lea(services),
        due_date=today - timedelta(days=1),
        options=(("Finance only", "slower orders"), ("Sales manager", "credit risk")))
    first = services.sla.sweep()
    assert first.new_escalations.get("decision_overdue") == 1
    assert "decision_overdue_sponsor" not in first.new_escalations
    clock.advance(days=2)
    later = services.sla.sweep()
    assert later.new_escalations.get("decision_overdue_sponsor") == 1
    overdue = [m for m in services.sla.list_outbox() if m.kind == "decision_overdue"]
    assert {m.recipients[0] for m in overdue} == {"U0FINANCE", "L4"}
    decided = services.decisions.decide(decision_id=decision.id, outcome="Finance only",
                                        viewer=viewer(services, "cfo"), spawn_backlog=True)
    assert decided.status == "decided"
    backlog = services.backlog.items()
    assert backlog and backlog[0].links == (f"decision:{decision.id}",)


def test_released_backlog_item_broadcasts_its_known_issue(world: tuple[OdooSimulator,
                                                                       Services, Clock]) -> None:
    _, services, _ = world
    issue = services.known_issues.create(title="VAT rounding on invoices", viewer=lea(services),
                                         ticket_refs=tuple(open_refs(services, 1)))
    item = services.backlog.add(type="fix", title="Fix VAT rounding", viewer=lea(services),
                                links=(f"known_issue:{issue.id}",)).item
    services.backlog.set_status(item_id=item.id, status="released", viewer=lea(services))
    assert services.known_issues.show(known_issue_id=issue.id).status == "fix_released"
    assert any(m.kind == "known_issue_broadcast" and "fix_released" in m.idempotency_key
               for m in services.sla.list_outbox())


def test_standup_agenda_decisions_undo_and_minutes(world: tuple[OdooSimulator, Services,
                                                               Clock]) -> None:
    _, services, clock = world
    agenda = services.standup.agenda()
    assert [s.key for s in agenda.sections][:2] == ["actions", "severe"]
    items = agenda.items()
    assert items, "a go-live always has exceptions"
    assert all(item.why for item in items)
    standup = services.standup.start(viewer=lea(services), attendees=("Lea", "Marc"))
    target = next(i for i in items if i.kind == "ticket")
    services.standup.record(standup_id=standup, item_ref=target.ref, viewer=lea(services),
                            category="defect", severity=2, owner="Marc",
                            next_step="reproduce in staging", due=clock().date())
    detail = services.tickets.show_ticket(ref=target.ref, viewer=lea(services)).ticket
    assert detail.category == "defect" and detail.category_source == "human"
    assert detail.severity == 2
    other = next(i for i in items if i.kind == "ticket" and i.ref != target.ref)
    before = services.tickets.show_ticket(ref=other.ref, viewer=lea(services)).ticket
    services.standup.record(standup_id=standup, item_ref=other.ref, viewer=lea(services),
                            category="policy_ambiguity")
    assert services.standup.undo_last(standup_id=standup, viewer=lea(services)) == other.ref
    after = services.tickets.show_ticket(ref=other.ref, viewer=lea(services)).ticket
    assert (after.category, after.category_source) == (before.category, before.category_source)
    view = services.standup.end(standup_id=standup, viewer=lea(services))
    assert "Lea" in view.minutes and target.ref in view.minutes
    assert "reproduce in staging" in view.minutes
    minutes = services.standup.minutes()
    assert minutes and minutes[0].minutes == view.minutes
    queued = [m for m in services.sla.list_outbox() if m.kind == "standup_minutes"]
    assert len(queued) == 1
    with pytest.raises(HypercareError, match="has ended"):
        services.standup.record(standup_id=standup, item_ref=target.ref,
                                viewer=viewer(services, "x"), category="defect")


def test_undo_window_closes(world: tuple[OdooSimulator, Services, Clock]) -> None:
    _, services, clock = world
    standup = services.standup.start(viewer=lea(services))
    services.standup.record(standup_id=standup, item_ref=open_refs(services, 1)[0],
                            viewer=lea(services), severity=3)
    clock.advance(minutes=6)
    with pytest.raises(HypercareError, match="can no longer be undone"):
        services.standup.undo_last(standup_id=standup, viewer=lea(services))


def test_standup_cli(world: tuple[OdooSimulator, Services, Clock], monkeypatch: pytest.MonkeyPatch,
                     capsys: pytest.CaptureFixture[str], model_dir: Path) -> None:
    sim, services, _ = world
    monkeypatch.setenv("HYPERCARE_DATABASE_URL", str(services.context.settings.database_url))
    monkeypatch.setenv("HYPERCARE_TRIAGE__MODEL_DIR", str(model_dir))
    monkeypatch.setenv("HYPERCARE_TIMEZONE", "Europe/Brussels")
    assert main(["standup", "agenda"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Triage stand-up agenda") and "## Counts" in out
    company = services.tickets.list_tickets(viewer=lea(services))[0].company
    assert main(["standup", "agenda", "--company", company, "--format", "json"]) == 0
    assert f'"scope": "company: {company}"' in capsys.readouterr().out
    assert main(["known", "create", "Invoice PDF shows the wrong VAT total", "--ticket",
                 open_refs(services, 1)[0]]) == 0
    assert "created with 1 tickets" in capsys.readouterr().out
    assert main(["known", "list"]) == 0
    assert "Invoice PDF" in capsys.readouterr().out
    assert main(["decisions", "list"]) == 0
    assert main(["standup", "minutes", "--date", date(2020, 1, 1).isoformat()]) == 1
    assert "no stand-up minutes" in capsys.readouterr().err
    assert sim.url


def test_decisions_become_internal_notes_and_tags_only_when_asked(
        world: tuple[OdooSimulator, Services, Clock]) -> None:
    sim, services, _ = world
    ref = open_refs(services, 1)[0]
    standup = services.standup.start(viewer=lea(services))
    services.standup.record(standup_id=standup, item_ref=ref, viewer=lea(services),
                            category="defect")
    report = services.writeback.deliver()
    assert report.done == 1  # the internal note; no tag (tag_writeback is off)
    odoo_id = services.tickets.show_ticket(ref=ref, viewer=lea(services)).ticket.odoo_id
    notes = client_for(sim).search_read(
        "mail.message", [("model", "=", "helpdesk.ticket"), ("res_id", "=", odoo_id),
                         ("is_internal", "=", True)], ["body"])
    assert any("Hypercare stand-up decision by lea: category -&gt; defect" in str(n["body"])
               or "Hypercare stand-up decision by lea: category -> defect" in str(n["body"])
               for n in notes)


def test_known_issue_without_workaround_escalates_as_a_whole(
        world: tuple[OdooSimulator, Services, Clock]) -> None:
    _, services, clock = world
    issue = services.known_issues.create(title="Bank feed import stopped", viewer=lea(services),
                                         severity=1, ticket_refs=tuple(open_refs(services, 2)))
    clock.advance(days=3)  # S1 workaround target: 2 business hours
    watching(services)  # swept all along: the breach is news
    services.sla.sweep()
    again = services.sla.sweep()
    assert not again.new_escalations.get("breach")  # once: the issue, not each ticket
    messages = [m for m in services.sla.list_outbox()
                if m.payload.get("known_issue", {}).get("id") == issue.id
                and m.kind in ("breach", "escalation")]
    # one escalation of the issue (a second ticket's trigger updates its message in place)
    assert len({m.payload["escalation_id"] for m in messages}) == 1
    assert all(m.payload["known_issue"]["tickets"] == 2 for m in messages)
    assert "workaround_breached" in messages[-1].payload["triggers"]
