"""Bot fixtures: a synced simulator store (copied per test), the mock Slack Web API, and the
bot's threaded HTTP server with requests signed exactly as Slack signs them.

The store is built like ``tests/tui/conftest.py`` (simulator, one confidential payroll
ticket, sync, SLA sweep, a known issue with a workaround) without importing Textual.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from hypercare.config import Settings
from hypercare.odoo.sim import OdooSimulator
from hypercare.services import Services
from tests.slack_mock import MockSlack, sign_request
from tests.support import ServicesFactory, viewer, watching
from tests.sync.conftest import client_for, make_sim, odoo_settings

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
BOT_TOKEN = "xoxb-1111-2222-valid-test-token"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
APP_TOKEN = "xapp-1-A111-222-test-app-token"
REPORTER = "U0REPORTER"
PAYROLL_TITLE = "Payroll: payslip of employee 4711 shows the wrong salary"


@dataclass
class BotWorld:
    sim: OdooSimulator
    golden: Path
    model_dir: Path
    reporter_email: str
    """The e-mail of an Odoo partner who reported several tickets."""
    known_issue_ref: str
    """A ticket linked to a known issue with a workaround."""


def settings_for(world: BotWorld, db: Path, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": f"sqlite:///{db}",
        "odoo": odoo_settings(world.sim, protocol="json2"),
        "timezone": "Europe/Brussels",
        "triage": {"model_dir": str(world.model_dir)},
    }
    values.update(extra)
    return Settings(**values)


@pytest.fixture(scope="session")
def bot_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotWorld]:
    root = tmp_path_factory.mktemp("bot-world")
    sim = make_sim(flavor="enterprise", version="19.0", tickets=60, days=6, now=NOW)
    client = client_for(sim, protocol="json2")
    try:  # an HR ticket: confidential
        client.create("helpdesk.ticket", {
            "name": PAYROLL_TITLE,
            "description": "<p>The November payslip shows last year's salary.</p>",
            "team_id": client.search("helpdesk.team", [], limit=1)[0]})
    finally:
        client.close()
    world = BotWorld(sim, root / "golden.db", root / "models", "", "")
    with ServicesFactory(clock=lambda: NOW) as build:
        services = build(settings_for(world, world.golden))
        services.sync.run_sync()
        watching(services)  # the command center has been watching since go-live
        services.sla.sweep()
        lea = viewer(services, "lea")  # no roles.leads: everyone leads
        tickets = services.tickets.list_tickets(viewer=lea)
        open_refs = [t.ref for t in tickets if not t.is_closed and not t.confidential]
        issue = services.known_issues.create(
            title="Credit note lines lose the analytic account", viewer=lea, severity=2,
            ticket_refs=tuple(open_refs[:2]))
        services.known_issues.set_workaround(
            known_issue_id=issue.id, viewer=lea,
            text="Set the analytic account again on each line before posting <!channel>.")
        emails: dict[str, int] = {}
        for ticket in tickets:
            if ticket.partner_email:
                emails[ticket.partner_email] = emails.get(ticket.partner_email, 0) + 1
        world.reporter_email = max(emails, key=lambda e: emails[e])
        world.known_issue_ref = open_refs[0]
    try:
        yield world
    finally:
        sim.stop()


@pytest.fixture
def mock_slack(bot_world: BotWorld) -> Iterator[MockSlack]:
    with MockSlack(token=BOT_TOKEN, users={REPORTER: bot_world.reporter_email.upper(),
                                           "U0NOMAIL": ""}) as mock:
        yield mock


@pytest.fixture
def make_services(bot_world: BotWorld, tmp_path: Path,
                  mock_slack: MockSlack) -> Iterator[Callable[..., Services]]:
    """``make_services(slack={...})``: services on a private store copy, Slack at the mock."""
    with ServicesFactory(tmp_path, clock=lambda: NOW) as made:

        def factory(**extra: Any) -> Services:
            db = made.store(copy_of=bot_world.golden)
            slack = {"bot_token": BOT_TOKEN, "signing_secret": SIGNING_SECRET,
                     "app_token": APP_TOKEN, "api_url": mock_slack.url,
                     **extra.pop("slack", {})}
            return made(settings_for(bot_world, db, slack=slack, **extra))

        yield factory


@pytest.fixture
def services(make_services: Callable[..., Services]) -> Services:
    return make_services()


@pytest.fixture
def serve() -> Iterator[Callable[[Services], Any]]:
    """``serve(services)``: the HTTP-mode bot over ``services`` on 127.0.0.1:<free port>,
    served by its threaded server (stopped after the test)."""
    from hypercare.bot.app import build_app
    from hypercare.bot.http_server import BotHttpServer

    servers: list[BotHttpServer] = []

    def start(services: Services) -> BotHttpServer:
        app = build_app(services, http=True)
        server = BotHttpServer(app, signing_secret=SIGNING_SECRET, host="127.0.0.1", port=0)
        servers.append(server.start())
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def bot_server(services: Services, serve: Callable[[Services], Any]) -> Any:
    """The HTTP-mode bot on 127.0.0.1:<free port>, served by its threaded server."""
    return serve(services)


def command_body(text: str, response_url: str, *, user: str = REPORTER,
                 channel: str = "C0SHARED") -> bytes:
    """A ``/hypercare`` slash command payload as Slack sends it (form-encoded)."""
    return urlencode({
        "token": "deprecated-verification-token", "team_id": "T0HYPER",
        "team_domain": "hypercare-test", "channel_id": channel, "channel_name": "go-live",
        "user_id": user, "user_name": "reporter", "command": "/hypercare", "text": text,
        "api_app_id": "A0HYPER", "is_enterprise_install": "false",
        "response_url": response_url, "trigger_id": "1337.42.abcdef",
    }).encode()


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """POST and return (status, body) whatever the status."""
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", **headers})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def signed_command(server: Any, mock: MockSlack, text: str, *, key: str = "abc",
                   timestamp: int | None = None, **kw: Any) -> tuple[int, str]:
    body = command_body(text, mock.response_url(key), **kw)
    return post(server.url, body, sign_request(body, SIGNING_SECRET, timestamp))


def signed_payload(server: Any, payload: dict[str, Any]) -> tuple[int, str]:
    """An interactive payload (a button, a shortcut, a form's submit) as Slack posts it:
    form-encoded ``payload=<json>``, signed."""
    body = urlencode({"payload": json.dumps(payload)}).encode()
    return post(server.url, body, sign_request(body, SIGNING_SECRET))


def signed_event(server: Any, event: dict[str, Any], *, event_id: str) -> tuple[int, str]:
    """An Events API callback around ``event``, signed."""
    body = json.dumps({"token": "legacy", "team_id": "T0HYPER", "api_app_id": "A0HYPER",
                       "type": "event_callback", "event_id": event_id,
                       "event_time": int(time.time()), "event": event}).encode()
    return post(server.url, body, {"Content-Type": "application/json",
                                   **sign_request(body, SIGNING_SECRET)})


def block_texts(node: Any, *, skip_block: str | None = None) -> list[str]:
    """Every ``text`` string in Block Kit JSON, in order (blocks with ``skip_block`` left out)."""
    found: list[str] = []
    if isinstance(node, dict):
        if skip_block is not None and node.get("block_id") == skip_block:
            return found
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                found.append(value)
            else:
                found += block_texts(value, skip_block=skip_block)
    elif isinstance(node, list):
        for item in node:
            found += block_texts(item, skip_block=skip_block)
    return found


def answer_text(call: Any) -> str:
    """Everything a reply shows: fallback text and every text in its blocks."""
    return "\n".join([str(call.payload.get("text", "")),
                      *block_texts(call.payload.get("blocks", []))])
