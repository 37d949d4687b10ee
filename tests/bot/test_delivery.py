"""Delivering the outbox to the mock Slack Web API: every kind once, across a crash between
"sent" and "marked sent"; 429s delay without loss; dead letters keep their reason; messages
about one record are updated in place."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete

from hypercare.bot.app import build_client
from hypercare.bot.delivery import EVENT_TYPE, SlackDeliverer
from hypercare.services import Services
from hypercare.services.outbox.delivery import Delivery, Posted
from hypercare.services.outbox.notifications import enqueue
from hypercare.store.tables import OutboxMessage
from tests.bot.conftest import BOT_TOKEN, NOW, BotWorld, settings_for
from tests.slack_mock import MockSlack
from tests.support import Clock, ServicesFactory

ALERTS, STANDUP, PACK = "C0ALERTS", "C0STANDUP", "C0PACK"
TICKET = {"odoo_id": 7, "ref": "HT00007", "title": "Invoices cannot be posted", "company":
          "Acme", "team": "Finance", "url": "https://acme.odoo.com/odoo/helpdesk/7",
          "severity": "S1", "category": "defect", "confidential": False}
ESCALATION = {"escalation_id": 1, "level": 2, "level_name": "functional lead",
              "trigger": "breach", "detail": "resolution target passed", "status": "open",
              "ticket": TICKET}
DIGEST = {"standup": "all", "scope": "all companies", "generated_at": NOW.isoformat(),
          "counts": [{"key": "open", "label": "Open", "value": 12, "previous": 10}],
          "top": [], "more": 0, "groups": [{"name": "Acme · Finance", "open": 12,
                                           "breached": 1, "at_risk": 2, "new": 3}],
          "standup_at": NOW.isoformat(), "channel": STANDUP}
KINDS: dict[str, tuple[str, dict[str, Any]]] = {
    "at_risk_batch": ("U0LEAD", {"items": [{**ESCALATION, "trigger": "at_risk",
                                            "key": "at_risk:1"}]}),
    "breach": ("U0LEAD", ESCALATION),
    "escalation": ("S0PARTNERS", {**ESCALATION, "escalation_id": 2, "level": 3,
                                  "trigger": "no_ack"}),
    "confirmed_s1": ("L2", {**ESCALATION, "escalation_id": 3, "trigger": "confirmed_s1"}),
    "approval_request": ("U0LEAD", {**ESCALATION, "escalation_id": 4, "level": 3,
                                    "status": "pending_approval"}),
    "decision_overdue": ("U0OWNER", {"decision": {"id": 5, "ref": "D-5", "question":
                                                  "Who approves credit notes over 10k?",
                                                  "owner": "U0OWNER", "due_date": "2026-11-18"},
                                     "escalation_id": 5, "level": 2,
                                     "trigger": "decision_overdue", "detail": "overdue 2 days"}),
    "watch_kpi": ("L2", {"name": "unposted invoices", "value": 140.0, "threshold": 100.0,
                         "direction": "above"}),
    "odoo_unreachable": ("L2", {"since": NOW.isoformat(), "error": "HTTP 503",
                                "minutes": 20}),
    "known_issue_broadcast": ("email:ann@acme.example", {
        "known_issue": {"id": 3, "ref": "KI-3", "title": "Credit notes lose the analytic",
                        "status": "workaround", "workaround": "Set it again on each line"},
        "detail": "workaround published"}),
    "escalation_baseline": ("U0LEAD", {
        "count": 1, "text": "1 ticket was already past its SLA when hypercare started watching",
        "items": [{"ticket": TICKET, "level": 2, "triggers": ["resolution_breached"],
                   "escalation_id": 9, "overdue_since": NOW.isoformat()}]}),
    "escalation_rollup": ("U0LEAD", {
        "since": NOW.isoformat(), "items": [{
            "key": "escalation:10:U0LEAD", "kind": "escalation", "level": 2,
            "about": "HT00007 L2 reopened twice: Invoices cannot be posted",
            "ticket": {"odoo_id": 7, "ref": "HT00007"}, "triggers": ["reopened_twice"]}]}),
    "standup_minutes": ("channel:standup", {"standup_id": 1, "scope": "all",
                                            "markdown": "# Stand-up\n\n- HT00007: defect"}),
    "digest": ("channel:standup", DIGEST),
    "weekly_pack": ("channel:pack", {"week": "2026-W48", "headline": [], "summary": ["calm"],
                                     "files": [{"name": "pack.html", "format": "html"}]}),
}


class Crash(BaseException):
    """The process dies right after Slack took the message."""


@pytest.fixture
def world(bot_world: BotWorld, tmp_path: Path,
          mock_slack: MockSlack) -> Iterator[tuple[Services, MockSlack, Clock]]:
    clock = Clock(NOW)
    slack = {"bot_token": BOT_TOKEN, "api_url": mock_slack.url, "alerts_channel": ALERTS,
             "standup_channel": STANDUP, "pack_channel": PACK}
    with ServicesFactory(tmp_path, clock=clock) as build:
        db = build.store("store.db", copy_of=bot_world.golden)
        services = build(settings_for(bot_world, db, slack=slack,
                                      escalation={"quiet_hours": None}))
        mock_slack.workspace.users.update({"U0LEAD": "lead@acme.example",
                                           "U0ANN": "ann@acme.example"})
        with services.context.store().session() as session:  # only this test's messages
            session.execute(delete(OutboxMessage))
        yield services, mock_slack, clock


def deliverer(services: Services, mock: MockSlack, clock: Clock) -> SlackDeliverer:
    return SlackDeliverer(build_client(BOT_TOKEN, mock.url), services.context.settings.slack,
                          clock=clock)


def queue(services: Services, kind: str, recipient: str, payload: dict[str, Any],
          key: str | None = None) -> str:
    key = key or f"test:{kind}"
    with services.context.store().session() as session:
        enqueue(session, services.context.settings, kind=kind, key=key, recipient=recipient,
                payload=payload, now=services.context.clock(), urgent=True)
    return key


def posts_with_key(mock: MockSlack, key: str) -> list[Any]:
    return [c for c in mock.calls("chat.postMessage") if c.answer.get("ok")
            and (c.payload.get("metadata") or {}).get("event_type") == EVENT_TYPE
            and c.payload["metadata"]["event_payload"]["key"] == key]


def test_every_kind_is_delivered_once_across_a_crash(
        world: tuple[Services, MockSlack, Clock]) -> None:
    services, mock, clock = world
    keys = {kind: queue(services, kind, recipient, payload)
            for kind, (recipient, payload) in KINDS.items()}
    real = deliverer(services, mock, clock)

    class CrashAfterSending(SlackDeliverer):
        def send(self, delivery: Delivery) -> Posted:
            real.send(delivery)
            raise Crash

    clock.now += timedelta(hours=1)  # the at-risk batch window has closed
    for _ in keys:
        with pytest.raises(Crash):
            services.delivery.deliver(CrashAfterSending(real._client,
                                                        services.context.settings.slack))
    assert all(len(posts_with_key(mock, key)) == 1 for key in keys.values())
    report = services.delivery.deliver(real)  # restarted before the claims went stale
    assert report.delivered == 0
    clock.now += timedelta(minutes=5)
    report = services.delivery.deliver(real)
    assert report.recovered == len(KINDS) and report.sent == 0 and report.dead == 0
    for kind, key in keys.items():
        assert len(posts_with_key(mock, key)) == 1, kind  # exactly once
    states = {m.idempotency_key: m.state for m in services.sla.list_outbox()}
    assert {states[key] for key in keys.values()} == {"sent"}


def test_recipients_resolve_to_the_right_channels(
        world: tuple[Services, MockSlack, Clock]) -> None:
    services, mock, clock = world
    for kind in ("escalation", "confirmed_s1", "known_issue_broadcast", "digest", "breach"):
        recipient, payload = KINDS[kind]
        queue(services, kind, recipient, payload)
    clock.now += timedelta(minutes=1)
    report = services.delivery.deliver(deliverer(services, mock, clock))
    assert report.sent == 5, report.errors
    channels = {c.payload["metadata"]["event_payload"]["key"]: c.payload
                for c in mock.calls("chat.postMessage") if c.payload.get("metadata")}
    assert channels["test:escalation"]["channel"] == ALERTS
    assert channels["test:escalation"]["text"].startswith("<!subteam^S0PARTNERS>")
    assert channels["test:confirmed_s1"]["channel"] == ALERTS
    assert channels["test:known_issue_broadcast"]["channel"] == "D0ANN"  # DM by e-mail
    assert channels["test:digest"]["channel"] == STANDUP
    assert channels["test:breach"]["channel"] == "D0LEAD"


def test_rate_limits_delay_without_loss(world: tuple[Services, MockSlack, Clock]) -> None:
    services, mock, clock = world
    recipient, payload = KINDS["breach"]
    key = queue(services, "breach", recipient, payload)
    for _ in range(3):  # slack_sdk waits out two 429s itself; the third is ours to retry
        mock.rate_limit_next("chat.postMessage", retry_after=1)
    report = services.delivery.deliver(deliverer(services, mock, clock))
    assert report.retrying == 1 and report.dead == 0
    (row,) = [m for m in services.sla.list_outbox() if m.idempotency_key == key]
    assert row.state == "pending" and row.next_attempt_at == clock.now + timedelta(seconds=1)
    clock.now += timedelta(seconds=2)
    assert services.delivery.deliver(deliverer(services, mock, clock)).sent == 1
    assert len(posts_with_key(mock, key)) == 1


def test_permanent_errors_become_dead_letters_with_the_reason(
        world: tuple[Services, MockSlack, Clock]) -> None:
    services, mock, clock = world
    mock.fail_next("chat.postMessage", "not_in_channel")  # the first post: the digest's
    queue(services, "digest", "channel:standup", DIGEST, key="uninvited")
    queue(services, "breach", "channel:CGONE1", ESCALATION, key="gone")
    queue(services, "known_issue_broadcast", "email:nobody@acme.example",
          KINDS["known_issue_broadcast"][1], key="stranger")
    report = services.delivery.deliver(deliverer(services, mock, clock))
    assert report.dead == 3 and report.sent == 0
    dead = {m.idempotency_key: m for m in services.delivery.dead_letters()}
    assert "channel_not_found" in dead["gone"].reason
    assert "users_not_found" in dead["stranger"].reason
    assert "not_in_channel" in dead["uninvited"].reason
    services.delivery.retry(message_id=dead["uninvited"].id)  # the bot was invited since
    assert services.delivery.deliver(deliverer(services, mock, clock)).sent == 1


def test_a_tracked_record_is_updated_in_place(
        world: tuple[Services, MockSlack, Clock]) -> None:
    services, mock, clock = world
    recipient, payload = KINDS["known_issue_broadcast"]
    queue(services, "known_issue_broadcast", recipient, payload, key="ki:3:first")
    send = deliverer(services, mock, clock)
    assert services.delivery.deliver(send).sent == 1
    fixed = {**payload, "known_issue": {**payload["known_issue"], "status": "resolved"},
             "detail": "fixed in production"}
    queue(services, "known_issue_broadcast", recipient, fixed, key="ki:3:second")
    assert services.delivery.deliver(send).updated == 1
    (posted,) = mock.calls("chat.postMessage")
    (updated,) = mock.calls("chat.update")
    assert updated.payload["ts"] == posted.answer["ts"]
    assert "fixed in production" in str(updated.payload["blocks"])


def test_jobs_retry_requeues_a_dead_letter_from_the_command_line(
        world: tuple[Services, MockSlack, Clock], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from hypercare.cli import main

    services, mock, clock = world
    queue(services, "breach", "channel:CGONE1", ESCALATION, key="gone")
    services.delivery.deliver(deliverer(services, mock, clock))
    (dead,) = services.delivery.dead_letters()
    monkeypatch.setenv("HYPERCARE_DATABASE_URL", str(services.context.settings.database_url))
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["jobs", "outbox", "--state", "dead"]) == 0
    listed = capsys.readouterr().out
    assert "channel_not_found" in listed and "breach" in listed
    assert main(["jobs", "retry", str(dead.id)]) == 0
    assert "queued again" in capsys.readouterr().out
    assert services.delivery.dead_letters() == []
    assert main(["jobs", "retry", str(dead.id)]) == 2  # not a dead letter any more
    assert "is not a dead letter" in capsys.readouterr().err


def test_an_answer_lost_on_the_way_back_is_not_posted_twice(
        world: tuple[Services, MockSlack, Clock]) -> None:
    from hypercare.services.outbox.delivery import DeliveryFailed

    services, mock, clock = world
    key = queue(services, "breach", *KINDS["breach"])
    real = deliverer(services, mock, clock)

    class LostAnswer(SlackDeliverer):
        def send(self, delivery: Delivery) -> Posted:
            real.send(delivery)  # Slack took it; the answer never came back
            raise DeliveryFailed("cannot reach Slack (ReadTimeout)", permanent=False)

    lost = LostAnswer(real._client, services.context.settings.slack)
    assert services.delivery.deliver(lost).retrying == 1
    clock.now += timedelta(minutes=2)  # past the backoff
    report = services.delivery.deliver(real)
    assert report.recovered == 1 and report.sent == 0
    assert len(posts_with_key(mock, key)) == 1
