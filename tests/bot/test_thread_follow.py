"""A raised report's thread and its Odoo chatter kept in step, and "Resolved here": signed
requests into Bolt, the mock Slack Web API, the Odoo simulator over real HTTP."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient

from hypercare.bot.directory import SlackDirectory
from hypercare.bot.listeners import register_all
from hypercare.bot.listeners.threads import post_thread_updates
from hypercare.odoo.sim import OdooSimulator
from hypercare.services import Services
from tests.bot.test_raise_flow import NOW, SECRET, USER, dispatch, form, odoo_named, submission
from tests.slack_mock import MockSlack, sign_request
from tests.support import ServicesFactory, new_services, sqlite_settings, viewer
from tests.sync.conftest import client_for, make_sim, odoo_settings

THREAD = "111.222"
World = tuple[App, MockSlack, Services]


@pytest.fixture(scope="module")
def sim() -> Iterator[OdooSimulator]:
    simulator = make_sim(flavor="enterprise", version="19.0", tickets=30, now=NOW)
    try:
        yield simulator
    finally:
        simulator.stop()


@pytest.fixture
def make_world(sim: OdooSimulator, tmp_path: Path) -> Iterator[Callable[..., World]]:
    mocks: list[MockSlack] = []
    with ServicesFactory(tmp_path, clock=lambda: NOW) as build:

        def factory(write_mode: str = "full", **extra: Any) -> World:
            services = build(sqlite_settings(
                build.store(f"bot{len(mocks)}.db"), model_dir=tmp_path / "models",
                odoo=odoo_settings(sim, protocol="json2", write_mode=write_mode), **extra))
            services.sync.run_sync()
            mock = MockSlack(users={USER: "anna@acme.example", "U0OTHER": "otto@acme.example"})
            mock.start()
            mocks.append(mock)
            client = WebClient(token=mock.token, base_url=mock.url)
            services.context.use_directory(SlackDirectory(lambda: client))  # as build_app
            app = App(client=client, signing_secret=SECRET, token_verification_enabled=False)
            register_all(app, services)
            return app, mock, services

        yield factory
        sim.clear_faults()
    for mock in mocks:
        mock.stop()


@pytest.fixture
def world(make_world: Callable[..., World]) -> World:
    return make_world()


def raise_one(world: World, sim: OdooSimulator, title: str, **extra: Any) -> dict[str, Any]:
    """Raise a report from thread ``THREAD`` of C1; the Odoo ticket it created."""
    app, mock, _ = world
    values = form(title)
    if extra.get("resolved"):
        values["resolved"] = {"value": {"type": "checkboxes",
                                        "selected_options": [{"value": "resolved"}]}}
    dispatch(app, submission("raise_issue", values, view_id=f"V-{title}"))
    mock.wait_for("chat.postMessage", timeout=30)
    return odoo_named(sim, title)[0]


def thread_reply(app: App, text: str, event_id: str, *, retry: int = 0,
                 user: str = USER, bot: bool = False) -> Any:
    event: dict[str, Any] = {"type": "message", "channel": "C1", "user": user, "text": text,
                             "ts": f"{time.time():.6f}", "thread_ts": THREAD,
                             "channel_type": "channel"}
    if bot:
        event["bot_id"] = "B0BOT"
    body = json.dumps({"token": "legacy", "team_id": "T1", "api_app_id": "A1",
                       "type": "event_callback", "event_id": event_id,
                       "event_time": int(time.time()), "event": event})
    headers = {"content-type": "application/json", **sign_request(body.encode(), SECRET)}
    if retry:
        headers |= {"x-slack-retry-num": str(retry), "x-slack-retry-reason": "http_timeout"}
    return app.dispatch(BoltRequest(body=body, headers=headers))


def odoo_reply(sim: OdooSimulator, ticket_id: int, html: str,
               subtype: str = "mail.mt_comment") -> None:
    """Post on the ticket's chatter in Odoo, as a consultant would (public reply by default)."""
    client = client_for(sim, protocol="json2")
    try:
        client.call("helpdesk.ticket", "message_post", ids=[ticket_id], body=html,
                    message_type="comment", subtype_xmlid=subtype)
    finally:
        client.close()


def notes_on(sim: OdooSimulator, ticket_id: int, needle: str) -> list[dict[str, Any]]:
    messages = sim.store.tables["mail.message"]
    note = sim.store.search("mail.message.subtype", [("name", "=", "Note")])
    return [m for m in messages.values()
            if m.get("model") == "helpdesk.ticket" and m.get("res_id") == ticket_id
            and needle in str(m.get("body")) and m.get("subtype_id") in note]


def wait_until(check: Callable[[], Any], timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_thread_reply_becomes_one_internal_note_despite_retries(world: World,
                                                                sim: OdooSimulator) -> None:
    app, mock, _ = world
    ticket = raise_one(world, sim, "Credit notes lose the analytic account (thread 1)")
    assert thread_reply(app, "Same for me on RINV/0007 <!channel>", "Ev001").status == 200
    assert wait_until(lambda: notes_on(sim, ticket["id"], "RINV/0007"))
    assert thread_reply(app, "Same for me on RINV/0007 <!channel>", "Ev001",
                        retry=1).status == 200
    assert thread_reply(app, "ignored: the bot's own message", "Ev002", bot=True).status == 200
    time.sleep(1.0)
    notes = notes_on(sim, ticket["id"], "RINV/0007")
    assert len(notes) == 1  # the retried event made no second note
    assert "Anna" in str(notes[0]["body"]) and "&lt;!channel&gt;" in str(notes[0]["body"])
    assert notes_on(sim, ticket["id"], "the bot's own message") == []
    reaction = mock.wait_for("reactions.add")[0].payload
    assert reaction["name"] == "heavy_check_mark" and reaction["channel"] == "C1"


def test_replies_before_the_ticket_exists_follow_it_into_odoo(world: World,
                                                              sim: OdooSimulator) -> None:
    app, mock, services = world
    title = "Goods receipts cannot be validated (thread 2)"
    sim.inject_fault("http_503", count=500)
    dispatch(app, submission("raise_issue", form(title), view_id="V-t2"))
    assert "HC-" in json.dumps(mock.wait_for("chat.postMessage", timeout=30)[0].payload)
    thread_reply(app, "It happens on PO00077 too", "Ev010")
    told = wait_until(lambda: mock.calls("chat.postEphemeral"))
    thread_reply(app, "It happens on PO00077 too", "Ev010", retry=1)  # Slack's retry
    time.sleep(0.5)
    assert len(mock.calls("chat.postEphemeral")) == 1  # the retry is not answered again
    assert "kept" in told[0].payload["text"] and "not in Odoo yet" in told[0].payload["text"]
    sim.clear_faults()
    services.raising.deliver_pending()
    ticket = odoo_named(sim, title)[0]
    assert len(notes_on(sim, ticket["id"], "PO00077")) == 1


def test_odoo_public_replies_and_stage_changes_reach_the_thread_once(
        world: World, sim: OdooSimulator) -> None:
    app, mock, services = world
    ticket = raise_one(world, sim, "Delivery slips show the wrong address (thread 3)")
    odoo_reply(sim, ticket["id"], "<p>Fixed in the report template; please print again.</p>")
    odoo_reply(sim, ticket["id"], "<p>internal: customer is grumpy</p>", "mail.mt_note")
    client = client_for(sim, protocol="json2")
    try:
        solved = client.search("helpdesk.stage", [("fold", "=", True)], limit=1)[0]
        client.write("helpdesk.ticket", [ticket["id"]], {"stage_id": solved})
    finally:
        client.close()
    services.sync.run_sync()
    before = len(mock.calls("chat.postMessage"))
    assert post_thread_updates(services, app.client) == 1
    update = mock.calls("chat.postMessage")[before].payload
    shown = json.dumps(update["blocks"])
    assert update["channel"] == "C1" and update["thread_ts"] == THREAD
    assert "please print again" in shown and "Stage:" in shown and "Solved" in shown
    assert "grumpy" not in shown  # internal notes stay in Odoo
    assert post_thread_updates(services, app.client) == 0  # told once


def test_resolved_here_closes_the_ticket_as_a_training_gap(make_world: Callable[..., World],
                                                           sim: OdooSimulator) -> None:
    world = make_world(roles={"leads": ["U0LEAD"]})
    app, mock, services = world
    title = "How do I reprint a payslip? (thread 4)"
    ticket = raise_one(world, sim, title)
    reply = mock.calls("chat.postMessage")[-1].payload
    button = next(e for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"])
    assert button["action_id"] == "raise_resolved"

    def click(user: str) -> None:
        dispatch(app, {"type": "block_actions", "team": {"id": "T1"}, "user": {"id": user},
                       "api_app_id": "A1", "token": "legacy", "trigger_id": "T.9",
                       "channel": {"id": "C1"}, "container": {"type": "message"},
                       "message": {"ts": "222.333", "thread_ts": THREAD},
                       "actions": [{"action_id": "raise_resolved", "value": button["value"],
                                    "type": "button", "block_id": "b"}]})

    click("U0OTHER")  # not the reporter, not a lead
    refused = wait_until(lambda: mock.calls("chat.postEphemeral"))
    assert "Only the person who raised it, or a lead" in json.dumps(refused[0].payload)
    assert refused[0].payload["user"] == "U0OTHER"
    assert services.threads.resolved_locally() == 0  # refused: nothing recorded
    click(USER)
    told = wait_until(lambda: [c for c in mock.calls("chat.postMessage")
                               if "Marked resolved" in str(c.payload.get("text"))])
    assert "closed in Odoo" in told[0].payload["text"]
    assert told[0].payload["thread_ts"] == THREAD
    stage = sim.store.tables["helpdesk.stage"][sim.store.tables["helpdesk.ticket"][
        ticket["id"]]["stage_id"]]
    assert stage["fold"] is True
    assert notes_on(sim, ticket["id"], "training gap handled locally")
    detail = services.tickets.show_ticket(ref=f"#{ticket['id']}", viewer=viewer(services, USER))
    assert detail.ticket.category == "training_gap"
    assert services.threads.resolved_locally() == 1


def test_answered_already_creates_the_ticket_closed(world: World, sim: OdooSimulator) -> None:
    _, _, services = world
    ticket = raise_one(world, sim, "Where is the vendor bill upload? (thread 5)", resolved=True)
    stage = sim.store.tables["helpdesk.stage"][ticket["stage_id"]]
    assert stage["fold"] is True
    assert services.threads.resolved_locally() == 1


def test_without_full_write_mode_the_note_asks_the_team_to_close(
        make_world: Callable[..., World], sim: OdooSimulator) -> None:
    world = make_world("create_and_note")
    _, mock, services = world
    ticket = raise_one(world, sim, "Which tax for EU services? (thread 6)")
    value = next(e for b in mock.calls("chat.postMessage")[-1].payload["blocks"]
                 if b["type"] == "actions" for e in b["elements"])["value"]
    text = services.threads.resolve(raised_id=int(value), viewer=viewer(services, USER))
    assert "for the command center to close" in text
    stage = sim.store.tables["helpdesk.stage"][sim.store.tables["helpdesk.ticket"][
        ticket["id"]]["stage_id"]]
    assert not stage["fold"]
    assert notes_on(sim, ticket["id"], "Please close the ticket")


def test_confidential_replies_never_reach_a_shared_thread(world: World,
                                                          sim: OdooSimulator) -> None:
    app, mock, services = world
    ticket = raise_one(world, sim, "Payroll: payslip of employee 4711 shows the wrong net "
                                   "salary (thread 7)")
    odoo_reply(sim, ticket["id"], "<p>Her net salary is 4,210 EUR after the correction.</p>")
    services.sync.run_sync()
    before = len(mock.calls("chat.postMessage"))
    assert post_thread_updates(services, app.client) == 1
    shown = json.dumps(mock.calls("chat.postMessage")[before].payload)
    assert "4,210" not in shown and "confidential" in shown


def test_follow_up_round_goes_on_when_a_step_fails(world: World, sim: OdooSimulator,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The ``slack_followups`` job: a failing step (here: the reports raised in Odoo) is
    logged and the threads are still told."""
    from hypercare.bot.launch import FollowUps
    from hypercare.bot.listeners import raising

    app, mock, services = world
    ticket = raise_one(world, sim, "Quotations lose their discount (thread 8)")
    odoo_reply(sim, ticket["id"], "<p>Known since Monday, fix on Thursday.</p>")
    services.sync.run_sync()

    def broken(*_args: object) -> int:
        raise ConnectionError("the store went away")

    monkeypatch.setattr(raising, "post_delivered", broken)
    before = len(mock.calls("chat.postMessage"))
    done = FollowUps(app, services).run_once()
    assert "reports raised in Odoo: failed (ConnectionError)" in done
    shown = json.dumps([c.payload for c in mock.calls("chat.postMessage")[before:]])
    assert "fix on Thursday" in shown


def test_a_bot_runs_its_jobs_until_a_serve_runs(world: World, sim: OdooSimulator) -> None:
    """A bot with no serve takes its jobs (delivery, follow-ups, write-back, sync, sweep)
    and gives them all up at the first heartbeat that sees a serve."""
    from hypercare.bot.launch import RunningBot, bot_jobs
    from hypercare.services.outbox.notifications import enqueue

    app, mock, services = world
    with services.context.store().session() as session:
        enqueue(session, services.context.settings, kind="weekly_pack", key="loop:test",
                recipient="C0LOOP", payload={"week": "2026-W46", "headline": [],
                                             "summary": [], "files": []},
                now=services.context.clock(), urgent=True)
    jobs = bot_jobs(RunningBot(app, "test"), services)
    try:
        jobs.beat()
        assert jobs.leases.held == {"outbox_deliver", "slack_followups", "writeback_retry",
                                    "sync", "triage_sweep"}

        def posted() -> list[Any]:
            return [c for c in mock.calls("chat.postMessage") if c.payload["channel"] == "C0LOOP"]

        deadline = time.monotonic() + 30
        while not posted() and time.monotonic() < deadline:  # taken over: delivered at once
            time.sleep(0.05)
        assert len(posted()) == 1 and "2026-W46" in str(posted()[0].payload)
        serve = new_services(services.context.settings)  # another process, as far as locks go
        try:
            assert serve.job_leases("serve").claim_serve()
            jobs.beat()
            assert jobs.leases.held == set()
            assert {s.name: s.holder for s in services.job_records.states()
                    if s.holder} == {}
        finally:
            serve.close()
        jobs.beat()  # the serve is gone: the bot takes its jobs back
        assert "sync" in jobs.leases.held
    finally:
        jobs.stop()
