"""Delivering the outbox: once per idempotency key, whatever crashes in between.

A front end supplies a :class:`Deliverer` (the bot's renders Block Kit and calls Slack); this
service decides what is due, claims each message (compare-and-set, so two processes never
send the same one), hands it over and records the outcome:

- sent: the Slack channel and ``ts`` are kept, and the message that shows a record (an
  escalation, a known issue) for that recipient is remembered: the next message about the
  same record updates it in place instead of posting again;
- a permanent failure (``channel_not_found``, no such user, ...) goes to dead letters with the
  reason; anything else is retried with backoff (a rate limit waits its ``Retry-After``);
- a message left "sending" by a deliverer that died between "sent" and "marked sent" is in
  doubt: the deliverer looks for it (the bot tags each post with its key) and sends it only
  when it is not there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from hypercare.errors import HypercareError, UsageError
from hypercare.services.access import Viewer
from hypercare.services.context import ServiceContext
from hypercare.services.outbox.notifications import OutboxView, view
from hypercare.store import alerts
from hypercare.store.tables import OutboxMessage, SlackPost

IN_DOUBT_AFTER = timedelta(minutes=2)
"""A message "sending" for longer than this lost its deliverer."""
MAX_ATTEMPTS = 10


@dataclass(frozen=True)
class Posted:
    """Where a message is in Slack."""

    channel: str
    ts: str


@dataclass(frozen=True)
class Delivery:
    """One message to deliver, with what the deliverer needs to render it."""

    message: OutboxView
    recipient: str
    previous: Posted | None = None
    """The message showing the same record to this recipient: update it in place."""
    activity: tuple[dict[str, Any], ...] = ()
    """What people did from that message (``{"who", "what", "at"}``)."""


class DeliveryFailed(HypercareError):
    """A message could not be delivered: ``permanent`` ones become dead letters."""

    def __init__(self, message: str, *, permanent: bool, retry_after: float | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.permanent = permanent
        self.retry_after = retry_after


class Deliverer(Protocol):
    """What a front end provides to deliver messages (the bot: Slack)."""

    def send(self, delivery: Delivery) -> Posted:
        """Post (or update ``delivery.previous``); raise :class:`DeliveryFailed`."""

    def find(self, delivery: Delivery, *, since: datetime) -> Posted | None:
        """The message carrying ``delivery.message.idempotency_key`` if it was posted since
        ``since`` (a deliverer died before recording it), else None."""


@dataclass(frozen=True)
class DeliveryReport:
    """What one delivery round did."""

    sent: int = 0
    updated: int = 0
    recovered: int = 0
    """In-doubt messages found already posted (not sent again)."""
    retrying: int = 0
    dead: int = 0
    errors: tuple[str, ...] = field(default_factory=tuple)

    @property
    def delivered(self) -> int:
        return self.sent + self.updated + self.recovered


@dataclass(frozen=True)
class PostView:
    """A Slack message showing a record, and the outbox message it shows."""

    id: int
    subject: str
    recipient: str
    channel: str
    ts: str
    message: OutboxView | None
    activity: tuple[dict[str, Any], ...]


def subject_of(kind: str, payload: dict[str, Any]) -> str | None:
    """The record a message tracks (updated in place), or None for a one-off message (and
    for a snoozed alert coming back: that one is posted anew, so it is noticed)."""
    if payload.get("reminder"):
        return None
    if payload.get("escalation_id") is not None:
        return f"escalation:{payload['escalation_id']}"
    issue = payload.get("known_issue")
    if kind == "known_issue_broadcast" and isinstance(issue, dict) and issue.get("id"):
        return f"known_issue:{issue['id']}"
    return None


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes, at most an hour."""
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


class DeliveryService:
    """Hands due outbox messages to a deliverer, exactly once per key."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def deliver(self, deliverer: Deliverer, *, limit: int = 50,
                recover: bool = False) -> DeliveryReport:
        """One round: every due message (and every one in doubt) delivered or rescheduled.

        ``recover``: every message left "sending" is in doubt now (a new scheduler owner at
        start: whoever claimed them is gone)."""
        now = self._context.clock()
        batch = timedelta(minutes=self._context.settings.escalation.batch_minutes)
        with self._context.store().session() as session:
            due = [(row.id, row.state, row.attempts, row.claimed_at) for row in
                   alerts.due_outbox(now, in_doubt_before=now if recover
                                     else now - IN_DOUBT_AFTER,
                                     batch_before=now - batch, limit=limit, session=session)]
        counts = {"sent": 0, "updated": 0, "recovered": 0, "retrying": 0, "dead": 0}
        errors: list[str] = []
        for message_id, state, attempts, claimed_at in due:
            assert message_id is not None
            outcome, error = self._one(deliverer, message_id, state, attempts, claimed_at, now)
            if outcome:
                counts[outcome] += 1
            if error:
                errors.append(error)
        return DeliveryReport(**counts, errors=tuple(errors))

    def _one(self, deliverer: Deliverer, message_id: int, state: str, attempts: int,
             claimed_at: datetime | None, now: datetime) -> tuple[str, str]:
        with self._context.store().session() as session:
            if not alerts.claim_outbox(message_id, state=state, attempts=attempts, now=now,
                                       session=session):
                return "", ""  # another deliverer has it
            row = session.get(OutboxMessage, message_id)
            assert row is not None
            session.refresh(row)
            message = view(row)
            recipient = row.recipients[0] if row.recipients else ""
            subject = subject_of(row.kind, row.payload)
            post = alerts.slack_post(subject, recipient, session=session) if subject else None
            delivery = Delivery(message, recipient,
                                Posted(post.channel, post.ts) if post else None,
                                tuple(post.activity) if post else ())
        try:
            found = None
            if delivery.previous is None and claimed_at is not None and (
                    state == "sending" or attempts > 0):
                # in doubt (its deliverer died), or tried before: Slack may have taken it and
                # lost the answer (a timeout, a dropped connection), so look before sending
                found = deliverer.find(delivery, since=claimed_at - timedelta(minutes=1))
            posted = found or deliverer.send(delivery)
        except DeliveryFailed as exc:
            return self._failed(message_id, exc.message, now, permanent=exc.permanent,
                                retry_after=exc.retry_after), exc.message
        except Exception as exc:  # a bug or an unexpected reply: retried, then dead
            reason = f"{type(exc).__name__}: {exc}"[:500]
            return self._failed(message_id, reason, now, permanent=False), reason
        self._sent(message_id, subject, recipient, posted, now)
        if found is not None:
            return "recovered", ""
        return ("updated" if delivery.previous is not None else "sent"), ""

    def _sent(self, message_id: int, subject: str | None, recipient: str, posted: Posted,
              now: datetime) -> None:
        with self._context.store().session() as session:
            row = session.get(OutboxMessage, message_id)
            assert row is not None
            row.state, row.sent_at, row.last_error = "sent", now, ""
            row.channel, row.slack_ts = posted.channel, posted.ts
            session.add(row)
            key = subject or f"outbox:{message_id}"
            post = alerts.slack_post(key, recipient, session=session)
            if post is None:
                post = SlackPost(subject=key, recipient=recipient, channel=posted.channel,
                                 ts=posted.ts, activity=[], updated_at=now)
            post.outbox_id, post.channel, post.ts, post.updated_at = (
                message_id, posted.channel, posted.ts, now)
            session.add(post)

    def _failed(self, message_id: int, reason: str, now: datetime, *, permanent: bool,
                retry_after: float | None = None) -> str:
        with self._context.store().session() as session:
            row = session.get(OutboxMessage, message_id)
            assert row is not None
            row.last_error = reason
            if permanent or row.attempts >= MAX_ATTEMPTS:
                row.state = "dead"
                row.reason = reason if permanent else f"gave up after {row.attempts} attempts"
                outcome = "dead"
            else:
                row.state = "pending"
                wait = (timedelta(seconds=retry_after) if retry_after
                        else backoff(row.attempts))
                row.next_attempt_at = now + wait
                outcome = "retrying"
            session.add(row)
        return outcome

    # -- dead letters ---------------------------------------------------------------------

    def dead_letters(self, *, limit: int = 100) -> list[OutboxView]:
        """Messages that could not be delivered for good, newest first, with the reason."""
        with self._context.store().session() as session:
            return [view(row) for row in alerts.dead_outbox(limit=limit, session=session)]

    def retry(self, *, message_id: int) -> OutboxView:
        """Send a dead letter again (after fixing its cause, e.g. inviting the bot)."""
        with self._context.store().session() as session:
            row = session.get(OutboxMessage, message_id)
            if row is None or row.state != "dead":
                raise UsageError(f"outbox message #{message_id} is not a dead letter",
                                 hint="`hypercare jobs outbox --state dead` lists them.")
            row.state, row.attempts, row.reason = "pending", 0, ""
            row.next_attempt_at, row.claimed_at = self._context.clock(), None
            session.add(row)
            session.flush()
            return view(row)

    # -- the messages people act on --------------------------------------------------------

    def post_at(self, *, channel: str, ts: str) -> PostView | None:
        """The record a Slack message shows (for its buttons), or None."""
        with self._context.store().session() as session:
            post = alerts.slack_post_at(channel, ts, session=session)
            return self._post_view(session, post) if post is not None else None

    def record_activity(self, *, channel: str, ts: str, who: str, what: str) -> PostView:
        """Log what someone did from a message (it is re-rendered with the log)."""
        now = self._context.clock()
        with self._context.store().session() as session:
            post = alerts.slack_post_at(channel, ts, session=session)
            if post is None:
                raise UsageError("this message is not one hypercare tracks any more",
                                 hint="Act from the TUI, or wait for the next alert.")
            post.activity = [*post.activity, {"who": who, "what": what,
                                              "at": now.isoformat()}][-20:]
            post.updated_at = now
            session.add(post)
            session.flush()
            return self._post_view(session, post)

    def snooze(self, *, channel: str, ts: str, viewer: Viewer,
               hours: float = 1.0) -> datetime:
        """The alert comes back (posted anew) after ``hours`` (its recipient or a lead);
        returns when."""
        now = self._context.clock()
        until = now + timedelta(hours=hours)
        with self._context.store().session() as session:
            post = alerts.slack_post_at(channel, ts, session=session)
            row = session.get(OutboxMessage, post.outbox_id) if post and post.outbox_id else None
            if post is None or row is None:
                raise UsageError("this message is not one hypercare tracks any more")
            self._context.access.require(viewer, "snooze", recipients=[post.recipient])
            key = f"{row.idempotency_key}:snooze:{until.isoformat(timespec='minutes')}"
            if alerts.outbox_by_key(key, session=session) is None:
                session.add(OutboxMessage(
                    kind=row.kind, idempotency_key=key, recipients=list(row.recipients),
                    payload={**row.payload, "reminder": True, "snoozed_by": viewer.id},
                    state="pending", next_attempt_at=until, created_at=now))
        return until

    def _post_view(self, session: Any, post: SlackPost) -> PostView:
        row = session.get(OutboxMessage, post.outbox_id) if post.outbox_id else None
        return PostView(id=int(post.id or 0), subject=post.subject, recipient=post.recipient,
                        channel=post.channel, ts=post.ts,
                        message=view(row) if row is not None else None,
                        activity=tuple(post.activity))

