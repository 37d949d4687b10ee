"""The App Home tab and ``/hypercare standup`` / ``kpi``, through signed Bolt requests to the
mock Slack Web API, on a store synced from the Odoo simulator."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient
from slack_sdk.models.views import View

from hypercare.bot.directory import SlackDirectory
from hypercare.bot.listeners import register_all
from hypercare.services import RaiseRequest, Services
from tests.bot.conftest import REPORTER, SIGNING_SECRET, answer_text, command_body
from tests.slack_mock import MockSlack, sign_request
from tests.support import viewer

LEAD = "U0LEAD"


@pytest.fixture
def app(make_services: Callable[..., Services], mock_slack: MockSlack) -> App:
    services = make_services(roles={"leads": [LEAD]})
    client = WebClient(token=mock_slack.token, base_url=mock_slack.url)
    services.context.use_directory(SlackDirectory(lambda: client))  # as build_app does
    bolt = App(client=client, signing_secret=SIGNING_SECRET, token_verification_enabled=False)
    register_all(bolt, services)
    bolt.services = services  # type: ignore[attr-defined]
    return bolt


def dispatch(app: App, body: bytes, kind: str) -> Any:
    headers = {"content-type": kind, **sign_request(body, SIGNING_SECRET)}
    return app.dispatch(BoltRequest(body=body.decode(), headers=headers))


def open_home(app: App, mock: MockSlack, user: str) -> dict[str, Any]:
    before = len(mock.calls("views.publish"))
    event = {"type": "event_callback", "team_id": "T0HYPER", "api_app_id": "A0HYPER",
             "event_id": f"Ev{time.time_ns()}", "event_time": int(time.time()),
             "event": {"type": "app_home_opened", "user": user, "channel": "D0HOME",
                       "tab": "home"}}
    assert dispatch(app, json.dumps(event).encode(), "application/json").status == 200
    call = mock.wait_for("views.publish", count=before + 1, timeout=20)[before]
    assert call.payload["user_id"] == user
    view = call.payload["view"]
    return view if isinstance(view, dict) else json.loads(view)


def test_home_shows_the_reporters_reports_and_known_issues(app: App,
                                                           mock_slack: MockSlack) -> None:
    services: Services = app.services  # type: ignore[attr-defined]
    raised = services.raising.raise_issue(
        request=RaiseRequest(title="Goods receipt <!here> blocked", what_happened="It fails"),
        idempotency_key="home:1", viewer=viewer(services, REPORTER))
    email = mock_slack.workspace.users[REPORTER]
    reported = services.tickets.list_reported_by(viewer=viewer(services, REPORTER, email=email),
                                                 limit=500)
    company = Counter(t.company for t in reported).most_common(1)[0][0]
    theirs = next(t for t in reported if t.company == company)  # the issue affects them
    issue = next(k for k in services.known_issues.list_issues() if k.workaround)
    services.known_issues.link(known_issue_id=issue.id, ref=theirs.ref,
                               viewer=viewer(services, LEAD))
    view = open_home(app, mock_slack, REPORTER)
    assert View(**{k: v for k, v in view.items() if k != "id"}).to_dict()  # validates
    assert len(view["blocks"]) <= 100
    shown = json.dumps(view)
    assert "Your reports" in shown and (raised.odoo_ref or raised.local_ref) in shown
    assert "&lt;!here&gt;" in shown and "<!here>" not in shown
    assert f"Known issues at {company}" in shown
    assert "Credit note lines lose the analytic account" in shown
    assert "Waiting for acknowledgement" not in shown  # not a lead
    assert "Replies held for you" not in shown
    assert '"home_raise"' in shown  # no roles.super_users: everyone raises


def test_a_lead_also_sees_what_waits_for_acknowledgement(app: App,
                                                         mock_slack: MockSlack) -> None:
    services: Services = app.services  # type: ignore[attr-defined]
    lead = viewer(services, LEAD)
    ref = next(t.ref for t in services.tickets.list_tickets(viewer=lead, open_only=True)
               if not t.confidential)
    services.sla.escalate(ref=ref, viewer=lead)
    shown = json.dumps(open_home(app, mock_slack, LEAD))
    assert "Waiting for acknowledgement" in shown and ref in shown


@pytest.mark.parametrize(("text", "expected"), [("standup", "Stand-up agenda"),
                                                ("kpi", "KPI headline")])
def test_standup_and_kpi_commands_answer(app: App, mock_slack: MockSlack, text: str,
                                         expected: str) -> None:
    body = command_body(text, mock_slack.response_url(text))
    response = dispatch(app, body, "application/x-www-form-urlencoded")
    assert response.status == 200
    (answer,) = mock_slack.wait_for("response_url", timeout=20)
    assert expected in answer_text(answer)
    assert answer.payload["response_type"] == "ephemeral"
