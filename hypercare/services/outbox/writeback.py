"""Write-back to Odoo through a queue: nothing is lost while Odoo is down.

A service that decides something Odoo should know (an internal note, a tag, an
assignee) queues a task with an idempotency key in the same transaction as the
decision. ``deliver`` (the ``writeback_retry`` job) makes the due writes; a failure
is retried with exponential backoff (1, 2, 4 ... minutes, at most an hour), and a
write Odoo or ``write_mode`` can never accept goes to ``dead`` with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hypercare.errors import (
    HypercareError,
    OdooAccessError,
    OdooModelMissingError,
    OdooWriteForbiddenError,
)
from hypercare.services.context import ServiceContext
from hypercare.store import alerts
from hypercare.store.tables import WritebackTask

OPERATIONS = ("post_note", "post_reply", "add_tag", "remove_tag", "assign", "close")
MAX_ATTEMPTS = 12
PERMANENT = (OdooWriteForbiddenError, OdooAccessError, OdooModelMissingError)


@dataclass(frozen=True)
class WritebackReport:
    """What one delivery round did."""

    done: int
    retrying: int
    dead: int
    errors: tuple[str, ...] = ()


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after ``attempts`` failures (1, 2, 4 ... 60 minutes)."""
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


class WritebackService:
    """Queues writes to Odoo and makes them when Odoo answers."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def queue(self, *, ticket_odoo_id: int, operation: str, payload: dict[str, Any],
              key: str) -> bool:
        """Queue one write; False when ``key`` was queued before (never written twice)."""
        if operation not in OPERATIONS:
            raise ValueError(f"unknown write-back operation {operation!r}")
        now = self._context.clock()
        with self._context.store().session() as session:
            if alerts.writeback_by_key(key, session=session) is not None:
                return False
            session.add(WritebackTask(ticket_odoo_id=ticket_odoo_id, operation=operation,
                                      payload=payload, idempotency_key=key,
                                      next_attempt_at=now, created_at=now))
        return True

    def deliver(self, *, limit: int = 100) -> WritebackReport:
        """Make the writes that are due; failures wait their backoff, none is dropped."""
        now = self._context.clock()
        with self._context.store().session() as session:
            due = alerts.due_writebacks(now, limit=limit, session=session)
        if not due:
            return WritebackReport(0, 0, 0)
        done = retrying = dead = 0
        errors: list[str] = []
        try:
            writer = self._writer()
        except HypercareError as exc:  # Odoo down or misconfigured: everyone waits
            for task in due:
                self._failed(task, exc, now, permanent=False)
            return WritebackReport(0, len(due), 0, (exc.message,))
        try:
            for task in due:
                try:
                    _apply(writer, task)
                except HypercareError as exc:
                    permanent = isinstance(exc, PERMANENT)
                    state = self._failed(task, exc, now, permanent=permanent)
                    dead += state == "dead"
                    retrying += state == "pending"
                    errors.append(exc.message)
                    continue
                self._done(task, now)
                done += 1
        finally:
            writer.client.close()
        return WritebackReport(done, retrying, dead, tuple(errors))

    def _writer(self) -> Any:
        from hypercare.odoo import Writeback

        if self._context.connect_odoo is None:
            raise HypercareError("no Odoo is configured to write back to",
                                 hint="Set HYPERCARE_ODOO__URL and friends.")
        client = self._context.connect_odoo()
        return Writeback(client, self._context.settings.odoo.write_mode)

    def _failed(self, task: WritebackTask, exc: HypercareError, now: datetime, *,
                permanent: bool) -> str:
        with self._context.store().session() as session:
            row = session.get(WritebackTask, task.id)
            assert row is not None
            row.attempts += 1
            row.last_error = exc.message
            if permanent or row.attempts >= MAX_ATTEMPTS:
                row.state = "dead"
            else:
                row.next_attempt_at = now + backoff(row.attempts)
            session.add(row)
            return row.state

    def _done(self, task: WritebackTask, now: datetime) -> None:
        with self._context.store().session() as session:
            row = session.get(WritebackTask, task.id)
            assert row is not None
            row.state, row.done_at, row.attempts = "done", now, row.attempts + 1
            session.add(row)


def _apply(writer: Any, task: WritebackTask) -> None:
    payload = task.payload
    if task.operation == "post_note":
        writer.post_note(task.ticket_odoo_id, payload["text"])
    elif task.operation == "post_reply":
        writer.post_reply(task.ticket_odoo_id, payload["text"])
    elif task.operation == "add_tag":
        writer.add_tag(task.ticket_odoo_id, payload["tag"])
    elif task.operation == "close":
        writer.close_ticket(task.ticket_odoo_id)
    elif task.operation == "remove_tag":
        writer.remove_tag(task.ticket_odoo_id, payload["tag"])
    else:
        writer.assign(task.ticket_odoo_id, payload.get("user_id"))
