"""Flavour detection, add-ons, and missing optional fields."""

from __future__ import annotations

import pytest

from hypercare.errors import OdooModelMissingError
from hypercare.odoo import HelpdeskReader, connect, detect_schema
from hypercare.odoo.schema import ADDON_ENTERPRISE_SLA, ADDON_OCA_SLA, ADDON_TYPE

from .conftest import SimFactory, settings_for


def test_enterprise_schema(make_sim: SimFactory) -> None:
    schema = detect_schema(connect(settings_for(make_sim("enterprise", "18.0"))))
    assert schema.flavor == "enterprise"
    assert schema.models.stage == "helpdesk.stage" and schema.models.team == "helpdesk.team"
    assert schema.stage_closed_field == "fold"
    assert ADDON_ENTERPRISE_SLA in schema.addons
    assert schema.field("ref") == "ticket_ref"


def test_oca_schema(make_sim: SimFactory) -> None:
    schema = detect_schema(connect(settings_for(make_sim("oca", "17.0"))))
    assert schema.flavor == "oca"
    assert schema.models.stage == "helpdesk.ticket.stage"
    assert schema.models.team == "helpdesk.ticket.team"
    assert schema.stage_closed_field == "closed"
    assert schema.field("ref") == "number"
    assert {ADDON_TYPE, ADDON_OCA_SLA} <= schema.addons


@pytest.mark.parametrize("flavor", ["enterprise", "oca"])
def test_hidden_optional_fields_do_not_break_reads(make_sim: SimFactory, flavor: str) -> None:
    sim = make_sim(flavor, "17.0")
    hidden = ["sla_deadline", "sla_reached_late", "sla_expired", "type_id", "ticket_type_id"]
    sim.hide_fields("helpdesk.ticket", hidden)
    client = connect(settings_for(sim))
    reader = HelpdeskReader(client)
    assert not set(hidden) & set(reader.schema.ticket_read_fields())
    tickets = reader.map_tickets(reader.page_tickets([], limit=None))
    assert tickets
    assert all(t.odoo_sla_deadline is None and t.ticket_type is None for t in tickets)
    assert all(t.odoo_sla_reached_late is None and t.odoo_sla_expired is None for t in tickets)


def test_no_helpdesk_installed(make_sim: SimFactory) -> None:
    sim = make_sim("enterprise", "17.0")
    sim.remove_model("helpdesk.ticket")
    with pytest.raises(OdooModelMissingError, match="no helpdesk") as info:
        detect_schema(connect(settings_for(sim)))
    assert "helpdesk_mgmt" in info.value.hint
