"""The Odoo 19 JSON-2 API through httpx."""

from __future__ import annotations

import httpx

from hypercare.odoo.sim import OdooSimulator
from tests.odoo_sim.conftest import json2

ERROR_KEYS = {"name", "message", "arguments", "context", "debug"}


def test_search_read_returns_bare_result(sim19: OdooSimulator) -> None:
    response = json2(sim19, "helpdesk.ticket", "search_read", {
        "domain": [["write_date", ">", "2025-03-10 00:00:00"]],
        "fields": ["name", "stage_id", "write_date"], "order": "write_date asc, id asc",
        "limit": 5, "context": {"active_test": False}})
    assert response.status_code == 200
    rows = response.json()
    assert isinstance(rows, list) and len(rows) == 5
    assert rows == sorted(rows, key=lambda r: (r["write_date"], r["id"]))


def test_bearer_scheme_is_case_insensitive(sim19: OdooSimulator) -> None:
    for scheme in ("bearer", "Bearer", "BEARER"):
        response = httpx.post(sim19.url + "/json/2/res.users/context_get", json={},
                              headers={"Authorization": f"{scheme} sim-api-key"})
        assert response.status_code == 200 and response.json()["uid"] == 2


def test_unauthorized(sim19: OdooSimulator) -> None:
    assert json2(sim19, "helpdesk.ticket", "search", {"domain": []}, key="bad").status_code == 401
    response = httpx.post(sim19.url + "/json/2/helpdesk.ticket/search", json={"domain": []})
    assert response.status_code == 401 and set(response.json()) == ERROR_KEYS


def test_database_header(sim19: OdooSimulator) -> None:
    ok = json2(sim19, "helpdesk.ticket", "search_count", {"domain": []},
               **{"X-Odoo-Database": "hypercare"})
    assert ok.status_code == 200 and ok.json() > 0
    assert json2(sim19, "helpdesk.ticket", "search_count", {"domain": []},
                 **{"X-Odoo-Database": "other"}).status_code == 404


def test_unknown_model_and_method(sim19: OdooSimulator) -> None:
    response = json2(sim19, "no.model", "search", {"domain": []})
    assert response.status_code == 404
    assert response.json()["message"] == "the model 'no.model' does not exist"
    assert json2(sim19, "helpdesk.ticket", "explode", {}).status_code == 404
    assert httpx.post(sim19.url + "/json/2/helpdesk.ticket").status_code == 404


def test_argument_errors_are_422(sim19: OdooSimulator) -> None:
    response = json2(sim19, "helpdesk.ticket", "search_read", {"domian": []})
    assert response.status_code == 422
    assert response.json()["message"] == "got an unexpected keyword argument 'domian'"
    missing = json2(sim19, "helpdesk.ticket", "search", {})
    assert missing.status_code == 422
    assert missing.json()["message"] == "missing a required argument: 'domain'"
    with_ids = json2(sim19, "helpdesk.ticket", "search_read", {"ids": [1], "domain": []})
    assert with_ids.status_code == 422


def test_read_and_load_null(sim19: OdooSimulator) -> None:
    rows = json2(sim19, "helpdesk.ticket", "read",
                 {"ids": [1, 2], "fields": ["stage_id"], "load": None}).json()
    assert [r["id"] for r in rows] == [1, 2]
    assert all(isinstance(r["stage_id"], int) for r in rows)


def test_status_codes_for_orm_errors(fresh19: OdooSimulator) -> None:
    missing = json2(fresh19, "helpdesk.ticket", "write", {"ids": [999999], "vals": {"name": "x"}})
    assert missing.status_code == 404
    assert missing.json()["name"] == "odoo.exceptions.MissingError"
    fresh19.deny_access("sale.order")
    denied = json2(fresh19, "sale.order", "search_read", {"domain": []})
    assert denied.status_code == 403 and set(denied.json()) == ERROR_KEYS
    bad = json2(fresh19, "helpdesk.ticket", "create", {"vals_list": [{"priority": "9",
                                                                       "name": "x"}]})
    assert bad.status_code == 500 and bad.json()["name"] == "builtins.ValueError"
    required = json2(fresh19, "helpdesk.ticket", "create", {"vals_list": [{"priority": "1"}]})
    assert required.status_code == 422


def test_create_returns_list_of_ids(fresh19: OdooSimulator) -> None:
    response = json2(fresh19, "helpdesk.ticket", "create",
                     {"vals_list": {"name": "Printer down", "team_id": 1}})
    assert response.status_code == 200
    (new_id,) = response.json()
    row = json2(fresh19, "helpdesk.ticket", "read", {"ids": [new_id],
                                                     "fields": ["stage_id"]}).json()[0]
    assert row["stage_id"][1] == "New"


def test_json2_absent_before_19(sim17: OdooSimulator) -> None:
    assert json2(sim17, "helpdesk.ticket", "search", {"domain": []}).status_code == 404
