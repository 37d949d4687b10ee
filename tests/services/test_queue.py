"""The live queue: rows from the store, filters, search, order, counts, facets, saved views."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import col

from hypercare.config import RolesSettings, Settings, TriageSettings
from hypercare.errors import UsageError
from hypercare.services import (
    QueueFilter,
    QueueRow,
    ServiceContext,
    Services,
    count_rows,
    facets,
    filter_rows,
)
from hypercare.store.tables import Ticket
from hypercare.store.tickets import upsert_rows
from tests.services.conftest import AGENT, LEAD, NOW, WORLD, seed_world
from tests.support import Clock, viewer

ALL = QueueFilter(status="all")


def refs(rows: list[QueueRow]) -> list[str]:
    return [row.ref for row in rows]


@pytest.fixture
def rows(services: Services) -> list[QueueRow]:
    lea = viewer(services, LEAD)
    return services.queue.load_rows(viewer=lea)


def test_rows_carry_what_the_queue_shows(services: Services, rows: list[QueueRow]) -> None:
    assert len(rows) == len(WORLD)
    by_ref = {row.ref: row for row in rows}
    first = by_ref["HT00001"]
    assert (first.company, first.team, first.app, first.category) == (
        "Acme BE", "Finance", "Accounting", "defect")
    assert (first.severity, first.sla_state, first.sla_minutes_left) == (2, "breached", -120.0)
    assert first.sla_due_at == NOW - timedelta(minutes=120)
    assert first.created_at == NOW - timedelta(hours=50)
    assert first.escalation_level == 2 and first.assignee == "Marc Dupont"
    assert first.stage == "In Progress" and first.is_closed is False
    never = by_ref["HT00006"]
    assert (never.category, never.severity, never.sla_state, never.app) == ("", 0, "", "")
    assert never.sla_minutes_left is None and never.sla_due_at is None
    assert by_ref["HT00007"].is_closed is True
    with pytest.raises(AttributeError):  # rows are immutable
        first.title = "changed"  # type: ignore[misc]


def test_rows_come_oldest_first_and_skip_deleted_and_archived(services: Services) -> None:
    lea = viewer(services, LEAD)
    with services.context.store().session() as session:
        session.execute(update(Ticket).where(col(Ticket.odoo_id) == 4).values(deleted=True))
        session.execute(update(Ticket).where(col(Ticket.odoo_id) == 2).values(active=False))
    loaded = services.queue.load_rows(viewer=lea)
    assert "HT00004" not in refs(loaded) and "HT00002" not in refs(loaded)
    created = [row.created_at for row in loaded]
    assert created == sorted(created)  # type: ignore[type-var]


def test_confidential_titles_are_masked_for_everyone_but_leads(services: Services) -> None:
    lea = viewer(services, LEAD)
    sam = viewer(services, AGENT)
    lead = {row.ref: row for row in services.queue.load_rows(viewer=lea)}["HT00005"]
    agent = {row.ref: row for row in services.queue.load_rows(viewer=sam)}["HT00005"]
    assert lead.title.startswith("Payslip of Jane Doe") and lead.confidential
    assert agent.title == "Confidential ticket" and agent.confidential
    assert "jane" in lead.search_text
    assert "jane" not in agent.search_text and "payslip" not in agent.search_text
    assert "ht00005" in agent.search_text and "payroll" in agent.search_text
    agent_rows = services.queue.load_rows(viewer=sam)
    assert filter_rows(agent_rows, QueueFilter(search="jane")) == []


def test_each_filter_narrows(rows: list[QueueRow]) -> None:
    def pick(**kw: object) -> list[str]:
        return sorted(refs(filter_rows(rows, QueueFilter(**kw))))  # type: ignore[arg-type]

    assert pick() == ["HT00001", "HT00002", "HT00003", "HT00004", "HT00005", "HT00006",
                      "HT00008"]
    assert pick(status="closed") == ["HT00007"]
    assert len(pick(status="all")) == len(WORLD)
    assert pick(company="Acme US") == ["HT00002", "HT00004", "HT00006", "HT00008"]
    assert pick(category="training_gap", status="all") == ["HT00002", "HT00007"]
    assert pick(category="unclassified") == ["HT00004", "HT00006"]
    assert pick(unclassified=True) == ["HT00004", "HT00006"]
    assert pick(severity=2) == ["HT00001", "HT00005"]
    assert pick(sla_state="at_risk") == ["HT00002", "HT00003"]
    assert pick(app="Inventory") == ["HT00002"]  # HT00006 was never classified
    assert pick(team="Logistics") == ["HT00002", "HT00006"]
    assert pick(assignee="Julie Martin") == ["HT00002", "HT00004"]
    assert pick(assignee="-") == ["HT00003", "HT00005", "HT00006", "HT00008"]
    assert pick(escalated=True) == ["HT00001"]
    assert pick(company="Acme US", app="Inventory", sla_state="at_risk") == ["HT00002"]
    with pytest.raises(UsageError, match="status"):
        filter_rows(rows, QueueFilter(status="later"))
    with pytest.raises(UsageError, match="sort"):
        filter_rows(rows, QueueFilter(sort="colour"))


def test_known_issue_filter(services: Services) -> None:
    lea = viewer(services, LEAD)
    issue = services.known_issues.create(title="VAT rounding", viewer=lea,
                                         ticket_refs=("HT00001", "HT00003"))
    rows = services.queue.load_rows(viewer=lea)
    assert {r.ref: r.known_issue for r in rows}["HT00001"] == issue.ref

    def pick(value: str) -> list[str]:
        return sorted(refs(filter_rows(rows, QueueFilter(known_issue=value))))

    assert pick("linked") == ["HT00001", "HT00003"]
    assert pick(issue.ref) == ["HT00001", "HT00003"]
    assert pick("KI-999") == []
    assert "HT00001" not in pick("unlinked") and "HT00002" in pick("unlinked")


def test_search_matches_every_word_in_any_order(rows: list[QueueRow]) -> None:
    def search(text: str) -> list[str]:
        return sorted(refs(filter_rows(rows, QueueFilter(search=text, status="all"))))

    assert search("lot delivery") == ["HT00002"]
    assert search("DELIVERY   lot") == ["HT00002"]
    assert search("julie") == ["HT00002", "HT00004"]
    assert search("ht00008") == ["HT00008"]
    assert search("acme us logistics") == ["HT00002", "HT00006"]
    assert search("ann customer solved") == ["HT00007"]
    assert search("delivery invoice") == []
    assert len(search("   ")) == len(WORLD)


def test_urgency_order(rows: list[QueueRow]) -> None:
    # breached (fewest minutes left first), at risk (equal minutes: severity decides),
    # then the rest: minutes left, no clock last
    assert refs(filter_rows(rows, QueueFilter())) == [
        "HT00008", "HT00001", "HT00005", "HT00003", "HT00002", "HT00004", "HT00006"]
    reverse = filter_rows(rows, QueueFilter(descending=True))
    assert refs(reverse)[0] == "HT00006" and refs(reverse)[-1] == "HT00008"


def test_urgency_breaks_ties_by_severity_then_age() -> None:
    def row(ref: str, severity: int, age: int, state: str = "at_risk",
            minutes: float | None = 10.0) -> QueueRow:
        return QueueRow(int(ref[2:]), ref, ref, "", "", "", "defect", severity, state,
                        minutes, None, "", "", False, 0, "", False,
                        NOW - timedelta(hours=age), None, ref.lower())

    mixed = [row("HT00010", 0, 1), row("HT00011", 3, 1), row("HT00012", 3, 9),
             row("HT00013", 2, 1), row("HT00014", 1, 1, state="on_track", minutes=None),
             row("HT00015", 4, 1, state="breached", minutes=500.0)]
    assert refs(filter_rows(mixed, QueueFilter())) == [
        "HT00015", "HT00013", "HT00012", "HT00011", "HT00010", "HT00014"]


def test_other_orders(rows: list[QueueRow]) -> None:
    def order(sort: str, descending: bool = False) -> list[str]:
        return refs(filter_rows(rows, QueueFilter(status="all", sort=sort,
                                                  descending=descending)))

    assert order("created") == ["HT00007", "HT00008", "HT00001", "HT00005", "HT00002",
                                "HT00003", "HT00004", "HT00006"]
    assert order("created", descending=True)[0] == "HT00006"
    assert order("updated")[0] == "HT00007"
    assert order("severity")[:2] == ["HT00003", "HT00001"] and order("severity")[-1] == "HT00006"
    assert order("ref") == sorted(order("ref"))
    assert order("company")[:4] == ["HT00001", "HT00003", "HT00005", "HT00007"]
    assert order("assignee")[:2] == ["HT00002", "HT00004"]
    assert order("assignee")[-1] == "HT00008"  # unassigned last


def test_counts_and_facets(rows: list[QueueRow]) -> None:
    shown = filter_rows(rows, QueueFilter(status="all"))
    counts = count_rows(len(rows), shown)
    assert (counts.total, counts.shown, counts.open) == (8, 8, 7)
    assert (counts.breached, counts.at_risk) == (3, 2)
    assert (counts.unclassified, counts.escalated) == (2, 1)
    narrow = count_rows(len(rows), filter_rows(rows, QueueFilter(company="Acme US")))
    assert (narrow.total, narrow.shown, narrow.breached, narrow.unclassified) == (8, 4, 1, 2)
    assert count_rows(8, []).shown == 0
    found = facets(rows)
    assert found["company"] == ("Acme BE", "Acme US")
    assert found["assignee"] == ("Julie Martin", "Marc Dupont")
    assert found["category"] == ("defect", "policy_ambiguity", "training_gap", "unclassified")
    assert found["sla_state"] == ("at_risk", "breached", "met", "on_track")
    assert found["known_issue"] == ()
    assert "" not in found["app"] and "Payroll" in found["app"]


def test_saved_views_round_trip(services: Services) -> None:
    urgent = QueueFilter(company="Acme US", severity=2, escalated=True, search="lot",
                         sort="created", descending=True, assignee="-", status="all")
    services.queue.save_view(user=LEAD, name="urgent US", query=urgent)
    services.queue.save_view(user=LEAD, name="a first", query=QueueFilter())
    services.queue.save_view(user=AGENT, name="mine", query=QueueFilter(assignee=AGENT))
    views = services.queue.list_views(user=LEAD)
    assert list(views) == ["a first", "urgent US"]
    assert views["urgent US"] == urgent and views["a first"] == QueueFilter()
    assert list(services.queue.list_views(user=AGENT)) == ["mine"]
    services.queue.save_view(user=LEAD, name="a first", query=QueueFilter(status="closed"))
    assert services.queue.list_views(user=LEAD)["a first"].status == "closed"
    assert services.queue.delete_view(user=LEAD, name="a first")
    assert not services.queue.delete_view(user=LEAD, name="a first")
    assert list(services.queue.list_views(user=LEAD)) == ["urgent US"]
    with pytest.raises(UsageError):
        services.queue.save_view(user=LEAD, name="  ", query=QueueFilter())


def test_fingerprint_moves_only_when_the_queue_may_change(services: Services,
                                                          clock: Clock) -> None:
    lea = viewer(services, LEAD)
    queue = services.queue
    first = queue.fingerprint()
    assert queue.fingerprint() == first
    services.queue.load_rows(viewer=lea)
    services.queue.save_view(user=LEAD, name="v", query=QueueFilter())
    assert queue.fingerprint() == first  # reading and saving views change nothing shown

    services.triage.decide(ref="HT00004", viewer=lea, category="defect")
    after_decision = queue.fingerprint()
    assert after_decision != first

    with services.context.store().session() as session:  # what a sync does to a ticket
        upsert_rows(Ticket, [{"odoo_id": 4, "ref": "HT00004", "title": "Logo missing",
                              "tags": [], "updated_at": NOW + timedelta(minutes=5),
                              "synced_at": NOW + timedelta(minutes=5)}], session=session)
    after_sync = queue.fingerprint()
    assert after_sync != after_decision

    clock.advance(hours=30)
    services.sla.sweep()
    after_sweep = queue.fingerprint()
    assert after_sweep != after_sync
    assert queue.fingerprint() == after_sweep

    services.sla.acknowledge(escalation_id=1, viewer=lea)
    assert queue.fingerprint() != after_sweep


@pytest.mark.postgres
def test_rows_and_fingerprint_on_postgres(pg_url: str, model_dir: Path, clock: Clock) -> None:
    settings = Settings(database_url=pg_url, roles=RolesSettings(leads=[LEAD]),
                        triage=TriageSettings(model_dir=model_dir))
    services = Services(ServiceContext(settings=settings, clock=clock))
    try:
        services.system.upgrade_db()
        seed_world(services)
        lea, sam = viewer(services, LEAD), viewer(services, AGENT)
        services.known_issues.create(title="VAT", viewer=lea, ticket_refs=("HT00001",))
        rows = {row.ref: row for row in services.queue.load_rows(viewer=sam)}
        first = rows["HT00001"]
        assert first.created_at == NOW - timedelta(hours=50)
        assert first.sla_due_at == NOW - timedelta(minutes=120)
        assert (first.escalation_level, first.known_issue[:3], first.is_closed) == (2, "KI-",
                                                                                   False)
        assert rows["HT00005"].title == "Confidential ticket" and rows["HT00005"].confidential
        assert rows["HT00006"].category == "" and rows["HT00006"].sla_due_at is None
        created = [row.created_at for row in services.queue.load_rows(viewer=lea)]
        assert created == sorted(created)  # type: ignore[type-var]
        before = services.queue.fingerprint()
        assert services.queue.fingerprint() == before
        services.sla.escalate(ref="HT00002", viewer=lea)
        assert services.queue.fingerprint() != before
    finally:
        services.close()
