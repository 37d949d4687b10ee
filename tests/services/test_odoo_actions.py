"""Notes and the live chatter against the Odoo simulator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hypercare.config import Settings
from hypercare.errors import ConfigError, OdooUnreachableError
from hypercare.odoo.sim import OdooSimulator
from hypercare.services import ChatterView, ServiceContext, Services
from tests.services.conftest import LEAD
from tests.support import ServicesFactory, sqlite_settings, viewer
from tests.sync.conftest import client_for, make_sim, odoo_settings

TICKET = "helpdesk.ticket"


@pytest.fixture
def world(tmp_path: Path, model_dir: Path) -> Iterator[tuple[OdooSimulator, Services]]:
    sim = make_sim(flavor="enterprise", version="19.0", tickets=15)
    settings = sqlite_settings(tmp_path / "odoo.db", model_dir=model_dir,
                               odoo=odoo_settings(sim, protocol="json2"))
    try:
        with ServicesFactory(clock=sim.now) as build:
            services = build(settings)
            services.sync.run_sync()
            yield sim, services
    finally:
        sim.stop()


def first_ref(services: Services) -> tuple[int, str]:
    ticket = services.tickets.list_tickets(viewer=viewer(services, LEAD))[0]
    return ticket.odoo_id, ticket.ref


def test_a_queued_note_lands_in_the_chatter(world: tuple[OdooSimulator, Services]) -> None:
    sim, services = world
    lea = viewer(services, LEAD)
    odoo_id, ref = first_ref(services)
    assert services.tickets.add_note(ref=ref, body="Called Ann: works again\n\nClosing soon",
                                     viewer=lea) == f"note queued for {ref}"
    report = services.writeback.deliver()
    assert (report.done, report.dead) == (1, 0)
    client = client_for(sim)
    rows = client.search_read("mail.message", [("model", "=", TICKET), ("res_id", "=", odoo_id),
                                               ("is_internal", "=", True)], ["body"])
    bodies = [str(r["body"]) for r in rows]
    assert sum(f"[hypercare] {LEAD}: Called Ann: works again" in b for b in bodies) == 1
    chatter = services.tickets.fetch_chatter(ref=ref, viewer=lea)
    note = chatter[-1]
    assert note.kind == "internal_note"
    assert note.body == f"[hypercare] {LEAD}: Called Ann: works again\n\nClosing soon"


def test_fetch_chatter_reads_the_ticket_messages(world: tuple[OdooSimulator, Services]) -> None:
    sim, services = world
    lea = viewer(services, LEAD)
    odoo_id, ref = first_ref(services)
    chatter = services.tickets.fetch_chatter(ref=ref, viewer=lea)
    assert chatter and all(isinstance(m, ChatterView) for m in chatter)
    expected = len(client_for(sim).search("mail.message", [("model", "=", TICKET),
                                                           ("res_id", "=", odoo_id)]))
    assert len(chatter) == expected
    times = [m.at for m in chatter]
    assert None not in times and times == sorted(times)  # type: ignore[type-var]
    assert {m.kind for m in chatter} <= {"public_reply", "customer_message", "internal_note",
                                         "tracking", "system"}
    assert all("<p>" not in m.body for m in chatter)  # plain text, not Odoo's HTML
    assert any(m.author for m in chatter)
    tracked = [m for m in chatter if m.kind == "tracking"]
    assert all(" -> " in m.body for m in tracked)  # field changes spelled out


def test_fetch_chatter_says_when_odoo_is_down(world: tuple[OdooSimulator, Services]) -> None:
    sim, services = world
    lea = viewer(services, LEAD)
    _, ref = first_ref(services)
    sim.stop()
    with pytest.raises(OdooUnreachableError, match="cannot reach Odoo") as failed:
        services.tickets.fetch_chatter(ref=ref, viewer=lea)
    assert "HYPERCARE_ODOO__URL" in failed.value.hint


def test_fetch_chatter_without_odoo(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'none.db'}")
    services = Services(ServiceContext(settings=settings))
    try:
        from tests.services.conftest import seed_world

        seed_world(services)
        with pytest.raises(ConfigError, match="no Odoo is configured") as failed:
            services.tickets.fetch_chatter(ref="HT00001", viewer=viewer(services, LEAD))
        assert "HYPERCARE_ODOO__URL" in failed.value.hint
    finally:
        services.close()
