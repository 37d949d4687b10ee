"""Raising from Slack end to end: signed requests into Bolt, the mock Web API, the simulator."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient

from hypercare.bot.directory import SlackDirectory
from hypercare.bot.listeners import raising
from hypercare.odoo.sim import OdooSimulator
from hypercare.services import RaiseRequest, Services
from tests.slack_mock import MockSlack, sign_request
from tests.support import ServicesFactory, sqlite_settings, viewer
from tests.sync.conftest import make_sim, odoo_settings

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
SECRET = "test-signing-secret"
USER = "U0ANNA"


@pytest.fixture(scope="module")
def sim() -> Iterator[OdooSimulator]:
    simulator = make_sim(flavor="enterprise", version="19.0", tickets=40, now=NOW)
    try:
        yield simulator
    finally:
        simulator.stop()


@pytest.fixture
def world(sim: OdooSimulator, tmp_path: Path) -> Iterator[tuple[App, MockSlack, Services]]:
    with ServicesFactory(tmp_path, clock=lambda: NOW) as build:
        services = build(sqlite_settings(build.store("bot.db"), model_dir=tmp_path / "models",
                                         odoo=odoo_settings(sim, protocol="json2")))
        services.sync.run_sync()
        with MockSlack(users={USER: "anna@acme.example"}) as mock:
            client = WebClient(token=mock.token, base_url=mock.url)
            services.context.use_directory(SlackDirectory(lambda: client))  # as build_app
            app = App(client=client, signing_secret=SECRET, token_verification_enabled=False)
            raising.register(app, services)
            try:
                yield app, mock, services
            finally:
                sim.clear_faults()


def dispatch(app: App, payload: dict[str, Any]) -> Any:
    body = urlencode({"payload": json.dumps(payload)}).encode()
    headers = {"content-type": "application/x-www-form-urlencoded",
               **sign_request(body, SECRET)}
    return app.dispatch(BoltRequest(body=body.decode(), headers=headers))


def submission(callback: str, values: dict[str, Any], view_id: str = "V1",
               metadata: dict[str, str] | None = None) -> dict[str, Any]:
    return {"type": "view_submission", "team": {"id": "T1"}, "user": {"id": USER},
            "api_app_id": "A1", "token": "legacy",
            "view": {"id": view_id, "callback_id": callback, "type": "modal",
                     "private_metadata": json.dumps(metadata or {"channel": "C1",
                                                                 "thread_ts": "111.222",
                                                                 "message_ts": "111.222"}),
                     "state": {"values": values}}}


def form(title: str, **extra: Any) -> dict[str, Any]:
    def text(value: str) -> dict[str, Any]:
        return {"value": {"type": "plain_text_input", "value": value}}

    def choice(value: str) -> dict[str, Any]:
        return {"value": {"type": "static_select", "selected_option": {"value": value}}}

    values = {"title": text(title),
              "what_happened": text(extra.get("what", "Posting INV/2026/0042 fails with an "
                                                      "access error.")),
              "expected": text("It posts."), "app": text("Accounting"),
              "affected_email": text(extra.get("email", "")), "company": text(""),
              "impact": choice("blocked"), "users_affected": text("3"),
              "urgency": choice("today")}
    return values


def odoo_named(sim: OdooSimulator, title: str) -> list[dict[str, Any]]:
    table = sim.store.tables["helpdesk.ticket"]
    return [table[i] for i in sim.store.search("helpdesk.ticket", [("name", "=", title)])]


def test_shortcut_opens_the_form_prefilled(world: tuple[App, MockSlack, Services]) -> None:
    app, mock, _ = world
    response = dispatch(app, {
        "type": "message_action", "callback_id": "raise_from_message", "trigger_id": "T.1",
        "team": {"id": "T1"}, "user": {"id": USER}, "channel": {"id": "C1"},
        "message": {"ts": "111.222", "text": "Invoices won't post @here\nsince 9:00"},
        "token": "legacy", "api_app_id": "A1"})
    assert response.status == 200
    opened = mock.wait_for("views.open")[0].payload
    view = json.loads(opened["view"]) if isinstance(opened["view"], str) else opened["view"]
    assert view["callback_id"] == "raise_issue"
    title = next(b for b in view["blocks"] if b["block_id"] == "title")
    assert title["element"]["initial_value"] == "Invoices won't post @here"
    assert json.loads(view["private_metadata"])["message_ts"] == "111.222"


def test_invalid_form_errors_show_in_the_modal(world: tuple[App, MockSlack, Services]) -> None:
    app, mock, _ = world
    response = dispatch(app, submission("raise_issue", form("", email="nope")))
    assert response.status == 200
    answer = json.loads(response.body)
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"title", "affected_email"}
    assert mock.calls("chat.postMessage") == []


def test_submit_raises_once_and_replies_in_the_thread(world: tuple[App, MockSlack, Services],
                                                      sim: OdooSimulator) -> None:
    app, mock, _ = world
    title = "Posting invoices fails (slack 1)"
    first = dispatch(app, submission("raise_issue", form(title), view_id="V100"))
    assert first.status == 200
    again = dispatch(app, submission("raise_issue", form(title), view_id="V100"))  # retried
    assert again.status == 200
    replies = mock.wait_for("chat.postMessage", timeout=30)
    time.sleep(0.5)
    assert len(mock.calls("chat.postMessage")) == 1  # one answer for the retried submit
    assert len(odoo_named(sim, title)) == 1
    reply = replies[0].payload
    assert reply["channel"] == "C1" and reply["thread_ts"] == "111.222"
    text = json.dumps(reply["blocks"])
    ticket = odoo_named(sim, title)[0]
    assert "severity" in text and "<!date^" in text and "Open in Odoo" in text
    for category in ("defect", "training", "policy"):
        assert category not in text.lower()  # the category is for the command center only
    assert "anna@acme.example" in str(ticket.get("description"))
    assert "/archives/C1/p111222" in str(ticket.get("description"))  # the message link


def test_odoo_down_replies_with_a_local_reference(world: tuple[App, MockSlack, Services],
                                                  sim: OdooSimulator) -> None:
    app, mock, services = world
    title = "Stock moves stuck (slack 2)"
    sim.inject_fault("http_503", count=500)
    dispatch(app, submission("raise_issue", form(title), view_id="V200"))
    reply = mock.wait_for("chat.postMessage", timeout=30)[0].payload
    assert "HC-" in json.dumps(reply["blocks"]) and "cannot be reached" in json.dumps(
        reply["blocks"])
    assert odoo_named(sim, title) == []
    sim.clear_faults()
    assert [r.state for r in services.raising.deliver_pending()] == ["created"]
    assert len(odoo_named(sim, title)) == 1


def test_slash_raise_opens_the_form_for_the_channel(world: tuple[App, MockSlack, Services]
                                                     ) -> None:
    from hypercare.bot.listeners import register_all

    _, mock, services = world
    app = App(client=WebClient(token=mock.token, base_url=mock.url), signing_secret=SECRET,
              token_verification_enabled=False)
    register_all(app, services)
    body = urlencode({"command": "/hypercare", "text": "raise Invoices do not post",
                      "trigger_id": "T.2", "user_id": USER, "channel_id": "C9",
                      "team_id": "T1", "response_url": mock.response_url("r1")}).encode()
    headers = {"content-type": "application/x-www-form-urlencoded",
               **sign_request(body, SECRET)}
    response = app.dispatch(BoltRequest(body=body.decode(), headers=headers))
    assert response.status == 200
    opened = mock.wait_for("views.open")[0].payload
    view = json.loads(opened["view"]) if isinstance(opened["view"], str) else opened["view"]
    title = next(b for b in view["blocks"] if b["block_id"] == "title")
    assert title["element"]["initial_value"] == "Invoices do not post"
    assert json.loads(view["private_metadata"])["channel"] == "C9"
    submitted = submission("raise_issue", form("Invoices do not post (slack 5)"),
                           view_id="V500", metadata=json.loads(view["private_metadata"]))
    dispatch(app, submitted)
    root = mock.wait_for("chat.postMessage", timeout=30)[0]
    assert root.payload["channel"] == "C9" and not root.payload.get("thread_ts")
    deadline = time.monotonic() + 10  # the listener records the root right after posting it
    while True:
        raised = services.raising.raise_issue(
            request=RaiseRequest(title="x", what_happened="y"), idempotency_key="raise:V500",
            viewer=viewer(services, USER))
        if raised.thread_ts or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert raised.duplicate and raised.channel == "C9" and raised.thread_ts  # the thread root


def test_matching_known_issue_step_links_a_plus_one(world: tuple[App, MockSlack, Services],
                                                    sim: OdooSimulator) -> None:
    app, mock, services = world
    lea = viewer(services, "lea")  # no roles.leads: everyone leads
    issue = services.known_issues.create(title="Posting customer invoices fails with an "
                                         "access error", viewer=lea, app="Accounting")
    services.known_issues.set_workaround(known_issue_id=issue.id, text="Post from the list view",
                                         viewer=lea)
    title = "Posting customer invoices fails (slack 3)"
    step1 = dispatch(app, submission("raise_issue", form(title), view_id="V300"))
    answer = json.loads(step1.body)
    assert answer["response_action"] == "update"
    shown = json.dumps(answer["view"])
    assert f"KI-{issue.id}" in shown and "Post from the list view" in shown
    assert mock.calls("chat.postMessage") == []  # nothing raised yet
    choice = {"known_issue": {"value": {"type": "radio_buttons",
                                        "selected_option": {"value": str(issue.id)}}}}
    dispatch(app, submission("raise_confirm", choice, view_id="V300"))
    reply = json.dumps(mock.wait_for("chat.postMessage", timeout=30)[0].payload["blocks"])
    assert f"KI-{issue.id}" in reply and "Post from the list view" in reply
    assert len(odoo_named(sim, title)) == 1


def test_kept_report_reference_is_posted_in_its_thread(world: tuple[App, MockSlack, Services],
                                                       sim: OdooSimulator) -> None:
    from hypercare.bot.listeners.raising import post_delivered

    app, mock, services = world
    title = "Picking lists print twice (slack 4)"
    sim.inject_fault("http_503", count=500)
    dispatch(app, submission("raise_issue", form(title), view_id="V400"))
    first = mock.wait_for("chat.postMessage", timeout=30)[0].payload
    assert "HC-" in json.dumps(first["blocks"])
    assert post_delivered(services, app.client) == 0  # Odoo still down: nothing posted
    sim.clear_faults()
    assert post_delivered(services, app.client) == 1
    later = mock.wait_for("chat.postMessage", count=2, timeout=30)[1].payload
    ticket = odoo_named(sim, title)[0]
    assert later["channel"] == "C1" and later["thread_ts"] == "111.222"
    assert str(ticket.get("ticket_ref") or ticket["id"]) in json.dumps(later["blocks"])
