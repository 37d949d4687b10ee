"""One unit of work: ``Store.transaction`` yields the one session every service call inside
uses; it commits once, or not at all; a failed inner block undoes only itself."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hypercare.store.engine import Store
from hypercare.store.triage_records import get_state, set_state

NOW = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)


def stored(store: Store, key: str) -> str | None:
    with store.session() as session:
        return get_state(key, session=session)


def test_calls_inside_a_transaction_share_its_session_and_commit_together(store: Store) -> None:
    with store.transaction() as tx:
        with store.session() as first:
            set_state("decision", "training_gap", now=NOW, session=first)
        with store.session() as second:
            assert first is tx and second is tx
            assert get_state("decision", session=second) == "training_gap"  # sees its own write
            set_state("outbox", "note queued", now=NOW, session=second)
        with store.transaction() as nested:  # a nested unit joins the outer one
            assert nested is tx
    assert (stored(store, "decision"), stored(store, "outbox")) == ("training_gap", "note queued")


def test_a_failure_anywhere_leaves_nothing_behind(store: Store) -> None:
    with pytest.raises(RuntimeError, match="Odoo note failed"), store.transaction():
        with store.session() as session:
            set_state("decision", "defect", now=NOW, session=session)
        raise RuntimeError("Odoo note failed")
    assert stored(store, "decision") is None


def test_a_failed_inner_block_undoes_only_itself(store: Store) -> None:
    with store.transaction():
        with store.session() as session:
            set_state("kept", "yes", now=NOW, session=session)
        with pytest.raises(ValueError), store.session() as session:
            set_state("undone", "yes", now=NOW, session=session)
            raise ValueError("refused")
    assert (stored(store, "kept"), stored(store, "undone")) == ("yes", None)


def test_a_rehearsal_sees_its_writes_and_keeps_none(store: Store) -> None:
    with store.rehearsal() as tx:
        set_state("dry", "run", now=NOW, session=tx)
        with store.session() as session:
            assert get_state("dry", session=session) == "run"
    assert stored(store, "dry") is None
