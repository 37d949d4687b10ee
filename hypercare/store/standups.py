"""Stand-up records: what was decided per item and field, the history of changes, actions.

An entry is unique per (stand-up, item, field): :func:`set_entry` replaces its value, and
the change that did so stays in ``standup_change`` (:func:`changes`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, delete, select

from hypercare.store.tables import (
    Action,
    BacklogItem,
    KnownIssue,
    KnownIssueTicket,
    PolicyDecision,
    RecordLink,
    Standup,
    StandupChange,
    StandupEntry,
)


def standup(standup_id: int, *, session: Session) -> Standup | None:
    return session.get(Standup, standup_id)


def entries(standup_id: int, *, session: Session) -> list[StandupEntry]:
    """The stand-up's current decisions, in the order they were first taken."""
    statement = (select(StandupEntry).where(StandupEntry.standup_id == standup_id)
                 .order_by(col(StandupEntry.id)))
    return list(session.exec(statement))


def changes(standup_id: int, *, session: Session) -> list[StandupChange]:
    """Every change recorded in the stand-up (undone ones too), oldest first."""
    statement = (select(StandupChange).where(StandupChange.standup_id == standup_id)
                 .order_by(col(StandupChange.id)))
    return list(session.exec(statement))


def item_history(item_ref: str, *, session: Session) -> list[StandupChange]:
    """Every stand-up change on one item, across stand-ups, oldest first."""
    statement = (select(StandupChange).where(StandupChange.item_ref == item_ref)
                 .order_by(col(StandupChange.id)))
    return list(session.exec(statement))


def add_change(change: StandupChange, *, session: Session) -> int:
    session.add(change)
    session.flush()
    assert change.id is not None
    return change.id


def set_entry(*, standup_id: int, item_ref: str, subject: str, field: str, value: Any,
              by: str, at: datetime, session: Session) -> None:
    """The field's value for the item in this stand-up: the last one wins."""
    row = session.exec(select(StandupEntry).where(
        StandupEntry.standup_id == standup_id, StandupEntry.item_ref == item_ref,
        StandupEntry.field == field)).first()
    if row is None:
        row = StandupEntry(standup_id=standup_id, item_ref=item_ref, subject=subject,
                           field=field)
    row.value, row.decided_by, row.decided_at = value, by, at
    session.add(row)
    session.flush()


def drop_entry(*, standup_id: int, item_ref: str, field: str, session: Session) -> None:
    session.execute(delete(StandupEntry).where(
        col(StandupEntry.standup_id) == standup_id, col(StandupEntry.item_ref) == item_ref,
        col(StandupEntry.field) == field))


def item_action(standup_id: int, subject: str, *, session: Session) -> Action | None:
    """The open action this stand-up gave the item, if any (one per item and stand-up)."""
    return session.exec(select(Action).where(
        Action.standup_id == standup_id, Action.subject == subject,
        Action.status == "open").order_by(col(Action.id).desc())).first()


def actions_of(standup_id: int, *, session: Session) -> list[Action]:
    """The actions created in this stand-up."""
    return list(session.exec(select(Action).where(Action.standup_id == standup_id)
                             .order_by(col(Action.id))))


def open_actions_carried(standup_id: int, *, session: Session) -> list[Action]:
    """Actions still open that did not come from this stand-up (carried over)."""
    return list(session.exec(select(Action).where(
        Action.status == "open",
        (col(Action.standup_id) != standup_id) | col(Action.standup_id).is_(None))
        .order_by(col(Action.due_date), col(Action.id))))


def decisions_by_id(ids: list[int], *, session: Session) -> list[PolicyDecision]:
    if not ids:
        return []
    return list(session.exec(select(PolicyDecision).where(col(PolicyDecision.id).in_(ids))
                             .order_by(col(PolicyDecision.id))))


def backlog_by_id(ids: list[int], *, session: Session) -> list[BacklogItem]:
    if not ids:
        return []
    return list(session.exec(select(BacklogItem).where(col(BacklogItem.id).in_(ids))
                             .order_by(col(BacklogItem.id))))


def known_issues_by_id(ids: list[int], *, session: Session) -> list[KnownIssue]:
    if not ids:
        return []
    return list(session.exec(select(KnownIssue).where(col(KnownIssue.id).in_(ids))
                             .order_by(col(KnownIssue.id))))


def drop_record(kind: str, record_id: int, *, session: Session) -> None:
    """Delete a policy question (``decision``), backlog item (``backlog``) or known issue
    (``known_issue``) raised moments ago, with its links (undo)."""
    tables: dict[str, type[PolicyDecision] | type[BacklogItem] | type[KnownIssue]] = {
        "decision": PolicyDecision, "known_issue": KnownIssue, "backlog": BacklogItem}
    table = tables[kind]
    key = f"{kind}:{record_id}"
    session.execute(delete(RecordLink).where(
        (col(RecordLink.source) == key) | (col(RecordLink.target) == key)))
    if kind == "known_issue":
        session.execute(delete(KnownIssueTicket).where(
            col(KnownIssueTicket.known_issue_id) == record_id))
    row = session.get(table, record_id)
    if row is not None:
        session.delete(row)
