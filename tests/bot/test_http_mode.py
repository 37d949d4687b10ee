"""HTTP mode through the real threaded server: Slack's signatures, and /hypercare answers."""

from __future__ import annotations

import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any

from hypercare.services import Services
from tests.bot.conftest import (
    PAYROLL_TITLE,
    REPORTER,
    SIGNING_SECRET,
    BotWorld,
    answer_text,
    command_body,
    post,
    signed_command,
)
from tests.slack_mock import MockSlack, sign_request
from tests.support import viewer


def test_signed_help_is_acked_and_answered_through_the_response_url(
        bot_server: Any, mock_slack: MockSlack) -> None:
    assert signed_command(bot_server, mock_slack, "help", key="help1") == (200, "")  # the ack
    (reply,) = mock_slack.wait_for("response_url")
    assert reply.path == "/response/help1"
    assert reply.payload["response_type"] == "ephemeral"
    shown = answer_text(reply)
    for usage in ("status REF", "mine", "howto TEXT", "runbook NAME", "help"):
        assert usage in shown
    assert len(reply.payload["blocks"]) <= 50


def test_forged_signature_is_refused(bot_server: Any, mock_slack: MockSlack) -> None:
    body = command_body("help", mock_slack.response_url())
    forged = sign_request(body, "not-the-signing-secret")
    assert post(bot_server.url, body, forged)[0] == 401
    tampered = sign_request(body, SIGNING_SECRET)
    assert post(bot_server.url, body.replace(b"help", b"mine"), tampered)[0] == 401
    time.sleep(0.3)
    assert mock_slack.responses() == []


def test_unsigned_request_is_refused(bot_server: Any, mock_slack: MockSlack) -> None:
    body = command_body("help", mock_slack.response_url())
    assert post(bot_server.url, body, {})[0] == 401
    only_ts = {"X-Slack-Request-Timestamp": str(int(time.time()))}
    assert post(bot_server.url, body, only_ts)[0] == 401


def test_replayed_request_older_than_five_minutes_is_refused(
        bot_server: Any, mock_slack: MockSlack) -> None:
    old = int(time.time()) - 6 * 60
    assert signed_command(bot_server, mock_slack, "help", timestamp=old)[0] == 401
    future = int(time.time()) + 6 * 60
    assert signed_command(bot_server, mock_slack, "help", timestamp=future)[0] == 401
    assert signed_command(bot_server, mock_slack, "help",
                          timestamp=int(time.time()) - 60)[0] == 200


def test_health_and_unknown_paths(bot_server: Any) -> None:
    base = bot_server.url.removesuffix("/slack/events")
    with urllib.request.urlopen(f"{base}/healthz", timeout=5) as answer:
        assert answer.status == 200
    assert post(f"{base}/elsewhere", b"x", {})[0] == 404


def test_status_shows_state_and_severity_but_not_the_category(
        bot_server: Any, mock_slack: MockSlack, services: Services,
        bot_world: BotWorld) -> None:
    ticket = services.tickets.show_ticket(ref=bot_world.known_issue_ref,
                                          viewer=viewer(services, REPORTER)).ticket
    assert ticket.category and ticket.severity and ticket.workaround
    assert signed_command(bot_server, mock_slack, f"status {ticket.ref}")[0] == 200
    shown = answer_text(mock_slack.wait_for("response_url")[0])
    assert ticket.ref in shown and ticket.stage in shown and f"S{ticket.severity}" in shown
    assert ticket.known_issue in shown
    assert "Set the analytic account again" in shown
    assert "<!channel>" not in shown and "&lt;!channel&gt;" in shown  # workaround escaped
    assert ticket.category not in shown.lower()
    assert ticket.category.replace("_", " ") not in shown.lower()
    if ticket.sla_due_at is not None:
        assert f"<!date^{int(ticket.sla_due_at.timestamp())}^" in shown
    if ticket.url:
        assert "in Odoo>" in shown


def test_status_of_a_confidential_ticket_is_masked_for_someone_who_is_no_lead(
        make_services: Callable[..., Services], serve: Callable[[Services], Any],
        mock_slack: MockSlack) -> None:
    services = make_services(roles={"leads": ["U0LEAD"]})
    server = serve(services)
    (payroll,) = [t for t in services.tickets.list_tickets(viewer=viewer(services, "U0LEAD"))
                  if t.title == PAYROLL_TITLE]
    assert payroll.confidential
    assert signed_command(server, mock_slack, f"status {payroll.ref}")[0] == 200
    reply = mock_slack.wait_for("response_url")[0]
    shown = answer_text(reply)
    assert payroll.ref in shown and "Confidential ticket" in shown
    assert "payslip" not in shown.lower() and "salary" not in shown.lower()
    assert reply.payload["response_type"] == "ephemeral"


def test_status_of_an_unknown_ref_says_so_once(bot_server: Any, mock_slack: MockSlack) -> None:
    assert signed_command(bot_server, mock_slack, "status HT99999")[0] == 200
    (reply,) = mock_slack.wait_for("response_url")
    assert "HT99999" in answer_text(reply)
    time.sleep(0.3)
    assert len(mock_slack.responses()) == 1  # told once


def test_unknown_and_empty_input_get_the_help(bot_server: Any, mock_slack: MockSlack) -> None:
    assert signed_command(bot_server, mock_slack, "frobnicate <!here>", key="u1")[0] == 200
    assert signed_command(bot_server, mock_slack, "", key="u2")[0] == 200
    replies = mock_slack.wait_for("response_url", count=2)
    for reply in replies:
        assert "status REF" in answer_text(reply)
    unknown = next(r for r in replies if r.path.endswith("/u1"))
    assert "frobnicate" in answer_text(unknown)


def test_mine_lists_the_reporters_tickets_open_first(
        bot_server: Any, mock_slack: MockSlack, services: Services,
        bot_world: BotWorld) -> None:
    assert signed_command(bot_server, mock_slack, "mine", user=REPORTER)[0] == 200
    reply = mock_slack.wait_for("response_url")[0]
    assert mock_slack.calls("users.info")[0].payload["user"] == REPORTER
    expected = services.tickets.list_reported_by(
        viewer=viewer(services, REPORTER, email=bot_world.reporter_email))
    assert expected and len(expected) <= 10
    assert [t.is_closed for t in expected] == sorted(t.is_closed for t in expected)
    sections = [b["text"]["text"] for b in reply.payload["blocks"] if b["type"] == "section"]
    assert len(sections) == len(expected)
    for ticket, section in zip(expected, sections, strict=True):
        assert f"|{ticket.ref}>*" in section or section.startswith(f"*{ticket.ref}*")


def test_mine_without_a_profile_email_explains(bot_server: Any, mock_slack: MockSlack) -> None:
    assert signed_command(bot_server, mock_slack, "mine", user="U0NOMAIL")[0] == 200
    assert "users:read.email" in answer_text(mock_slack.wait_for("response_url")[0])


def test_howto_finds_known_issues_with_workaround_and_runbooks(
        bot_server: Any, mock_slack: MockSlack) -> None:
    assert signed_command(bot_server, mock_slack, "howto credit note analytic account",
                          key="k")[0] == 200
    assert signed_command(bot_server, mock_slack, "howto escalate an SLA breach",
                          key="r")[0] == 200
    replies = {r.path: answer_text(r) for r in mock_slack.wait_for("response_url", count=2)}
    known = replies["/response/k"]
    assert "Credit note lines lose the analytic account" in known
    assert "Set the analytic account again" in known
    assert "sla-and-escalation" in replies["/response/r"]
    assert "Credit note" not in replies["/response/r"]  # unrelated known issues stay out


def test_runbook_shows_an_excerpt_and_where_to_read_the_rest(
        bot_server: Any, mock_slack: MockSlack, services: Services) -> None:
    assert signed_command(bot_server, mock_slack, "runbook sla-and-escalation", key="a")[0] == 200
    assert signed_command(bot_server, mock_slack, "runbook", key="b")[0] == 200
    assert signed_command(bot_server, mock_slack, "runbook no-such-thing", key="c")[0] == 200
    replies = {r.path: answer_text(r) for r in mock_slack.wait_for("response_url", count=3)}
    full = services.runbooks.show(name="sla-and-escalation")
    assert full.title in replies["/response/a"]
    assert "runbooks/sla-and-escalation.md" in replies["/response/a"]
    assert "sla-and-escalation" in replies["/response/b"]
    assert "no-such-thing" in replies["/response/c"]


def test_concurrent_commands_are_each_acked_quickly(
        bot_server: Any, mock_slack: MockSlack, bot_world: BotWorld) -> None:
    results: list[tuple[int, float]] = []

    def one(i: int) -> None:
        started = time.monotonic()
        status, _ = signed_command(bot_server, mock_slack, f"status {bot_world.known_issue_ref}",
                                   key=f"c{i}")
        results.append((status, time.monotonic() - started))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [status for status, _ in results] == [200] * 12
    assert max(seconds for _, seconds in results) < 3.0
    assert len(mock_slack.wait_for("response_url", count=12, timeout=20)) == 12
