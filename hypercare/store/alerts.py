"""Queries on SLA clocks, escalations, the outbox and the write-back queue."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import and_, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from hypercare.store.batches import rows_by_key
from hypercare.store.tables import (
    Escalation,
    OutboxMessage,
    SlackPost,
    SlaClock,
    WritebackTask,
)
from hypercare.store.tickets import as_read, aware_utc, upsert_rows


def save_clocks(rows: Sequence[Mapping[str, Any]], *, session: Session) -> int:
    return upsert_rows(SlaClock, rows, session=session, key=("ticket_odoo_id",))


def clocks_for(odoo_ids: Iterable[int], *, session: Session) -> dict[int, SlaClock]:
    return rows_by_key(SlaClock, SlaClock.ticket_odoo_id, odoo_ids, session=session)


def escalations_for(subjects: Iterable[str], *, session: Session) -> dict[str, list[Escalation]]:
    wanted = list(subjects)
    found: dict[str, list[Escalation]] = {s: [] for s in wanted}
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start : start + 5000]
        for row in session.exec(select(Escalation).where(col(Escalation.subject).in_(chunk))
                                .order_by(col(Escalation.id))):
            found[row.subject].append(row)
    return found


class EscalationKeys(NamedTuple):
    """What an SLA sweep reads of an escalation on record (plain values, no ORM object):
    what :class:`hypercare.triage.escalation.ExistingEscalation` holds."""

    trigger_key: str
    level: int
    status: str
    created_at: datetime | None
    approved_at: datetime | None
    triggers: tuple[str, ...]


def escalation_keys(subjects: Iterable[str], *,
                    session: Session) -> dict[str, list[EscalationKeys]]:
    """The escalations of each subject as :class:`EscalationKeys`, oldest first: what
    :func:`escalations_for` reads, without building ORM objects."""
    wanted = list(subjects)
    found: dict[str, list[EscalationKeys]] = {s: [] for s in wanted}
    table = Escalation.__table__  # type: ignore[attr-defined]
    connection = session.connection()
    made = EscalationKeys._make
    for start in range(0, len(wanted), 5000):
        statement = (sa_select(table.c.subject, table.c.trigger_key, table.c.level,
                               table.c.status, as_read(table.c.created_at),
                               as_read(table.c.approved_at), as_read(table.c.triggers))
                     .where(table.c.subject.in_(wanted[start : start + 5000]))
                     .order_by(table.c.id))
        for subject, key, level, status, created, approved, triggers in connection.execute(
                statement).fetchall():
            if isinstance(triggers, str):  # JSON text on SQLite; psycopg decodes it
                triggers = json.loads(triggers)
            found[subject].append(made((key, level, status, aware_utc(created),
                                        aware_utc(approved), tuple(triggers))))
    return found


def escalations_with_status(statuses: Sequence[str], *, limit: int,
                            session: Session) -> tuple[list[Escalation], int]:
    """Escalations in one of ``statuses``, newest first (at most ``limit``), and their count."""
    from sqlmodel import func

    where = col(Escalation.status).in_(list(statuses))
    rows = list(session.exec(select(Escalation).where(where)
                             .order_by(col(Escalation.created_at).desc(),
                                       col(Escalation.id).desc()).limit(limit)))
    total = session.exec(select(func.count()).select_from(Escalation).where(where)).one()
    return rows, int(total or 0)


def outbox_by_key(key: str, *, session: Session) -> OutboxMessage | None:
    return session.exec(select(OutboxMessage).where(OutboxMessage.idempotency_key == key)).first()


def sent_since(recipient: str, since: datetime, *, session: Session) -> int:
    """Messages queued or sent to ``recipient`` since ``since`` (suppressed ones excluded)."""
    rows = session.exec(select(OutboxMessage.recipients).where(
        col(OutboxMessage.created_at) >= since,
        col(OutboxMessage.state).in_(("pending", "sending", "sent"))))
    return sum(1 for recipients in rows if recipient in recipients)


def list_outbox(*, state: str | None = None, limit: int = 200,
                session: Session) -> list[OutboxMessage]:
    statement = select(OutboxMessage).order_by(col(OutboxMessage.id).desc()).limit(limit)
    if state:
        statement = statement.where(OutboxMessage.state == state)
    return list(session.exec(statement))


def outbox_with_key_prefix(kind: str, prefix: str, *, session: Session) -> list[OutboxMessage]:
    """Outbox rows of ``kind`` whose idempotency key starts with ``prefix``, oldest first."""
    statement = (select(OutboxMessage)
                 .where(OutboxMessage.kind == kind,
                        col(OutboxMessage.idempotency_key).startswith(prefix, autoescape=True))
                 .order_by(col(OutboxMessage.id)))
    return list(session.exec(statement))


def writeback_by_key(key: str, *, session: Session) -> WritebackTask | None:
    return session.exec(select(WritebackTask)
                        .where(WritebackTask.idempotency_key == key)).first()


def due_writebacks(now: datetime, *, limit: int = 100, session: Session) -> list[WritebackTask]:
    statement = (select(WritebackTask)
                 .where(WritebackTask.state == "pending",
                        col(WritebackTask.next_attempt_at) <= now)
                 .order_by(col(WritebackTask.id)).limit(limit))
    return list(session.exec(statement))


def due_outbox(now: datetime, *, in_doubt_before: datetime, batch_before: datetime,
               limit: int, session: Session) -> list[OutboxMessage]:
    """Messages to deliver now, oldest first: pending ones whose time has come (an at-risk
    batch once its window closed), and "sending" ones claimed before ``in_doubt_before``
    (their deliverer died: were they sent?)."""
    pending = and_(col(OutboxMessage.state) == "pending",
                   or_(col(OutboxMessage.next_attempt_at).is_(None),
                       col(OutboxMessage.next_attempt_at) <= now),
                   or_(col(OutboxMessage.kind) != "at_risk_batch",
                       col(OutboxMessage.created_at) <= batch_before))
    in_doubt = and_(col(OutboxMessage.state) == "sending",
                    col(OutboxMessage.claimed_at) < in_doubt_before)
    statement = (select(OutboxMessage).where(or_(pending, in_doubt))
                 .order_by(col(OutboxMessage.id)).limit(limit))
    return list(session.exec(statement))


def claim_outbox(message_id: int, *, state: str, attempts: int, now: datetime,
                 session: Session) -> bool:
    """Take one message for delivery, unless another deliverer took it since it was read
    (compare-and-set on its state and attempt count). True when it is ours."""
    statement = (update(OutboxMessage)
                 .where(col(OutboxMessage.id) == message_id,
                        col(OutboxMessage.state) == state,
                        col(OutboxMessage.attempts) == attempts)
                 .values(state="sending", claimed_at=now, attempts=attempts + 1))
    result = session.execute(statement)
    return bool(getattr(result, "rowcount", 0) == 1)


def slack_post(subject: str, recipient: str, *, session: Session) -> SlackPost | None:
    return session.exec(select(SlackPost).where(SlackPost.subject == subject,
                                                SlackPost.recipient == recipient)).first()


def slack_post_at(channel: str, ts: str, *, session: Session) -> SlackPost | None:
    return session.exec(select(SlackPost).where(SlackPost.channel == channel,
                                                SlackPost.ts == ts)).first()


def dead_outbox(*, limit: int, session: Session) -> list[OutboxMessage]:
    statement = (select(OutboxMessage).where(OutboxMessage.state == "dead")
                 .order_by(col(OutboxMessage.id).desc()).limit(limit))
    return list(session.exec(statement))


def newest_ids(*, session: Session) -> tuple[int, int]:
    """The highest escalation id and outbox id so far (0 when none): what came after is new."""
    from sqlalchemy import func

    escalation = session.exec(select(func.max(Escalation.id))).one()
    outbox = session.exec(select(func.max(OutboxMessage.id))).one()
    return int(escalation or 0), int(outbox or 0)


def written_after(escalation_id: int, outbox_id: int, *,
                  session: Session) -> tuple[list[Escalation], list[OutboxMessage]]:
    """Escalations and outbox rows with ids above these, oldest first."""
    escalations = session.exec(select(Escalation).where(col(Escalation.id) > escalation_id)
                               .order_by(col(Escalation.id))).all()
    messages = session.exec(select(OutboxMessage).where(col(OutboxMessage.id) > outbox_id)
                            .order_by(col(OutboxMessage.id))).all()
    return list(escalations), list(messages)


def escalation_by_key(subject: str, trigger_key: str, *,
                      session: Session) -> Escalation | None:
    """The escalation of ``subject`` for one trigger (unique per subject and key)."""
    return session.exec(select(Escalation).where(Escalation.subject == subject,
                                                 Escalation.trigger_key == trigger_key)).first()


def escalation_at(subject: str, level: int, *, session: Session) -> Escalation | None:
    """The escalation of ``subject`` at ``level`` (one per subject and level)."""
    return session.exec(select(Escalation).where(Escalation.subject == subject,
                                                 Escalation.level == level)).first()
