"""The buttons on alerts, each with the right and the wrong role: real escalations from the
services, delivered to the mock Slack Web API, clicked through signed Bolt requests."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient
from sqlalchemy import delete
from sqlmodel import select

from hypercare.bot.app import build_client
from hypercare.bot.delivery import SlackDeliverer
from hypercare.bot.directory import SlackDirectory
from hypercare.bot.listeners import register_all
from hypercare.services import Services
from hypercare.store.tables import Escalation, OutboxMessage
from tests.bot.conftest import BOT_TOKEN, NOW, BotWorld, settings_for
from tests.bot.test_delivery import ALERTS
from tests.slack_mock import MockSlack, sign_request
from tests.support import Clock, ServicesFactory, viewer

SECRET = "alert-actions-secret"
LEAD, SUPER, PARTNER, STRANGER = "U0LEAD", "U0SUPER", "U0PARTNER", "U0STRANGER"
LEVELS = [{"level": 1, "name": "super-user", "contacts": [SUPER]},
          {"level": 2, "name": "functional lead", "contacts": [LEAD]},
          {"level": 3, "name": "technical / partner", "contacts": ["S0PARTNERS"]},
          {"level": 4, "name": "sponsor", "contacts": []}]


@dataclass
class World:
    services: Services
    mock: MockSlack
    clock: Clock
    app: App
    ref: str

    def deliver(self) -> None:
        sender = SlackDeliverer(build_client(BOT_TOKEN, self.mock.url),
                                self.services.context.settings.slack, clock=self.clock)
        report = self.services.delivery.deliver(sender)
        assert report.dead == 0, report.errors

    def post_to(self, channel: str) -> dict[str, Any]:
        """The newest hypercare message in ``channel``."""
        posts = [c for c in self.mock.calls("chat.postMessage")
                 if c.answer.get("ok") and c.answer["channel"] == channel]
        return posts[-1].answer

    def click(self, user: str, post: dict[str, Any], action: str,
              selected: str | None = None) -> None:
        element = {"action_id": action, "block_id": "alert_actions", "type": "button",
                   "value": "{}"}
        if selected is not None:
            element = {**element, "type": "static_select",
                       "selected_option": {"value": selected}}
        payload = {"type": "block_actions", "team": {"id": "T0HYPER"}, "user": {"id": user},
                   "api_app_id": "A0HYPER", "token": "legacy", "trigger_id": "7.8.9",
                   "channel": {"id": post["channel"]},
                   "container": {"type": "message", "channel_id": post["channel"],
                                 "message_ts": post["ts"]},
                   "message": {"ts": post["ts"]}, "actions": [element]}
        body = urlencode({"payload": json.dumps(payload)}).encode()
        headers = {"content-type": "application/x-www-form-urlencoded",
                   **sign_request(body, SECRET)}
        assert self.app.dispatch(BoltRequest(body=body.decode(), headers=headers)).status == 200

    def escalation(self, level: int) -> Escalation:
        with self.services.context.store().session() as session:
            rows = list(session.exec(select(Escalation).where(Escalation.level == level)))
            return rows[-1]


def wait_for(check: Callable[[], Any], timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (found := check()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


@pytest.fixture
def world(bot_world: BotWorld, tmp_path: Path, mock_slack: MockSlack) -> Iterator[World]:
    clock = Clock(NOW)
    slack = {"bot_token": BOT_TOKEN, "api_url": mock_slack.url, "alerts_channel": ALERTS}
    with ServicesFactory(tmp_path, clock=clock) as build:
        db = build.store("store.db", copy_of=bot_world.golden)
        services = build(settings_for(
            bot_world, db, slack=slack, roles={"leads": [LEAD], "super_users": ["S0SUPERS"]},
            escalation={"levels": LEVELS, "quiet_hours": None, "approval_from_level": 3}))
        with services.context.store().session() as session:
            session.execute(delete(OutboxMessage))
            session.execute(delete(Escalation))
        mock_slack.workspace.groups.update({"S0SUPERS": [SUPER], "S0PARTNERS": [PARTNER]})
        client = WebClient(token=BOT_TOKEN, base_url=mock_slack.url)
        services.context.use_directory(SlackDirectory(lambda: client))  # as build_app does
        app = App(client=client, signing_secret=SECRET, token_verification_enabled=False)
        register_all(app, services)
        ref = next(t.ref for t in services.tickets.list_tickets(
            viewer=viewer(services, LEAD), open_only=True) if not t.confidential)
        yield World(services, mock_slack, clock, app, ref)


def escalated_to_super_user(world: World) -> dict[str, Any]:
    lead = viewer(world.services, LEAD)
    world.services.sla.escalate(ref=world.ref, viewer=lead)  # L1: the super-user, by DM
    world.deliver()
    return world.post_to("D0SUPER")


def updates_of(world: World, post: dict[str, Any]) -> list[Any]:
    return [c for c in world.mock.calls("chat.update") if c.payload["ts"] == post["ts"]]


def refusals(world: World, user: str) -> list[Any]:
    return [c for c in world.mock.calls("chat.postEphemeral") if c.payload["user"] == user]


def test_the_recipient_acknowledges_a_stranger_is_refused(world: World) -> None:
    post = escalated_to_super_user(world)
    world.click(STRANGER, post, "alert_ack")
    assert "for someone else" in wait_for(lambda: refusals(world, STRANGER))[0].payload["text"]
    assert world.escalation(1).status == "open"
    world.click(SUPER, post, "alert_ack")
    update = wait_for(lambda: updates_of(world, post))[0].payload
    assert world.escalation(1).status == "acknowledged"
    shown = json.dumps(update["blocks"])
    assert f"<@{SUPER}>" in shown and "cknowledged" in shown
    assert '"alert_ack"' not in shown  # nobody acknowledges twice


def test_only_leads_classify(world: World) -> None:
    post = escalated_to_super_user(world)
    world.click(SUPER, post, "alert_classify", selected="policy_ambiguity")
    assert "Only command-center leads" in wait_for(
        lambda: refusals(world, SUPER))[0].payload["text"]
    world.click(LEAD, post, "alert_classify", selected="policy_ambiguity")
    assert wait_for(lambda: updates_of(world, post))
    ticket = world.services.tickets.show_ticket(ref=world.ref,
                                                viewer=viewer(world.services, LEAD)).ticket
    assert ticket.category == "policy_ambiguity"


def test_claim_records_who_and_removes_the_button(world: World) -> None:
    post = escalated_to_super_user(world)
    world.click(SUPER, post, "alert_claim")
    update = wait_for(lambda: updates_of(world, post))[0].payload
    assert world.escalation(1).claimed_by  # the super-user's Slack name
    assert '"alert_claim"' not in json.dumps(update["blocks"])


def test_snooze_brings_the_alert_back_in_an_hour(world: World) -> None:
    post = escalated_to_super_user(world)
    world.click(SUPER, post, "alert_snooze")
    assert wait_for(lambda: updates_of(world, post))
    before = len(world.mock.calls("chat.postMessage"))
    world.deliver()
    assert len(world.mock.calls("chat.postMessage")) == before  # not yet
    world.clock.now += timedelta(minutes=61)
    world.deliver()
    again = world.post_to("D0SUPER")
    assert again["ts"] != post["ts"]  # posted anew, so it is noticed


def test_escalate_to_l3_waits_for_a_lead_who_approves(world: World) -> None:
    post = escalated_to_super_user(world)
    world.click(SUPER, post, "alert_escalate")  # a super-user may not escalate
    assert wait_for(lambda: refusals(world, SUPER))
    world.click(LEAD, post, "alert_escalate")  # L2
    assert wait_for(lambda: updates_of(world, post))
    world.services.sla.escalate(ref=world.ref,
                                viewer=viewer(world.services, LEAD))  # L3: needs approval
    world.deliver()
    request = world.post_to("D0LEAD")
    assert '"alert_approve"' in json.dumps(request["message"]["blocks"])
    world.click(PARTNER, request, "alert_approve")
    assert wait_for(lambda: refusals(world, PARTNER))
    assert world.escalation(3).status == "pending_approval"
    world.click(LEAD, request, "alert_approve")
    assert wait_for(lambda: world.escalation(3).status == "open")
    world.deliver()
    partners = world.post_to(ALERTS)  # L3's user group, mentioned in the alerts channel
    assert partners["message"]["text"].startswith("<!subteam^S0PARTNERS>")


def test_link_to_known_issue_is_for_super_users(world: World) -> None:
    post = escalated_to_super_user(world)
    world.click(STRANGER, post, "alert_link_ki")
    assert "Only super-users" in wait_for(lambda: refusals(world, STRANGER))[0].payload["text"]
    world.click(SUPER, post, "alert_link_ki")
    opened = wait_for(lambda: world.mock.calls("views.open"))[0].payload
    view = opened["view"] if isinstance(opened["view"], dict) else json.loads(opened["view"])
    issue = view["blocks"][0]["element"]["options"][0]["value"]
    submit = {"type": "view_submission", "team": {"id": "T0HYPER"}, "user": {"id": SUPER},
              "api_app_id": "A0HYPER", "token": "legacy",
              "view": {**view, "id": "V1", "state": {"values": {"known_issue": {"value": {
                  "type": "static_select", "selected_option": {"value": issue}}}}}}}
    body = urlencode({"payload": json.dumps(submit)}).encode()
    headers = {"content-type": "application/x-www-form-urlencoded",
               **sign_request(body, SECRET)}
    assert world.app.dispatch(BoltRequest(body=body.decode(), headers=headers)).status == 200
    assert wait_for(lambda: updates_of(world, post))
    ticket = world.services.tickets.show_ticket(ref=world.ref,
                                                viewer=viewer(world.services, LEAD)).ticket
    assert ticket.known_issue == f"KI-{issue}"


@pytest.mark.parametrize("verb", ["alert_claim", "alert_snooze"])
def test_a_stranger_may_not_claim_or_snooze_someone_elses_alert(world: World,
                                                                verb: str) -> None:
    post = escalated_to_super_user(world)
    before = len(world.services.sla.list_outbox())
    world.click(STRANGER, post, verb)
    assert "for someone else" in wait_for(lambda: refusals(world, STRANGER))[0].payload["text"]
    assert updates_of(world, post) == []
    assert world.escalation(1).claimed_by == ""
    assert len(world.services.sla.list_outbox()) == before  # no snoozed copy either
