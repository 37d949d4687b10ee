"""The event log: replies, reassignment, reopen, and snapshots when tracking is unreadable."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from hypercare.odoo import HelpdeskReader, OdooClient
from hypercare.odoo.sim import OdooSimulator
from hypercare.services.system.sync import SyncService
from hypercare.store.engine import Store
from hypercare.store.tickets import events_for
from hypercare.sync.runner import TRACKING_NOTE
from tests.sync.conftest import client_for, engine_for, ticket_state

TICKET = "helpdesk.ticket"


def stage_ids(client: OdooClient) -> dict[str, int]:
    """Stage ids by name, plus "Solved": the first closed stage ("Done" on OCA)."""
    stages = HelpdeskReader(client).stages().values()
    by_name = {stage.name: stage.id for stage in stages}
    by_name["Solved"] = min((s for s in stages if s.is_closed), key=lambda s: s.sequence).id
    return by_name


def new_ticket(sim: OdooSimulator, client: OdooClient) -> int:
    team = HelpdeskReader(client).teams()
    team_id = sorted(team)[0]
    values = {"name": "Invoice PDF shows wrong VAT total", "description": "<p>See attached</p>",
              "team_id": team_id, "partner_name": "Ana Ruiz", "partner_email": "ana@x.example"}
    if sim.config.flavor == "oca":
        values["company_id"] = team[team_id].company.id if team[team_id].company else 1
    return client.create(TICKET, values)


def step(sim: OdooSimulator, minutes: int = 10) -> None:
    sim.advance(timedelta(minutes=minutes))


def test_replies_reassignment_and_reopens(
    sim: OdooSimulator, make_store: Callable[[str], Store]
) -> None:
    client = client_for(sim)
    stages = stage_ids(client)
    reader = HelpdeskReader(client)
    staff = reader.map_users(reader.page_users([("share", "=", False)], limit=None))
    consultants = [u.id for u in staff][1:3]
    internal = [u.partner_id for u in staff]
    customer_partner = client.search("res.partner", [("id", "not in", internal)], limit=1)[0]
    ticket = new_ticket(sim, client)
    store = make_store("sqlite")
    engine = engine_for(sim, store, client)
    step(sim)
    client.call(TICKET, "message_post", ids=[ticket], body="<p>It still fails</p>",
                message_type="comment", subtype_xmlid="mail.mt_comment",
                author_id=customer_partner)
    step(sim)
    client.write(TICKET, [ticket], {"user_id": consultants[0], "stage_id": stages["In Progress"]})
    step(sim)
    client.call(TICKET, "message_post", ids=[ticket], body="<p>Looking into it</p>",
                message_type="comment", subtype_xmlid="mail.mt_note")
    step(sim)
    client.call(TICKET, "message_post", ids=[ticket], body="<p>Fixed the tax mapping</p>",
                message_type="comment", subtype_xmlid="mail.mt_comment")
    reply_at = sim.now()
    engine.run()  # sync in the middle of the story: the rest must append, not duplicate
    for _ in range(2):
        step(sim)
        client.write(TICKET, [ticket], {"stage_id": stages["Solved"]})
        step(sim)
        client.write(TICKET, [ticket], {"stage_id": stages["In Progress"]})
    step(sim)
    client.write(TICKET, [ticket], {"user_id": consultants[1]})
    engine.run()

    with store.session() as session:
        log = events_for([ticket], session=session)[ticket]
    kinds = [e.kind for e in log]
    assert kinds[0] == "created"
    assert kinds.count("reopened") == 2
    assert kinds.count("closed") == 2
    assert kinds.count("assigned") == 2
    assert kinds.count("public_reply") == 1
    assert kinds.count("customer_message") >= 1
    assert kinds.count("internal_note") == 1
    assigned = [e for e in log if e.kind == "assigned"]
    assert assigned[-1].from_value == assigned[0].to_value != assigned[-1].to_value
    times = [e.at for e in log]
    assert times == sorted(times)  # type: ignore[type-var]
    stored = ticket_state(store)[ticket]
    assert stored["reopen_count"] == 2
    assert stored["first_response_at"] == reply_at
    assert stored["is_closed"] is False


def test_unreadable_tracking_falls_back_to_snapshots(
    sim: OdooSimulator, make_store: Callable[[str], Store]
) -> None:
    sim.deny_access("mail.tracking.value")
    client = client_for(sim)
    stages = stage_ids(client)
    ticket = new_ticket(sim, client)
    store = make_store("sqlite")
    engine = engine_for(sim, store, client)
    engine.run()
    step(sim)
    client.write(TICKET, [ticket], {"stage_id": stages["Solved"]})
    step(sim)
    report = engine.run()
    step(sim)
    client.write(TICKET, [ticket], {"stage_id": stages["In Progress"]})
    engine.run()
    assert TRACKING_NOTE in report.notes
    with store.session() as session:
        log = events_for([ticket], session=session)[ticket]
    kinds = [e.kind for e in log]
    assert "closed" in kinds and "reopened" in kinds
    assert all(e.source_key.startswith(("snap:", "created", "msg:")) for e in log)
    assert ticket_state(store)[ticket]["reopen_count"] == 1


def test_status_says_when_events_come_from_snapshots(
    sim: OdooSimulator, make_store: Callable[[str], Store]
) -> None:
    from hypercare.config import Settings
    from hypercare.services import ServiceContext

    sim.deny_access("mail.tracking.value")
    store = make_store("sqlite")
    context = ServiceContext(settings=Settings(database_url=str(store.engine.url)),
                             connect_odoo=lambda: client_for(sim), clock=sim.now)
    service = SyncService(context)
    try:
        service.run_sync()
        status = service.sync_status()
    finally:
        service.close()
        context.close()
    assert TRACKING_NOTE in status.runs[0].notes
    assert status.tickets > 0
    assert not status.stale
