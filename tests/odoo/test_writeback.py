"""Write modes: forbidden writes raise, allowed writes show up when read back."""

from __future__ import annotations

import pytest

from hypercare.errors import OdooWriteForbiddenError
from hypercare.odoo import ChatterReader, HelpdeskReader, Writeback, connect

from .conftest import SimFactory, settings_for

TRANSPORTS = [("jsonrpc", False), ("json2", True)]


def test_off_forbids_every_write_but_allows_reads(make_sim: SimFactory) -> None:
    sim = make_sim("enterprise", "17.0")
    client = connect(settings_for(sim))
    writer = Writeback(client, "off")
    with pytest.raises(OdooWriteForbiddenError) as info:
        writer.create_ticket(title="x")
    assert "create a ticket" in info.value.message and "'create_and_note'" in info.value.message
    assert "HYPERCARE_ODOO__WRITE_MODE" in info.value.hint
    with pytest.raises(OdooWriteForbiddenError, match="internal note"):
        writer.post_note(1, "x")
    assert writer.find_user_by_email("nobody@nowhere.invalid") is None
    assert client.stats.calls("helpdesk.ticket", "mail.message") == 0


@pytest.mark.parametrize("flavor", ["enterprise", "oca"])
@pytest.mark.parametrize(("protocol", "key"), TRANSPORTS)
def test_create_and_note(make_sim: SimFactory, flavor: str, protocol: str, key: bool) -> None:
    sim = make_sim(flavor, "19.0")
    client = connect(settings_for(sim, key=key, protocol=protocol))
    writer = Writeback(client, "create_and_note")
    reader = HelpdeskReader(client)
    team = min(reader.reference().teams)
    ticket_id = writer.create_ticket(
        title="Invoice <PDF> broken", description="Line one\n\nLine & two", priority=2, team_id=team
    )
    [ticket] = reader.map_tickets(reader.page_tickets([("id", "=", ticket_id)], limit=None))
    assert ticket.team is not None and ticket.team.id == team
    assert ticket.company == reader.reference().teams[team].company
    assert ticket.title == "Invoice <PDF> broken"
    assert ticket.description == "Line one\n\nLine & two"
    assert ticket.priority == 2
    message_id = writer.post_note(ticket_id, "Looking into it <b>now</b>")
    batch = ChatterReader(client).read([ticket_id])
    [note] = [m for m in batch.messages if m.id == message_id]
    assert note.kind == "internal_note"
    assert note.body_text == "Looking into it <b>now</b>"
    assert note.author_is_internal
    with pytest.raises(OdooWriteForbiddenError, match="'full'"):
        writer.post_reply(ticket_id, "hello customer")
    with pytest.raises(OdooWriteForbiddenError, match="'full'"):
        writer.assign(ticket_id, client.info.uid)


@pytest.mark.parametrize("flavor", ["enterprise", "oca"])
def test_full_mode_tags_assignment_and_reply(make_sim: SimFactory, flavor: str) -> None:
    sim = make_sim(flavor, "17.0")
    client = connect(settings_for(sim))
    writer = Writeback(client, "full")
    reader = HelpdeskReader(client)
    ticket_id = writer.create_ticket(title="Stock moves stuck", team_id=min(reader.teams()))
    writer.add_tag(ticket_id, "hypercare-known-issue")
    writer.add_tag(ticket_id, "hypercare-known-issue")
    user = writer.find_user_by_email("admin")
    assert user is not None and user.is_internal
    writer.assign(ticket_id, user.id)
    [ticket] = reader.map_tickets(reader.page_tickets([("id", "=", ticket_id)], limit=None))
    assert ticket.tags == ("hypercare-known-issue",)
    assert ticket.assignee is not None and ticket.assignee.id == user.id
    assert writer.remove_tag(ticket_id, "hypercare-known-issue")
    assert not writer.remove_tag(ticket_id, "no-such-tag")
    [ticket] = reader.map_tickets(reader.page_tickets([("id", "=", ticket_id)], limit=None))
    assert ticket.tags == ()
    reply_id = writer.post_reply(ticket_id, "We fixed it.")
    kinds = {m.id: m.kind for m in ChatterReader(client).read([ticket_id]).messages}
    assert kinds[reply_id] == "public_reply"
