"""create/write/message_post side effects: dates, chatter and tracking values."""

from __future__ import annotations

from hypercare.odoo.sim import OdooSimulator
from tests.odoo_sim.conftest import NOW, kw


def test_write_tracks_stage_and_user(fresh19: OdooSimulator) -> None:
    tid = kw(fresh19, "helpdesk.ticket", "create",
             [{"name": "Label printer", "team_id": 1, "tag_ids": [(6, 0, [1, 2])]}])["result"]
    assert isinstance(tid, int)
    kw(fresh19, "helpdesk.ticket", "write", [[tid], {"stage_id": 4, "user_id": 3,
                                                     "tag_ids": [(3, 1), (4, 3)]}])
    row = kw(fresh19, "helpdesk.ticket", "read", [[tid], ["tag_ids", "close_date", "write_date",
                                                         "assign_date", "fold"]])["result"][0]
    stamp = NOW.strftime("%Y-%m-%d %H:%M:%S")
    assert sorted(row["tag_ids"]) == [2, 3]
    assert row["close_date"] == row["write_date"] == row["assign_date"] == stamp
    assert row["fold"] is True
    msgs = kw(fresh19, "mail.message", "search_read",
              [[("model", "=", "helpdesk.ticket"), ("res_id", "=", tid)],
               ["message_type", "subtype_id", "tracking_value_ids"]],
              {"order": "id asc"})["result"]
    assert msgs[0]["subtype_id"][1] == "Ticket Created"
    tracking = msgs[-1]
    assert tracking["message_type"] == "notification"
    assert tracking["subtype_id"][1] == "Stage Changed"
    values = kw(fresh19, "mail.tracking.value", "read",
                [tracking["tracking_value_ids"], ["field_id", "old_value_char", "new_value_char",
                                                  "new_value_integer"]])["result"]
    by_field = {v["field_id"][1]: v for v in values}
    assert by_field["Stage"]["old_value_char"] == "New"
    assert by_field["Stage"]["new_value_char"] == "Solved"
    assert by_field["Assigned to"]["new_value_integer"] == 3


def test_message_post(fresh19: OdooSimulator) -> None:
    tid = fresh19.store.search("helpdesk.ticket", [], limit=1)[0]
    note = kw(fresh19, "helpdesk.ticket", "message_post", [[tid]],
              {"body": "<p>internal</p>", "message_type": "comment",
               "subtype_xmlid": "mail.mt_note"})["result"]
    reply = kw(fresh19, "helpdesk.ticket", "message_post", [[tid]],
               {"body": "<p>hello</p>", "message_type": "comment",
                "subtype_xmlid": "mail.mt_comment"})["result"]
    rows = kw(fresh19, "mail.message", "read", [[note, reply], ["is_internal", "subtype_id",
                                                                "author_id", "body"]])["result"]
    assert [r["is_internal"] for r in rows] == [True, False]
    assert rows[1]["subtype_id"][1] == "Discussions"
    assert rows[0]["author_id"][1] == "Mitchell Admin"


def test_name_search_and_context(fresh19: OdooSimulator) -> None:
    found = kw(fresh19, "res.users", "name_search", [],
               {"name": "sofie.claes@partner", "limit": 5})["result"]
    assert found and found[0][1] == "Sofie Claes"
    ctx = kw(fresh19, "res.users", "context_get", [])["result"]
    assert ctx["uid"] == 2 and ctx["lang"] == "en_US"
    assert "group_ids" in kw(fresh19, "res.users", "fields_get", [])["result"]
