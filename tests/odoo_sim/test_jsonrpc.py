"""JSON-RPC through the real odoorpc client and raw envelopes."""

from __future__ import annotations

import httpx
import odoorpc
import pytest

from hypercare.odoo.sim import OdooSimulator
from tests.odoo_sim.conftest import json2, kw, rpc


def connect(sim: OdooSimulator) -> odoorpc.ODOO:
    port = int(sim.url.rsplit(":", 1)[1])
    return odoorpc.ODOO("127.0.0.1", port=port, timeout=10)


@pytest.mark.parametrize("which", ["sim17", "sim19"])
def test_odoorpc_login_and_search_read(which: str, request: pytest.FixtureRequest) -> None:
    sim: OdooSimulator = request.getfixturevalue(which)
    odoo = connect(sim)
    assert odoo.version == sim.config.version
    odoo.login("hypercare", "admin", "admin")
    assert odoo.env.uid == 2
    rows = odoo.env["helpdesk.ticket"].search_read(
        [("stage_id.fold", "=", False)], ["name", "stage_id", "user_id", "write_date"], limit=5)
    assert rows and all(set(r) == {"id", "name", "stage_id", "user_id", "write_date"}
                        for r in rows)


def test_odoorpc_login_with_api_key(sim19: OdooSimulator) -> None:
    odoo = connect(sim19)
    odoo.login("hypercare", "admin", "sim-api-key")
    assert odoo.env["res.users"].search_count([("share", "=", False)]) > 20


def test_wrong_password(sim17: OdooSimulator) -> None:
    assert rpc(sim17, "common", "login", "hypercare", "admin", "nope")["result"] is False
    assert rpc(sim17, "common", "authenticate", "hypercare", "admin", "nope", {})[
        "result"] is False
    with pytest.raises(odoorpc.error.RPCError):
        connect(sim17).login("hypercare", "admin", "wrong")
    body = kw(sim17, "helpdesk.ticket", "search", [[]], password="wrong")
    assert body["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"


def test_unknown_database(sim17: OdooSimulator) -> None:
    body = rpc(sim17, "common", "login", "nodb", "admin", "admin")
    assert body["error"]["data"]["name"] == "psycopg2.OperationalError"
    assert 'database "nodb" does not exist' in body["error"]["data"]["message"]


@pytest.mark.parametrize(("which", "code"), [("sim17", 200), ("sim19", 0)])
def test_error_envelope_shape(which: str, code: int, request: pytest.FixtureRequest) -> None:
    sim: OdooSimulator = request.getfixturevalue(which)
    body = kw(sim, "no.such.model", "search", [[]])
    assert body["jsonrpc"] == "2.0" and body["id"] == 1 and "result" not in body
    error = body["error"]
    assert error["code"] == code and error["message"] == "Odoo Server Error"
    data = error["data"]
    assert set(data) == {"name", "message", "arguments", "context", "debug"}
    assert data["name"] == "odoo.exceptions.UserError"
    assert data["message"] == "Object no.such.model doesn't exist"


def test_malformed_json(sim17: OdooSimulator) -> None:
    response = httpx.post(sim17.url + "/jsonrpc", content=b"{not json",
                          headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.text == "Invalid JSON data"


def test_version_endpoints(sim17: OdooSimulator, sim19: OdooSimulator) -> None:
    info = httpx.post(sim19.url + "/web/webclient/version_info",
                      json={"jsonrpc": "2.0", "id": 3, "params": {}}).json()
    assert info["id"] == 3
    assert info["result"]["server_version_info"] == [19, 0, 0, "final", 0, ""]
    assert httpx.get(sim19.url + "/json/version").json()["version"] == "19.0"
    assert httpx.get(sim17.url + "/web/version").json()["version_info"][0] == 17
    assert httpx.get(sim17.url + "/json/version").status_code == 404
    assert rpc(sim17, "common", "version")["result"]["server_serie"] == "17.0"


def test_value_formats(sim17: OdooSimulator) -> None:
    rows = kw(sim17, "helpdesk.ticket", "search_read",
              [[("user_id", "=", False)], ["user_id", "stage_id", "tag_ids", "create_date",
                                           "close_date", "priority"]],
              {"limit": 1, "context": {"active_test": False}})["result"]
    row = rows[0]
    assert row["user_id"] is False and row["close_date"] is False
    stage_id, stage_name = row["stage_id"]
    assert isinstance(stage_id, int) and isinstance(stage_name, str)
    assert all(isinstance(t, int) for t in row["tag_ids"])
    assert len(row["create_date"]) == 19 and row["create_date"][10] == " "
    assert row["priority"] in {"0", "1", "2", "3"}
    bare = kw(sim17, "helpdesk.ticket", "read", [[row["id"]], ["stage_id"]],
              {"load": None})["result"]
    assert bare == [{"id": row["id"], "stage_id": stage_id}]


def test_fields_get_honours_attributes(sim17: OdooSimulator) -> None:
    fields = kw(sim17, "helpdesk.ticket", "fields_get", [],
                {"attributes": ["type", "relation", "selection", "store"]})["result"]
    assert fields["stage_id"] == {"type": "many2one", "relation": "helpdesk.stage",
                                  "store": True}
    assert fields["sla_fail"]["store"] is False
    assert ["3", "Urgent"] in fields["priority"]["selection"]
    users = kw(sim17, "res.users", "fields_get", [], {"attributes": ["type"]})["result"]
    assert "groups_id" in users


def test_access_hooks(fresh19: OdooSimulator) -> None:
    fresh19.deny_access("crm.lead")
    body = kw(fresh19, "crm.lead", "search_read", [[], ["name"]])
    assert body["error"]["data"]["name"] == "odoo.exceptions.AccessError"
    fresh19.hide_fields("helpdesk.ticket", ["sla_fail"])
    assert "sla_fail" not in kw(fresh19, "helpdesk.ticket", "fields_get", [])["result"]
    body = kw(fresh19, "helpdesk.ticket", "search_read", [[], ["sla_fail"]], {"limit": 1})
    assert "Invalid field" in body["error"]["data"]["message"]
    fresh19.remove_model("helpdesk.sla")
    body = kw(fresh19, "helpdesk.sla", "search", [[]])
    assert body["error"]["data"]["message"] == "Object helpdesk.sla doesn't exist"
    assert kw(fresh19, "ir.model", "search", [[("model", "=", "helpdesk.sla")]])["result"] == []


def test_grouping(sim17: OdooSimulator, sim19: OdooSimulator) -> None:
    groups = kw(sim17, "helpdesk.ticket", "read_group",
                [[], ["stage_id"], ["stage_id"]], {"lazy": True})["result"]
    total = kw(sim17, "helpdesk.ticket", "search_count", [[]])["result"]
    assert sum(g["stage_id_count"] for g in groups) == total
    body = kw(sim17, "helpdesk.ticket", "formatted_read_group", [[], ["stage_id"]])
    assert body["error"]["data"]["name"] == "builtins.AttributeError"
    days = kw(sim19, "helpdesk.ticket", "formatted_read_group", [[], ["create_date:day"]],
              {"aggregates": ["__count", "user_id:count_distinct"]})["result"]
    assert sum(g["__count"] for g in days) == kw(sim19, "helpdesk.ticket", "search_count",
                                                  [[]])["result"]
    assert all(len(g["create_date:day"]) == 2 for g in days)


def test_money_groups_by_company_in_its_currency(sim17: OdooSimulator,
                                                 sim19: OdooSimulator) -> None:
    """Grouping account.move by ``company_id`` gives the company as ``[id, name]`` with its
    domain, and res.company gives each company's currency as ``[id, code]``, like Odoo's
    read_group (17/18) and formatted_read_group (19, JSON-RPC and JSON-2)."""
    domain = [["move_type", "in", ["out_invoice", "out_refund"]], ["state", "=", "posted"]]
    fields = ["currency_id"]
    for sim in (sim17, sim19):
        companies = kw(sim, "res.company", "search_read", [[], fields])["result"]
        currencies = {c["name"]: c["currency_id"][1] for c in kw(
            sim, "res.company", "search_read", [[], ["name", "currency_id"]])["result"]}
        assert currencies == {"Acme Industries BE": "EUR", "Acme Industries US": "USD"}
        assert all(set(c) == {"id", "currency_id"} and c["currency_id"][0] for c in companies)
        moves = sim.store.tables["account.move"].values()
        sums = {cid: sum(m["amount_residual_signed"] for m in moves if m["company_id"] == cid
                         and m["move_type"] in ("out_invoice", "out_refund")
                         and m["state"] == "posted") for cid in (1, 2)}
        names = {cid: sim.store.tables["res.company"][cid]["name"] for cid in (1, 2)}
        classic = kw(sim, "account.move", "read_group",
                     [domain, ["amount_residual_signed:sum"], ["company_id"]],
                     {"lazy": False})["result"]
        assert [(g["company_id"], g["__count"] > 0, g["__domain"][0]) for g in classic] == [
            ([cid, names[cid]], True, ["company_id", "=", cid]) for cid in (1, 2)]
        assert {g["company_id"][0]: g["amount_residual_signed"] for g in classic} == \
            pytest.approx(sums)
    body = {"domain": domain, "groupby": ["company_id", "move_type"],
            "aggregates": ["__count", "amount_residual_signed:sum"]}
    over_rpc = kw(sim19, "account.move", "formatted_read_group", [domain],
                  {k: v for k, v in body.items() if k != "domain"})["result"]
    over_json2 = json2(sim19, "account.move", "formatted_read_group", body).json()
    assert over_rpc == over_json2 and over_rpc
    for group in over_rpc:
        cid = group["company_id"][0]
        assert group["company_id"] == [cid, sim19.store.tables["res.company"][cid]["name"]]
        assert group["__extra_domain"][0] == ["company_id", "=", cid]
    refunds = [g for g in over_rpc if g["move_type"] == "out_refund"]
    assert all(g["amount_residual_signed:sum"] <= 0 for g in refunds)  # credit notes signed
