"""Backlog scoring and the fit-to-standard guard (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hypercare.triage.scoring import ItemFacts, guard, ranked, score

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def item(ident: int, **changes: Any) -> ItemFacts:
    values: dict[str, Any] = dict(id=ident, enhancement=False, status="proposed", value=3,
                                  risk=3, effort="M", created_at=NOW - timedelta(days=20),
                                  closed_at=None, tickets=0)
    values.update(changes)
    return ItemFacts(**values)


def test_value_risk_and_volume_raise_the_score_effort_lowers_it() -> None:
    base = score(item(1)).score
    assert score(item(1, value=5)).score > base
    assert score(item(1, risk=5)).score > base
    assert score(item(1, tickets=12)).score > score(item(1, tickets=2)).score > base
    assert score(item(1, effort="XL")).score < score(item(1, effort="L")).score < base
    assert score(item(1, effort="S")).score > base


def test_the_explanation_names_every_term_and_the_result() -> None:
    found = score(item(1, value=4, risk=2, effort="L", tickets=7))
    assert found.explanation.startswith("value 4 ×2 · risk 2 ×1.5 · 7 linked tickets +6.0")
    assert "effort L ÷2.5" in found.explanation
    assert found.explanation.endswith(f"= {found.score:g}")
    assert found.score == round((8 + 3 + 6.0) / 2.5, 1)


def test_unassessed_items_count_as_middling_and_say_so() -> None:
    found = score(item(1, value=None, risk=None, effort=""))
    assert found.score == score(item(1)).score
    assert "not assessed" in found.explanation and "value 3?" in found.explanation


def test_ranked_is_highest_first_then_oldest() -> None:
    items = [item(1, value=2), item(2, value=5), item(3, value=2,
                                                      created_at=NOW - timedelta(days=40))]
    assert [s.item_id for s in ranked(items)] == [2, 3, 1]


def test_guard_warns_when_enhancements_grow_week_over_week() -> None:
    old = [item(i) for i in range(1, 7)] + [item(7, enhancement=True)]
    new = [item(8 + i, enhancement=True, created_at=NOW - timedelta(days=2)) for i in range(3)]
    report = guard(old + new, now=NOW)
    assert report.open_items == 10 and report.enhancements == 4
    assert report.previous_share == pytest.approx(1 / 7)
    assert report.share == pytest.approx(0.4)
    assert report.growing and "from 14% to 40%" in report.warning
    calm = guard(old, now=NOW)
    assert not calm.growing and calm.warning == ""


def test_closing_enhancements_is_not_growth() -> None:
    items = [item(1), item(2, enhancement=True),
             item(3, enhancement=True, status="rejected", closed_at=NOW - timedelta(days=1))]
    report = guard(items, now=NOW)
    assert report.enhancements == 1 and not report.growing


def test_seeds_are_enhancements_from_training_gaps_policy_or_change_requests() -> None:
    items = [
        item(1, enhancement=True, ticket_categories=("training_gap", "training_gap")),
        item(2, enhancement=True, ticket_categories=("policy_ambiguity",)),
        item(3, enhancement=True, ticket_categories=("defect",), change_requests=1),
        item(4, enhancement=True, ticket_categories=("defect",)),
        item(5, enhancement=False, ticket_categories=("training_gap",)),
    ]
    seeds = {s.item_id: s.reasons for s in guard(items, now=NOW).seeds}
    assert set(seeds) == {1, 2, 3}
    assert seeds[1] == ("2 linked tickets were a training gap",)
    assert seeds[2] == ("1 linked ticket was a policy question",)
    assert seeds[3] == ("1 linked ticket was a change request",)
