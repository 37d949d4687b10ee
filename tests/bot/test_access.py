"""Who may do what from Slack (issue 22), through the real HTTP server: every intake and
action path with the right role (it happens) and the wrong one (a polite private message,
and nothing changed: not in Odoo's simulator, not in the store as the services read it, no
form opened and no message re-rendered in the mock Slack).

Roles: a lead by id, a lead through the Slack user group ``S0LEADS``, a super-user through
``S0SUPERS`` (so ``roles.super_users`` is set and only super-users raise) and a stranger in
none of them. The refusals' words are the access authority's own.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import pytest
from sqlalchemy import delete

from hypercare.bot.app import build_client
from hypercare.bot.delivery import SlackDeliverer
from hypercare.services import EscalationView, RaiseRequest, Services, Viewer
from hypercare.store.tables import Escalation, OutboxMessage
from tests.bot.conftest import (
    BOT_TOKEN,
    PAYROLL_TITLE,
    SIGNING_SECRET,
    BotWorld,
    answer_text,
    command_body,
    post,
    signed_event,
    signed_payload,
)
from tests.bot.test_raise_flow import form, odoo_named
from tests.bot.test_thread_follow import notes_on
from tests.slack_mock import MockSlack, sign_request
from tests.support import viewer

LEAD, GROUP_LEAD, SUPER, STRANGER = "U0LEAD", "U0GLEAD", "U0SUPER", "U0STRANGER"
LEADS, SUPERS = "S0LEADS", "S0SUPERS"
SHARED, THREAD, ALERTS = "C0SHARED", "111.222", "C0ALERTS"
LEVELS = [{"level": 1, "name": "super-user", "contacts": [SUPER]},
          {"level": 2, "name": "functional lead", "contacts": [LEAD]},
          {"level": 3, "name": "technical / partner", "contacts": ["S0PARTNERS"]},
          {"level": 4, "name": "sponsor", "contacts": []}]
ROLES = {"leads": [LEAD, LEADS], "super_users": [SUPERS]}


def until(check: Callable[[], Any], timeout: float = 20.0) -> Any:
    """``check()`` once it is truthy (its last answer after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def settle() -> None:
    """Time for an answer that should not come (the bot answers after its ack)."""
    time.sleep(1.0)


@dataclass
class World:
    services: Services
    server: Any
    mock: MockSlack

    def who(self, user: str) -> Viewer:
        return viewer(self.services, user)

    # -- what Slack sends ---------------------------------------------------------------------

    def interact(self, payload: dict[str, Any]) -> str:
        status, answer = signed_payload(self.server, {
            "team": {"id": "T0HYPER"}, "api_app_id": "A0HYPER", "token": "legacy", **payload})
        assert status == 200
        return answer

    def command(self, user: str, text: str, key: str) -> None:
        body = command_body(text, self.mock.response_url(key), user=user, channel=SHARED)
        assert post(self.server.url, body, sign_request(body, SIGNING_SECRET))[0] == 200

    def click(self, user: str, action: str, value: str, *, channel: str = "", ts: str = "",
              thread_ts: str = "", selected: str | None = None) -> None:
        """A button (or a menu) on a message in ``channel``; on the Home tab without one."""
        element: dict[str, Any] = {"action_id": action, "block_id": "b", "type": "button",
                                   "value": value}
        if selected is not None:
            element = {**element, "type": "static_select",
                       "selected_option": {"value": selected}}
        where: dict[str, Any] = {"container": {"type": "view", "view_id": "VHOME"},
                                 "view": {"id": "VHOME", "type": "home", "blocks": []}}
        if channel:
            message = {"ts": ts, **({"thread_ts": thread_ts} if thread_ts else {})}
            where = {"channel": {"id": channel}, "message": message,
                     "container": {"type": "message", "channel_id": channel,
                                   "message_ts": ts}}
        self.interact({"type": "block_actions", "user": {"id": user}, "trigger_id": "7.8.9",
                       **where, "actions": [element]})

    def submit(self, user: str, callback: str, values: dict[str, Any], view_id: str,
               metadata: dict[str, Any]) -> str:
        return self.interact({"type": "view_submission", "user": {"id": user}, "view": {
            "id": view_id, "callback_id": callback, "type": "modal",
            "private_metadata": json.dumps(metadata), "state": {"values": values}}})

    def reply_in_thread(self, user: str, text: str, event_id: str) -> None:
        event = {"type": "message", "channel": SHARED, "user": user, "text": text,
                 "ts": f"{time.time():.6f}", "thread_ts": THREAD, "channel_type": "channel"}
        assert signed_event(self.server, event, event_id=event_id)[0] == 200

    def open_home(self, user: str) -> dict[str, Any]:
        before = len(self.published(user))
        event = {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"}
        assert signed_event(self.server, event, event_id=f"Ev{time.time_ns()}")[0] == 200
        shown: dict[str, Any] = until(lambda: self.published(user)[before:])[0]
        return shown

    # -- what the bot did ---------------------------------------------------------------------

    def ephemerals(self, user: str) -> list[str]:
        return [answer_text(c) for c in self.mock.calls("chat.postEphemeral")
                if c.payload.get("user") == user]

    def dms(self, user: str) -> list[str]:
        direct = "D" + user.removeprefix("U")
        return [answer_text(c) for c in self.mock.calls("chat.postMessage")
                if c.payload.get("channel") == direct]

    def answered(self, key: str) -> list[str]:
        return [answer_text(c) for c in self.mock.responses()
                if c.path == f"/response/{key}"]

    def published(self, user: str) -> list[dict[str, Any]]:
        views = [c.payload["view"] for c in self.mock.calls("views.publish")
                 if c.payload.get("user_id") == user]
        return [v if isinstance(v, dict) else json.loads(v) for v in views]

    # -- records ------------------------------------------------------------------------------

    def raise_report(self, title: str) -> int:
        """A report raised by the super-user in thread THREAD of SHARED (it is in Odoo)."""
        raised = self.services.raising.raise_issue(
            request=RaiseRequest(title=title, what_happened="It fails since this morning."),
            idempotency_key=f"access:{title}", viewer=self.who(SUPER), channel=SHARED,
            thread_ts=THREAD)
        assert raised.state == "created", raised.message
        return raised.id


@pytest.fixture
def world(make_services: Callable[..., Services], serve: Callable[[Services], Any],
          mock_slack: MockSlack, bot_world: BotWorld) -> Iterator[World]:
    from tests.sync.conftest import odoo_settings

    mock_slack.workspace.users.update({
        LEAD: "lea@acme.example", GROUP_LEAD: "gil@acme.example",
        SUPER: "sue@acme.example", STRANGER: "stan@acme.example"})
    mock_slack.workspace.groups.update({LEADS: [GROUP_LEAD], SUPERS: [SUPER],
                                        "S0PARTNERS": []})
    services = make_services(
        roles=ROLES, slack={"alerts_channel": ALERTS},
        odoo=odoo_settings(bot_world.sim, protocol="json2", write_mode="full"),
        escalation={"levels": LEVELS, "quiet_hours": None, "approval_from_level": 3})
    with services.context.store().session() as session:  # only this test's alerts
        session.execute(delete(OutboxMessage))
        session.execute(delete(Escalation))
    yield World(services, serve(services), mock_slack)


def no_raise_form_opened(world: World) -> bool:
    return not world.mock.calls("views.open")


# -- raising ---------------------------------------------------------------------------------

def test_a_strangers_raise_submit_creates_nothing_and_is_told_by_dm(world: World,
                                                                    bot_world: BotWorld) -> None:
    title = "Scanner beeps twice on every goods receipt (access 1)"
    where = {"channel": SHARED, "thread_ts": "", "message_ts": ""}

    def submit(user: str, view_id: str) -> None:
        answer = world.submit(user, "raise_issue", form(title), view_id, where)
        if answer:  # matching known issues offered first: choose a new ticket
            assert json.loads(answer)["response_action"] == "update"
            world.submit(user, "raise_confirm", {"known_issue": {"value": {
                "type": "radio_buttons", "selected_option": {"value": "new"}}}}, view_id,
                where)

    submit(STRANGER, "VSTRANGER")
    told = until(lambda: world.dms(STRANGER))
    assert "Your issue was not raised" in told[0]
    assert "Only super-users can raise tickets" in told[0]
    settle()
    assert odoo_named(bot_world.sim, title) == []  # nothing in Odoo
    assert world.services.home.home(viewer=world.who(STRANGER)).raised == ()  # nor stored
    assert not [c for c in world.mock.calls("chat.postMessage")
                if c.payload.get("channel") == SHARED]

    submit(SUPER, "VSUPER")  # a super-user (through the user group) raises it
    replied = until(lambda: [c for c in world.mock.calls("chat.postMessage")
                             if c.payload.get("channel") == SHARED])
    assert len(replied) == 1 and len(odoo_named(bot_world.sim, title)) == 1
    assert len(world.services.home.home(viewer=world.who(SUPER)).raised) == 1


@pytest.mark.parametrize("entry", ["shortcut", "command", "home"])
def test_the_raise_form_opens_only_for_who_may_raise(world: World, entry: str) -> None:
    def open_form(user: str) -> None:
        if entry == "shortcut":
            world.interact({"type": "message_action", "callback_id": "raise_from_message",
                            "trigger_id": "T.1", "user": {"id": user},
                            "channel": {"id": SHARED},
                            "message": {"ts": "333.444", "text": "Invoices won't post"}})
        elif entry == "command":
            world.command(user, "raise Invoices won't post", key=f"raise-{user}")
        else:
            world.click(user, "home_raise", "")

    open_form(STRANGER)
    refusal = {"shortcut": lambda: world.ephemerals(STRANGER),
               "command": lambda: world.answered(f"raise-{STRANGER}"),
               "home": lambda: world.dms(STRANGER)}[entry]
    told = until(refusal)
    assert told and "Only super-users can raise tickets" in told[0]
    settle()
    assert no_raise_form_opened(world)
    open_form(SUPER)
    opened = until(lambda: world.mock.calls("views.open"))
    assert len(opened) == 1 and opened[0].payload["view"]["callback_id"] == "raise_issue"


def test_home_offers_the_raise_button_only_to_who_may_raise(world: World) -> None:
    mine = json.dumps(world.open_home(SUPER))
    theirs = json.dumps(world.open_home(STRANGER))
    assert '"home_raise"' in mine and '"home_raise"' not in theirs
    assert "Issues are raised by your team's super-users" in theirs
    assert "Replies held for you" not in mine + theirs  # no lead


# -- thread replies and held signals -----------------------------------------------------------

def test_a_strangers_thread_reply_is_held_and_a_lead_sends_it_from_home(
        world: World, bot_world: BotWorld) -> None:
    title = "Delivery notes print without the lot number (access 2)"
    world.raise_report(title)
    ticket = odoo_named(bot_world.sim, title)[0]
    world.reply_in_thread(STRANGER, "Same for us on WH/OUT/0042 <!channel>", "EvA1")
    told = until(lambda: world.ephemerals(STRANGER))
    assert "counted as also affected" in told[0]
    world.reply_in_thread(SUPER, "Also on WH/OUT/0043", "EvA2")  # a super-user's is a note
    assert until(lambda: notes_on(bot_world.sim, ticket["id"], "WH/OUT/0043"))
    reactions = until(lambda: world.mock.calls("reactions.add"))
    assert len(reactions) == 1  # for the super-user's reply only
    assert notes_on(bot_world.sim, ticket["id"], "WH/OUT/0042") == []  # held, not in Odoo

    lead = world.who(LEAD)
    (held,) = world.services.affected.held(viewer=lead)
    assert held.who == STRANGER and "WH/OUT/0042" in held.text
    home = json.dumps(world.open_home(LEAD))
    assert "Replies held for you" in home and "WH/OUT/0042" in home
    assert "&lt;!channel&gt;" in home and "<!channel>" not in home  # held text is data
    assert f'"value": "{held.id}"' in home

    world.click(SUPER, "home_held_send", str(held.id))  # no lead: refused by the service
    refused = until(lambda: world.dms(SUPER))
    assert "Only command-center leads can send held replies to Odoo" in refused[0]
    settle()
    assert [h.id for h in world.services.affected.held(viewer=lead)] == [held.id]
    assert notes_on(bot_world.sim, ticket["id"], "WH/OUT/0042") == []

    before = len(world.published(LEAD))
    world.click(LEAD, "home_held_send", str(held.id))
    assert until(lambda: notes_on(bot_world.sim, ticket["id"], "WH/OUT/0042"))
    assert world.services.affected.held(viewer=lead) == []
    republished = until(lambda: world.published(LEAD)[before:])
    assert "WH/OUT/0042" not in json.dumps(republished[0])


def test_a_lead_dismisses_a_held_reply_and_it_never_reaches_odoo(
        world: World, bot_world: BotWorld) -> None:
    title = "Vendor bills lose their PDF after posting (access 3)"
    world.raise_report(title)
    ticket = odoo_named(bot_world.sim, title)[0]
    world.reply_in_thread(STRANGER, "Bill BILL/2026/0099 too", "EvB1")
    assert until(lambda: world.ephemerals(STRANGER))
    lead = world.who(GROUP_LEAD)  # a lead through the user group
    (held,) = until(lambda: world.services.affected.held(viewer=lead))
    world.click(STRANGER, "home_held_dismiss", str(held.id))
    assert "Only command-center leads" in until(lambda: world.dms(STRANGER))[0]
    settle()
    assert [h.id for h in world.services.affected.held(viewer=lead)] == [held.id]
    world.click(GROUP_LEAD, "home_held_dismiss", str(held.id))
    assert until(lambda: world.services.affected.held(viewer=lead) == [])
    settle()
    assert notes_on(bot_world.sim, ticket["id"], "BILL/2026/0099") == []
    assert until(lambda: world.published(GROUP_LEAD))  # the Home shown anew


def test_resolved_here_is_for_the_reporter_or_a_lead(world: World, bot_world: BotWorld) -> None:
    title = "Where do I set the default incoterm? (access 4)"
    raised_id = world.raise_report(title)
    ticket = odoo_named(bot_world.sim, title)[0]

    def stage_folded() -> bool:
        stages = bot_world.sim.store.tables["helpdesk.stage"]
        row = bot_world.sim.store.tables["helpdesk.ticket"][ticket["id"]]
        return bool(stages[row["stage_id"]]["fold"])

    world.click(STRANGER, "raise_resolved", str(raised_id), channel=SHARED, ts="222.333",
                thread_ts=THREAD)
    told = until(lambda: world.ephemerals(STRANGER))
    assert "Only the person who raised it, or a lead, can mark reports resolved" in told[0]
    settle()
    assert world.services.threads.resolved_locally() == 0 and not stage_folded()
    assert not [c for c in world.mock.calls("chat.postMessage")
                if "resolved" in str(c.payload.get("text"))]
    world.click(SUPER, "raise_resolved", str(raised_id), channel=SHARED, ts="222.333",
                thread_ts=THREAD)
    assert until(lambda: world.services.threads.resolved_locally() == 1)
    assert until(stage_folded)


# -- alert buttons ------------------------------------------------------------------------------

@dataclass
class Alerts:
    world: World
    ref: str

    def deliver(self) -> None:
        world = self.world
        sender = SlackDeliverer(build_client(BOT_TOKEN, world.mock.url),
                                world.services.context.settings.slack,
                                clock=world.services.context.clock)
        report = world.services.delivery.deliver(sender)
        assert report.dead == 0, report.errors

    def post_to(self, channel: str) -> dict[str, Any]:
        posts = [c for c in self.world.mock.calls("chat.postMessage")
                 if c.answer.get("ok") and c.answer["channel"] == channel]
        return posts[-1].answer

    def escalate(self) -> None:
        self.world.services.sla.escalate(ref=self.ref, viewer=self.world.who(LEAD))
        self.deliver()

    def escalations(self) -> list[EscalationView]:
        return self.world.services.sla.escalations_for(ref=self.ref,
                                                       viewer=self.world.who(LEAD))

    def updates(self, post: dict[str, Any]) -> list[Any]:
        return [c for c in self.world.mock.calls("chat.update")
                if c.payload["ts"] == post["ts"]]

    def click(self, user: str, post: dict[str, Any], action: str,
              selected: str | None = None) -> None:
        self.world.click(user, action, "{}", channel=post["channel"], ts=post["ts"],
                         selected=selected)


@pytest.fixture
def alerts(world: World) -> Alerts:
    lead = world.who(LEAD)
    ref = next(t.ref for t in world.services.tickets.list_tickets(viewer=lead, open_only=True)
               if not t.confidential)
    return Alerts(world, ref)


def _state(alerts: Alerts) -> tuple[Any, ...]:
    """What an alert button could change: escalations, the outbox, the ticket's category."""
    services, lead = alerts.world.services, alerts.world.who(LEAD)
    ticket = services.tickets.show_ticket(ref=alerts.ref, viewer=lead).ticket
    return (tuple((e.level, e.status, e.acknowledged_by, e.approved_by)
                  for e in alerts.escalations()),
            len(services.sla.list_outbox()), ticket.category)


@pytest.mark.parametrize(("verb", "right", "wrong", "refusal"), [
    ("alert_ack", SUPER, STRANGER, "this one is for someone else"),
    ("alert_claim", SUPER, STRANGER, "this one is for someone else"),
    ("alert_snooze", SUPER, STRANGER, "this one is for someone else"),
    ("alert_classify", LEAD, SUPER, "Only command-center leads can classify tickets"),
    ("alert_escalate", GROUP_LEAD, SUPER, "Only command-center leads can escalate tickets"),
])
def test_alert_buttons_act_for_the_right_role_only(alerts: Alerts, verb: str, right: str,
                                                   wrong: str, refusal: str) -> None:
    alerts.escalate()  # L1: the super-user, by DM
    post = alerts.post_to("D0SUPER")
    current = _state(alerts)[2]
    category = next(c for c in ("defect", "training_gap", "policy_ambiguity") if c != current)
    selected = category if verb == "alert_classify" else None
    before = _state(alerts)
    alerts.click(wrong, post, verb, selected)
    told = until(lambda: alerts.world.ephemerals(wrong))
    assert refusal in told[0]
    settle()
    assert _state(alerts) == before and alerts.updates(post) == []
    alerts.click(right, post, verb, selected)
    assert until(lambda: alerts.updates(post))  # done, and shown on the message
    assert _state(alerts) != before
    if verb == "alert_classify":
        assert _state(alerts)[2] == category


def test_a_member_of_a_lead_user_group_approves_a_non_member_is_refused(
        alerts: Alerts) -> None:
    for _ in range(3):  # L1, L2, then L3: waits for a lead's approval
        alerts.escalate()
    request = alerts.post_to("D0LEAD")
    assert '"alert_approve"' in json.dumps(request["message"]["blocks"])

    def l3() -> str:
        return next(e.status for e in alerts.escalations() if e.level == 3)

    for wrong in (STRANGER, SUPER):
        alerts.click(wrong, request, "alert_approve")
        told = until(partial(alerts.world.ephemerals, wrong))
        assert "Only command-center leads can approve L3/L4 escalations" in told[0]
    settle()
    assert l3() == "pending_approval" and alerts.updates(request) == []
    alerts.click(GROUP_LEAD, request, "alert_approve")
    assert until(lambda: l3() == "open")
    groups = [c.payload.get("usergroup") for c in alerts.world.mock.calls(
        "usergroups.users.list")]
    assert LEADS in groups  # membership read from Slack


def test_link_to_known_issue_form_and_its_submit_are_for_super_users(alerts: Alerts) -> None:
    world = alerts.world
    alerts.escalate()
    post = alerts.post_to("D0SUPER")
    alerts.click(STRANGER, post, "alert_link_ki")
    told = until(lambda: world.ephemerals(STRANGER))
    assert "Only super-users can link tickets to known issues" in told[0]
    settle()
    assert no_raise_form_opened(world)

    alerts.click(SUPER, post, "alert_link_ki")
    view = until(lambda: world.mock.calls("views.open"))[0].payload["view"]
    issue = view["blocks"][0]["element"]["options"][0]["value"]
    values = {"known_issue": {"value": {"type": "static_select",
                                        "selected_option": {"value": issue}}}}
    metadata = json.loads(view["private_metadata"])
    lead = world.who(LEAD)

    def linked() -> str:
        return world.services.tickets.show_ticket(ref=alerts.ref, viewer=lead).ticket.known_issue

    before = linked()
    world.submit(STRANGER, "alert_link_ki_submit", values, "VLINK1", metadata)  # forged
    refused = until(lambda: world.dms(STRANGER))
    assert "Only super-users can link tickets to known issues" in refused[0]
    settle()
    assert linked() == before and alerts.updates(post) == []
    world.submit(SUPER, "alert_link_ki_submit", values, "VLINK2", metadata)
    assert until(lambda: linked() == f"KI-{issue}")
    assert until(lambda: alerts.updates(post))


# -- what people may see -------------------------------------------------------------------------

def test_status_of_a_confidential_ticket_is_the_leads_to_read(world: World) -> None:
    (payroll,) = [t for t in world.services.tickets.list_tickets(viewer=world.who(LEAD))
                  if t.title == PAYROLL_TITLE]
    world.command(LEAD, f"status {payroll.ref}", key="lead")
    world.command(STRANGER, f"status {payroll.ref}", key="stranger")
    lead = until(lambda: world.answered("lead"))[0]
    stranger = until(lambda: world.answered("stranger"))[0]
    assert PAYROLL_TITLE in lead
    assert payroll.ref in stranger and "Confidential ticket" in stranger
    assert "payslip" not in stranger.lower() and "salary" not in stranger.lower()


def test_a_ticket_of_a_company_someone_may_not_see_is_not_found(
        make_services: Callable[..., Services], serve: Callable[[Services], Any],
        mock_slack: MockSlack, bot_world: BotWorld) -> None:
    mock_slack.workspace.users[STRANGER] = "stan@acme.example"
    services = make_services(roles={"leads": [LEAD],
                                    "companies": {STRANGER: ["Nobody's Company"]}})
    world = World(services, serve(services), mock_slack)
    world.command(STRANGER, f"status {bot_world.known_issue_ref}", key="other")
    world.command(LEAD, f"status {bot_world.known_issue_ref}", key="lead")
    assert "no synced ticket you may see" in until(lambda: world.answered("other"))[0]
    assert bot_world.known_issue_ref in until(lambda: world.answered("lead"))[0]
    assert "no synced ticket" not in world.answered("lead")[0]
