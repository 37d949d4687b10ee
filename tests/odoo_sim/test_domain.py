"""Domain evaluator properties, checked against the seeded store directly."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hypercare.odoo.sim import OdooSimulator
from hypercare.odoo.sim.errors import OdooValueError
from tests.odoo_sim.conftest import make

M = "helpdesk.ticket"


@pytest.fixture(scope="module")
def sim() -> OdooSimulator:
    return make(tickets=120)  # not started: the store is enough


def leaves() -> st.SearchStrategy[tuple[str, str, Any]]:
    return st.one_of(
        st.tuples(st.just("priority"), st.sampled_from(["=", "!=", ">", "<="]),
                  st.sampled_from(["0", "1", "2", "3"])),
        st.tuples(st.just("stage_id"), st.sampled_from(["=", "!="]),
                  st.sampled_from([1, 2, 3, 4, 5, False])),
        st.tuples(st.just("user_id"), st.sampled_from(["=", "!="]),
                  st.sampled_from([False, 3, 4, 5])),
        st.tuples(st.just("name"), st.sampled_from(["ilike", "not ilike", "like"]),
                  st.sampled_from(["vat", "Invoice", "how", "x"])),
        st.tuples(st.just("write_date"), st.sampled_from([">", "<", ">="]),
                  st.sampled_from(["2025-03-06", "2025-03-09 12:00:00", "2025-03-12T08:00:00"])),
        st.tuples(st.just("tag_ids"), st.sampled_from(["in", "not in"]),
                  st.sampled_from([[1], [2, 3], []])),
        st.tuples(st.just("sla_fail"), st.just("="), st.booleans()),
    )


def ids(sim: OdooSimulator, domain: list[Any]) -> set[int]:
    return set(sim.store.search(M, domain, active_test=False))


SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(leaf=leaves())
def test_not_is_complement(sim: OdooSimulator, leaf: tuple[str, str, Any]) -> None:
    everything = ids(sim, [])
    assert ids(sim, ["!", leaf]) == everything - ids(sim, [leaf])


@SETTINGS
@given(a=leaves(), b=leaves())
def test_or_is_union_and_is_intersection(sim: OdooSimulator, a: Any, b: Any) -> None:
    assert ids(sim, ["|", a, b]) == ids(sim, [a]) | ids(sim, [b])
    assert ids(sim, ["&", a, b]) == ids(sim, [a]) & ids(sim, [b])
    assert ids(sim, [a, b]) == ids(sim, ["&", a, b])


@SETTINGS
@given(values=st.lists(st.sampled_from([1, 2, 3, 4, 5, False]), min_size=1, max_size=4))
def test_in_is_or_of_equals(sim: OdooSimulator, values: list[Any]) -> None:
    union: set[int] = set()
    for v in values:
        union |= ids(sim, [("stage_id", "=", v)])
    assert ids(sim, [("stage_id", "in", values)]) == union
    assert ids(sim, [("stage_id", "not in", values)]) == ids(sim, []) - union


@pytest.mark.parametrize("fold", [True, False])
def test_dotted_path_matches_manual_join(sim: OdooSimulator, fold: bool) -> None:
    stages = sim.store.tables["helpdesk.stage"]
    manual = {rid for rid, rec in sim.store.tables[M].items()
              if rec["stage_id"] and stages[rec["stage_id"]]["fold"] == fold}
    assert ids(sim, [("stage_id.fold", "=", fold)]) == manual
    assert ids(sim, [("fold", "=", fold)]) == manual
    assert ids(sim, [("stage_id", "any", [("fold", "=", fold)])]) == manual


def test_company_path_and_active_test(sim: OdooSimulator) -> None:
    teams = sim.store.tables["helpdesk.team"]
    company = sim.store.tables["res.company"][1]["name"]
    manual = {rid for rid, rec in sim.store.tables[M].items()
              if rec["team_id"] and teams[rec["team_id"]]["company_id"] == 1}
    assert ids(sim, [("team_id.company_id.name", "=", company)]) == manual
    active = set(sim.store.search(M, []))
    archived = {rid for rid, rec in sim.store.tables[M].items() if not rec["active"]}
    assert archived and active.isdisjoint(archived)
    assert set(sim.store.search(M, [("active", "=", False)])) == archived


def test_misc_operators(sim: OdooSimulator) -> None:
    assert ids(sim, [("user_id", "=?", False)]) == ids(sim, [])
    assert ids(sim, [("name", "=ilike", "%vat%")]) == ids(sim, [("name", "ilike", "vat")])
    assert ids(sim, [("user_id", "ilike", "sofie")]) == ids(
        sim, [("user_id.name", "ilike", "sofie")])
    assert ids(sim, [("partner_id", "child_of", [])]) == set()
    with pytest.raises(OdooValueError):
        sim.store.search(M, [("nope", "=", 1)])
    with pytest.raises(OdooValueError):
        sim.store.search(M, [("name", "~", 1)])
