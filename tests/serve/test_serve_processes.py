"""``hypercare serve`` as real processes on one store: one owns the scheduler and another takes
over when it dies; a crash between "decide" and "deliver" neither loses nor doubles a message;
429s delay without loss; SIGTERM stops cleanly and hands the lease back; a serve whose start
fails lets the lock go. Last, SQLite writers wait their turn ("database is locked" no more)."""

from __future__ import annotations

import signal
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from hypercare.config import Settings
from hypercare.services import Services
from hypercare.services.outbox.notifications import enqueue
from hypercare.store.tables import AppState, OutboxMessage
from hypercare.wiring import build_services
from tests.bot.test_delivery import ESCALATION, posts_with_key
from tests.serve.conftest import (
    ALERTS,
    BOT_ONLY_LINE,
    OWNER_LINE,
    ServeProcess,
    ServeWorld,
    wait_until,
)
from tests.slack_mock import Call, MockSlack


def runs_by(services: Services) -> dict[str, str]:
    """Job name -> the process that ran (or runs) it last, for jobs that started."""
    return {s.name: s.owner for s in services.job_records.states() if s.last_started_at}


def runs(services: Services, name: str) -> int:
    return next((s.runs for s in services.job_records.states() if s.name == name), 0)


def role(child: ServeProcess) -> str | None:
    if child.count(OWNER_LINE):
        return "owner"
    if child.count(BOT_ONLY_LINE):
        return "bot-only"
    return None


def utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def queue(services: Services, alerts: dict[str, int]) -> None:
    """Breach alerts (key -> escalation id) for escalation level 2 (no contacts: the alerts
    channel), decided now in one transaction.

    Retried when SQLite answers "database is locked": enqueue reads before it writes, and
    such a transaction fails at once when a serve commits in between (the known limit shown
    by test_a_store_write_after_a_read_waits_for_another_writer).
    """
    for attempt in range(5):
        try:
            with services.context.store().session() as session:
                for key, escalation_id in alerts.items():
                    enqueue(session, services.context.settings, kind="breach", key=key,
                            recipient="L2", now=services.context.clock(), urgent=True,
                            payload={**ESCALATION, "escalation_id": escalation_id})
            return
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == 4:
                raise
            time.sleep(0.2)


def outbox(services: Services, key: str) -> OutboxMessage:
    with services.context.store().session() as session:
        row = session.exec(select(OutboxMessage)
                           .where(OutboxMessage.idempotency_key == key)).one()
        session.expunge(row)
        return row


def describe(row: OutboxMessage, mock: MockSlack) -> str:
    statuses = [c.status for c in calls_with(mock, row.idempotency_key)]
    return (f"{row.idempotency_key}: {row.state}, {row.attempts} attempts, next "
            f"{row.next_attempt_at}, error {row.last_error!r}, Slack answered {statuses}")


def carries(*keys: str) -> Any:
    """Payload filter: a post tagged with one of ``keys`` (the bot's outbox metadata)."""
    def check(payload: dict[str, Any]) -> bool:
        metadata = payload.get("metadata")
        return isinstance(metadata, dict) and \
            (metadata.get("event_payload") or {}).get("key") in keys
    return check


def calls_with(mock: MockSlack, key: str) -> list[Call]:
    """Every chat.postMessage attempt carrying ``key``, whatever Slack answered."""
    return [c for c in mock.calls("chat.postMessage") if carries(key)(c.payload)]


def stored_with(mock: MockSlack, key: str) -> list[dict[str, Any]]:
    """The messages the mock workspace holds in the alerts channel carrying ``key``."""
    return [m for m in mock.workspace.messages.get(ALERTS, []) if carries(key)(m)]


@pytest.mark.parametrize("world", ["postgres", "sqlite"], indirect=True)
def test_one_serve_runs_the_scheduler_and_another_takes_over_when_it_dies(
        world: ServeWorld) -> None:
    first, second = world.serve("a"), world.serve("b")
    wait_until(lambda: role(first) and role(second), what="both serves chose a role\n"
               + world.output())
    assert sorted(str(role(c)) for c in (first, second)) == ["bot-only", "owner"], \
        world.output()
    owner, waiter = (first, second) if role(first) == "owner" else (second, first)

    # the owner's jobs run and are recorded as its own; the other runs none
    wait_until(lambda: runs(world.services, "outbox_deliver") >= 3,
               what="3 delivery rounds\n" + world.output())
    assert set(runs_by(world.services).values()) == {owner.name}, world.output()
    assert world.services.system.scheduler_owner() == owner.name
    status, body = waiter.health()
    assert status == 200 and body["scheduler_owner"] is False
    assert body["scheduler_owned_by"] == owner.name

    killed_at = datetime.now(UTC)
    assert owner.kill() == -signal.SIGKILL
    waiter.wait_line(OWNER_LINE)
    wait_until(lambda: runs_by(world.services).get("outbox_deliver") == waiter.name,
               what="a delivery round run by the survivor\n" + world.output())
    state = next(s for s in world.services.job_records.states() if s.name == "outbox_deliver")
    assert state.last_started_at is not None and utc(state.last_started_at) > killed_at
    wait_until(lambda: world.services.system.scheduler_owner() == waiter.name,
               what="the survivor's heartbeat")
    assert owner.count(BOT_ONLY_LINE) == 0 and waiter.count(OWNER_LINE) == 1


@pytest.mark.parametrize("world", ["sqlite", "postgres"], indirect=True)
def test_a_crash_between_deciding_and_delivering_sends_the_message_exactly_once(
        world: ServeWorld) -> None:
    mock, key = world.mock, f"serve-test:breach:{uuid.uuid4().hex[:8]}"
    # Slack takes the post (stores it, records it) but its answer comes too late
    mock.delay_next("chat.postMessage", 120, where=carries(key))
    queue(world.services, {key: 990_001})
    first = world.serve("a")
    wait_until(lambda: calls_with(mock, key), what="Slack received the post\n" + first.output())
    assert outbox(world.services, key).state == "sending"  # claimed, waiting for Slack
    assert first.proc.poll() is None
    assert first.kill() == -signal.SIGKILL
    assert outbox(world.services, key).state == "sending"  # never marked sent
    assert len(stored_with(mock, key)) == 1

    second = world.serve("b")
    line = second.wait_line("outbox at start:")
    assert "1 found already sent, 0 sent" in line, second.output()
    second.wait_line(OWNER_LINE)
    row = wait_until(lambda: (r := outbox(world.services, key)).state == "sent" and r,
                     what="the message marked sent")
    assert len(posts_with_key(mock, key)) == 1
    assert len(calls_with(mock, key)) == 1  # found in the history, not posted again
    [stored] = stored_with(mock, key)
    assert (row.channel, row.slack_ts) == (ALERTS, stored["ts"])
    assert mock.calls("conversations.history")


def test_messages_queued_while_slack_rate_limits_are_delivered_once_later(
        world: ServeWorld) -> None:
    mock = world.mock
    # Fewer heartbeats, and the start-up jobs done before the messages come: on SQLite a
    # commit landing between another transaction's read and write fails that write at once
    # (see test_a_store_write_after_a_read_waits_for_another_writer), which here would leave
    # a message "sending" for minutes. This test is about 429s.
    serve = world.serve(HYPERCARE_JOBS__LEASE_SECONDS="10")
    serve.wait_line(OWNER_LINE)
    wait_until(lambda: runs(world.services, "outbox_deliver") >= 2
               and all(runs(world.services, job) for job in ("sync", "triage_sweep")),
               what="the jobs' first runs")
    keys = [f"serve-test:429:{n}:{uuid.uuid4().hex[:8]}" for n in range(3)]
    for _ in range(6):  # two messages each exhaust slack_sdk's 429 retries once
        mock.rate_limit_next("chat.postMessage", retry_after=1, where=carries(*keys))
    queue(world.services, {key: 990_100 + n for n, key in enumerate(keys)})

    wait_until(lambda: all(outbox(world.services, k).state == "sent" for k in keys),
               what=lambda: "every message sent: " + "; ".join(
                   describe(outbox(world.services, k), mock) for k in keys)
               + "\n" + serve.output())
    limited = [c for c in mock.calls("chat.postMessage")
               if c.status == 429 and carries(*keys)(c.payload)]
    assert len(limited) == 6
    for key in keys:
        assert len(posts_with_key(mock, key)) == 1, key
        assert len(stored_with(mock, key)) == 1, key
        assert outbox(world.services, key).attempts >= 1
    assert sum(outbox(world.services, k).attempts for k in keys) >= 4  # some were retried
    assert world.services.job_records.outbox_depth().get("dead", 0) == 0


def test_sigterm_finishes_the_jobs_releases_the_lease_and_exits_0(world: ServeWorld) -> None:
    serve = world.serve()
    serve.wait_line(OWNER_LINE)

    def owning() -> dict[str, Any] | None:
        status, body = serve.health()
        return body if status == 200 and body["scheduler_owner"] is True else None

    body = wait_until(owning, what="/healthz: this process owns the scheduler")
    assert body["scheduler_owned_by"] == serve.name
    assert world.services.system.scheduler_owner() == serve.name
    wait_until(lambda: runs(world.services, "outbox_deliver") >= 1, what="a delivery round")

    serve.signal(signal.SIGTERM)
    assert serve.wait() == 0, serve.output()
    assert serve.count("hypercare serve: stopped") == 1, serve.output()
    assert serve.count("outbox flushed") == 1, serve.output()
    assert world.services.system.scheduler_owner() is None
    running = [s.name for s in world.services.job_records.states() if s.running_since]
    assert running == [], f"jobs left running: {running}\n{serve.output()}"


def test_a_store_failure_while_taking_the_jobs_over_heals_once_the_store_answers(
        world: ServeWorld) -> None:
    """The store fails as the serve takes the outbox over (here: the outbox table is away,
    so the recovery at take-over and the deliveries fail): each failure is recorded, the
    other jobs run, and deliveries run again once the store answers."""
    engine = world.services.context.store().engine
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE outbox RENAME TO outbox_away")
    serve = world.serve()
    serve.wait_line(OWNER_LINE)
    wait_until(lambda: next((s.failures for s in world.services.job_records.states()
                             if s.name == "outbox_deliver"), 0) >= 1,
               what="a failed delivery round recorded\n" + serve.output())
    wait_until(lambda: runs(world.services, "triage_sweep") >= 1,
               what="the sweep runs meanwhile\n" + serve.output())
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE outbox_away RENAME TO outbox")
    wait_until(lambda: next((s.last_ok for s in world.services.job_records.states()
                             if s.name == "outbox_deliver"), False),
               what="a delivery round that worked\n" + serve.output())
    assert runs_by(world.services)["outbox_deliver"] == serve.name
    assert world.services.system.scheduler_owner() == serve.name


def test_a_lease_taken_by_the_heartbeat_thread_is_given_back_by_the_main_thread(
        world: ServeWorld) -> None:
    """A job host takes its leases in its heartbeat thread and gives them back from the main
    thread at stop: the locks must not be tied to the thread that took them."""
    first = world.services.job_leases("tui")
    taker = threading.Thread(target=lambda: first.take("sync"))
    taker.start()
    taker.join()
    assert first.held == {"sync"}
    other_process = build_services(Settings(database_url=world.url))  # its own locks
    try:
        other = other_process.job_leases("tui")
        assert not other.take("sync")
        first.release_all()
        assert other.take("sync"), "the lock stayed taken after release_all()"
        assert [s.holder for s in other_process.job_records.states()
                if s.name == "sync"] == [other.process]
        other.release_all()
    finally:
        other_process.close()


def test_a_store_write_after_a_read_waits_for_another_writer(world: ServeWorld) -> None:
    """What serve's jobs, its lease heartbeat and the delivery service do all the time on
    one SQLite store: read, then write, while another connection commits."""
    other = build_services(Settings(database_url=world.url))
    try:
        writer = threading.Thread(target=lambda: queue(other, {"serve-test:other": 990_900}))
        with world.services.context.store().session() as session:
            session.exec(select(OutboxMessage)).first()  # this transaction reads first
            writer.start()
            writer.join(timeout=2)  # ... the other commits (or waits for this one)
            session.add(AppState(key="serve-test:after-read", value="1"))
        writer.join(timeout=30)
        assert not writer.is_alive()
    finally:
        other.close()
