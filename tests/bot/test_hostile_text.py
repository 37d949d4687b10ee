"""Text from outside is data (issue 21): no ticket title, name, workaround or reply can break
a Slack message or view, ping anyone, or push a payload past Block Kit's limits.

The hostile corpus (:mod:`tests.support.hostile`) is seeded into an Odoo simulator through the
real JSON-2 client (title, description, partner name, a customer reply), synced into a store,
and given to known issues (title and workaround), a policy decision, stand-up notes and
escalations. Then every builder runs on it: ``/hypercare status`` / ``mine`` / ``howto`` /
``raise`` and error answers through the signed HTTP server into the mock Slack Web API, the
whole outbox rendered and delivered (alerts, escalations, digest, minutes, known-issue
broadcasts, decision overdue), the Home tab published, the raise form and its known-issue
step, thread updates, the stand-up and KPI answers, the link-to-known-issue modal, and every
outbox kind with hostile text in every field. Each payload passes :mod:`tests.bot.hostile_checks`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hypercare.bot.alert_blocks import Activity, render
from hypercare.bot.app import build_client
from hypercare.bot.blocks import (
    build_error,
    build_help,
    build_howto,
    build_my_tickets,
    build_runbook,
    build_runbook_list,
    build_ticket_status,
)
from hypercare.bot.delivery import SlackDeliverer
from hypercare.bot.home_blocks import build_home, build_kpi_board, build_standup_summary
from hypercare.bot.listeners import alerts
from hypercare.bot.listeners.home import publish_home
from hypercare.bot.listeners.threads import post_thread_updates
from hypercare.bot.raise_blocks import (
    build_match_modal,
    build_raise_modal,
    build_raised_reply,
    build_thread_update,
)
from hypercare.bot.text import (
    ELLIPSIS,
    escape_text,
    input_value,
    markdown_to_mrkdwn,
    plain_text,
    truncate,
)
from hypercare.config import Settings
from hypercare.odoo.sim import OdooSimulator
from hypercare.services import (
    HeldReply,
    KpiTile,
    RaisedView,
    RaiseRequest,
    RunbookView,
    Services,
    Suggestion,
    ThreadUpdate,
)
from hypercare.services.intake.threads import ThreadEntry
from hypercare.services.kpi.home import HomeView
from tests.bot.conftest import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, signed_command
from tests.bot.hostile_checks import (
    check_blocks,
    check_fallback,
    check_message,
    check_slack_message,
    check_view,
)
from tests.slack_mock import MockSlack
from tests.support import ServicesFactory, viewer, watching
from tests.support.hostile import HUGE, MENTIONS, TITLES, raw_controls, seed_hostile_tickets
from tests.sync.conftest import client_for, make_sim, odoo_settings

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
HOSTILE_EMAIL = "hostile@acme.example"
USER, LEAD = "U0HOSTILE", "U0LEAD"
ALERTS, STANDUP, PACK = "C0ALERTS", "C0STANDUP", "C0PACK"
EVERY = "  ".join(TITLES.values())
"""Every hostile text at once (over 100 kB)."""
KNOWN_KINDS = {"at_risk_batch", "breach", "escalation", "confirmed_s1", "approval_request",
               "decision_overdue", "watch_kpi", "odoo_unreachable", "known_issue_broadcast",
               "digest", "standup_minutes", "weekly_pack"}


@dataclass
class HostileWorld:
    sim: OdooSimulator
    golden: Path
    model_dir: Path
    refs: dict[str, str]
    """Hostile title name -> its ticket's ref."""
    issues: dict[str, int]
    """Hostile title name -> the id of a known issue of that title (and that workaround)."""


def settings(world: HostileWorld, db: Path, mock_url: str = "", **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": f"sqlite:///{db}", "timezone": "Europe/Brussels",
        "odoo": odoo_settings(world.sim, protocol="json2", write_mode="full"),
        "triage": {"model_dir": str(world.model_dir)},
        "roles": {"leads": [LEAD], "super_users": [USER]},
        "escalation": {"quiet_hours": None},
        "slack": {"bot_token": BOT_TOKEN, "signing_secret": SIGNING_SECRET,
                  "app_token": APP_TOKEN, "api_url": mock_url, "alerts_channel": ALERTS,
                  "standup_channel": STANDUP, "pack_channel": PACK},
    }
    values.update(extra)
    return Settings(**values)


@pytest.fixture(scope="module")
def hostile_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileWorld]:
    root = tmp_path_factory.mktemp("hostile-world")
    sim = make_sim(flavor="enterprise", version="19.0", tickets=6, days=3, now=NOW)
    try:
        ids = seed_hostile_tickets(sim)
        client = client_for(sim, protocol="json2")
        try:  # one reporter for them all: /hypercare mine lists them
            client.write("helpdesk.ticket", list(ids.values()), {"partner_email": HOSTILE_EMAIL})
        finally:
            client.close()
        world = HostileWorld(sim, root / "golden.db", root / "models", {}, {})
        with ServicesFactory(clock=lambda: NOW) as build:
            services = build(settings(world, world.golden, slack={}))  # Slack: none yet
            services.sync.run_sync()
            watching(services)  # the command center has been watching since go-live
            services.sla.sweep()
            lead = viewer(services, LEAD)
            by_id = {t.odoo_id: t.ref for t in services.tickets.list_tickets(viewer=lead)}
            world.refs = {name: by_id[odoo_id] for name, odoo_id in ids.items()}
            for name, title in TITLES.items():
                issue = services.known_issues.create(title=title, viewer=lead,
                                                     ticket_refs=(world.refs[name],))
                services.known_issues.set_workaround(known_issue_id=issue.id, viewer=lead,
                                                     text=title)
                world.issues[name] = issue.id
        yield world
    finally:
        sim.stop()


@pytest.fixture
def mock() -> Iterator[MockSlack]:
    with MockSlack(token=BOT_TOKEN, users={USER: HOSTILE_EMAIL, LEAD: "lead@acme.example"}) as m:
        yield m


@pytest.fixture
def make_services(hostile_world: HostileWorld, tmp_path: Path,
                  mock: MockSlack) -> Iterator[Callable[..., Services]]:
    with ServicesFactory(tmp_path, clock=lambda: NOW) as made:

        def factory(**extra: Any) -> Services:
            db = made.store(copy_of=hostile_world.golden)
            return made(settings(hostile_world, db, mock.url, **extra))

        yield factory


@pytest.fixture
def services(make_services: Callable[..., Services]) -> Services:
    return make_services()



def ask(server: Any, mock: MockSlack, text: str, key: str) -> str:
    """A signed ``/hypercare`` command; its answer (through the response_url) checked."""
    assert signed_command(server, mock, text, key=key, user=USER)[0] == 200
    answer = answered(mock, key)
    return check_message(answer.payload["text"], answer.payload["blocks"])


def answered(mock: MockSlack, key: str, timeout: float = 15.0) -> Any:
    """The answer posted to the response_url ``key``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [c for c in mock.responses() if c.path == f"/response/{key}"]
        if found:
            return found[-1]
        time.sleep(0.02)
    raise AssertionError(f"no answer to {key}")


# -- the helper itself ---------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(TITLES))
def test_the_one_escape_helper_cleans_escapes_and_caps(name: str) -> None:
    raw = TITLES[name]
    whole = escape_text(raw)
    assert "<" not in whole and ">" not in whole and not raw_controls(whole)
    for limit in (1, 5, 75, 3000):
        safe = escape_text(raw, limit)
        check_fallback(safe or "-")
        assert len(safe) <= limit
        assert safe.endswith(ELLIPSIS) == (len(whole) > limit)
    shown = plain_text(raw, 150)
    assert len(shown) <= 150 and not raw_controls(shown) and "\n" not in shown
    assert "<" not in shown and ">" not in shown
    value = input_value(raw, 200, multiline=True)
    assert len(value) <= 200 and not raw_controls(value)


def test_escaping_shows_mentions_and_markup_as_typed() -> None:
    assert escape_text(MENTIONS) == ("&lt;!channel&gt; &lt;!here&gt; &lt;@U0123ABC&gt; "
                                     "@\u2060channel &lt;#C0123|general&gt; payment run")
    assert escape_text(TITLES["html"]).startswith("&lt;script&gt;alert(1)&lt;/script&gt;")
    assert "&amp;amp;" in escape_text(TITLES["html"])  # an entity typed is shown as typed
    assert escape_text(TITLES["rtl"]) == "Invoice evil and isolated text"  # overrides gone
    assert escape_text(TITLES["controls"]) == "Invoice[31m red bell\nnext nul1m back"
    assert escape_text(TITLES["emoji"]) == TITLES["emoji"]


def test_a_cut_never_splits_an_escape() -> None:
    text = escape_text("R&D <x> " * 50)
    for limit in range(1, 120):
        cut = truncate(text, limit)
        assert len(cut) <= limit and cut.endswith(ELLIPSIS)
        body = cut[:-1]
        assert body.count("&") == body.count(";"), cut  # every & opens a whole entity


def test_markdown_holding_outside_text_gets_no_injected_link() -> None:
    text = "- HT1 [Open invoice](https://evil.example/x) <!channel>"
    assert "<https://evil.example/x|Open invoice>" in markdown_to_mrkdwn(text)  # runbooks
    kept = markdown_to_mrkdwn(text, links=False)
    assert "<https" not in kept and "[Open invoice](https://evil.example/x)" in kept
    assert "&lt;!channel&gt;" in kept


# -- /hypercare over signed HTTP, into the mock Slack ----------------------------------------

def test_status_of_every_hostile_ticket(bot_server: Any, mock: MockSlack,
                                        hostile_world: HostileWorld) -> None:
    for name, ref in hostile_world.refs.items():
        shown = ask(bot_server, mock, f"status {ref}", key=f"status-{name}")
        assert ref in shown
        if name == "huge":
            title = answered(mock, "status-huge").payload["blocks"][0]["text"]["text"]
            assert title.endswith(ELLIPSIS) and len(title) == 150
            assert ELLIPSIS in shown and "A" * 3000 not in shown
        if name == "mentions":
            assert "‹!channel›" in shown  # the header, plain text: as typed, no mention
        if name == "html":
            assert "‹script›" in shown or "&lt;script&gt;" in shown


def test_mine_lists_hostile_titles(bot_server: Any, mock: MockSlack,
                                   hostile_world: HostileWorld) -> None:
    shown = ask(bot_server, mock, "mine", key="mine")
    listed = [ref for ref in hostile_world.refs.values() if f"|{ref}>*" in shown]
    assert len(listed) == 10  # the ten newest
    assert "&lt;!channel&gt;" in shown or "&lt;script&gt;" in shown


def test_howto_with_a_hostile_question_finds_hostile_known_issues(bot_server: Any,
                                                                  mock: MockSlack) -> None:
    shown = ask(bot_server, mock, f"howto {MENTIONS} {TITLES['html']}", key="howto")
    assert "&lt;!channel&gt;" in shown and "Answers for" in shown
    shown = ask(bot_server, mock, f"howto {HUGE[:3000]}", key="howto-huge")
    assert ELLIPSIS in shown


@pytest.mark.parametrize("text", [
    "status <!channel>", f"status {MENTIONS}", "runbook <@U0123ABC>",
    "<!here> please", f"howto {TITLES['controls']}", "status \u202eHT1",
])
def test_error_and_help_answers_echo_nothing_live(bot_server: Any, mock: MockSlack,
                                                  text: str) -> None:
    ask(bot_server, mock, text, key="err")


def test_raise_form_prefilled_with_a_hostile_title(bot_server: Any, mock: MockSlack) -> None:
    assert signed_command(bot_server, mock, f"raise {TITLES['controls']} {MENTIONS}",
                          key="raise", user=USER)[0] == 200
    (opened,) = mock.wait_for("views.open", timeout=10)
    check_view(opened.payload["view"])
    initial = opened.payload["view"]["blocks"][0]["element"]["initial_value"]
    assert not raw_controls(initial) and "\n" not in initial and len(initial) <= 200


# -- the outbox: every message hypercare sends by itself --------------------------------------

def test_the_whole_outbox_over_hostile_records_renders_and_delivers(
        services: Services, mock: MockSlack, hostile_world: HostileWorld) -> None:
    lead = viewer(services, LEAD)
    for name, ref in hostile_world.refs.items():  # a lead whose name is hostile text
        services.sla.escalate(ref=ref, viewer=replace(lead, name=TITLES[name][:200]),
                              reason=TITLES[name])
    services.decisions.create(question=EVERY, owner=MENTIONS, viewer=lead,
                              due_date=date(2026, 11, 10))
    services.sla.sweep(now=NOW + timedelta(days=3))
    standup = services.standup.start(viewer=lead,
                                     attendees=(MENTIONS, TITLES["controls"], HUGE))
    for name in ("mentions", "html", "controls", "rtl", "huge", "markdown"):
        services.standup.record(standup_id=standup, item_ref=hostile_world.refs[name],
                                viewer=replace(lead, name=TITLES[name][:100]),
                                owner=TITLES[name][:100], next_step=TITLES[name])
    services.standup.end(standup_id=standup, viewer=lead)
    services.digest.enqueue(now=NOW)
    services.known_issues.set_status(known_issue_id=hostile_world.issues["mentions"],
                                     status="fix_released", viewer=lead)
    rows = services.sla.list_outbox(limit=500)
    kinds = {row.kind for row in rows}
    assert {"escalation", "standup_minutes", "digest", "known_issue_broadcast",
            "decision_overdue"} <= kinds, kinds
    activity = [Activity(USER, TITLES[name], NOW) for name in TITLES] + \
        [Activity(MENTIONS, EVERY, NOW)]
    for row in rows:
        check_slack_message(render(row.kind, row.payload, now=NOW), allowed=())
        check_slack_message(render(row.kind, row.payload, now=NOW, activity=activity),
                            allowed=(f"<@{USER}>",))

    client = build_client(BOT_TOKEN, mock.url)
    sender = SlackDeliverer(client, services.context.settings.slack, clock=lambda: NOW)
    report = services.delivery.deliver(sender, limit=500)
    assert report.sent >= len(hostile_world.refs), report.errors
    posts = [c for c in mock.calls("chat.postMessage") if c.answer.get("ok")]
    assert len(posts) >= report.sent
    for post in posts:
        check_message(post.payload["text"], post.payload.get("blocks"))
    minutes = next(p for p in posts if p.payload["channel"] == STANDUP
                   and "minutes" in p.payload["text"].casefold())
    assert "&lt;!channel&gt;" in json.dumps(minutes.payload)

    # a super-user links an escalated ticket to a known issue: hostile titles as options
    escalated = next(p for p in posts if p.payload["channel"] == ALERTS)
    body = {"user": {"id": USER}, "channel": {"id": ALERTS},
            "message": {"ts": escalated.answer["ts"]}, "trigger_id": "1.2.3"}
    alerts._open_link_form(services, client, body)
    (opened,) = mock.wait_for("views.open", timeout=10)
    shown = check_view(opened.payload["view"])
    options = opened.payload["view"]["blocks"][0]["element"]["options"]
    assert len(options) == len(TITLES) and any(
        o["text"]["text"].endswith(ELLIPSIS) for o in options)
    assert "‹!channel›" in shown


def test_every_outbox_kind_with_hostile_text_in_every_field() -> None:
    for text in (*TITLES.values(), EVERY):
        for kind, payload in hostile_payloads(text):
            shown = check_slack_message(render(kind, payload, now=NOW))
            generic = "A hypercare notification (`" in shown
            assert generic == (kind not in KNOWN_KINDS), (kind, shown[:300])  # no crash
            check_slack_message(render(kind, payload, now=NOW, activity=[
                Activity(text, text, NOW), Activity(USER, text, NOW)]),
                allowed=(f"<@{USER}>",))
    kind, payload = hostile_payloads(HUGE)[1]
    assert ELLIPSIS in check_slack_message(render(kind, payload, now=NOW))


def hostile_payloads(text: str) -> list[tuple[str, dict[str, Any]]]:
    """A payload of every outbox kind, every text field ``text``."""
    ticket = {"odoo_id": 7, "ref": text[:200], "title": text, "company": text, "team": text,
              "url": "https://acme.odoo.com/odoo/helpdesk/7?" + text[:500], "severity": text,
              "category": text, "confidential": False}
    issue = {"id": 3, "ref": text[:100], "title": text, "status": text, "workaround": text}
    escalation = {"escalation_id": 1, "level": text[:10], "level_name": text, "trigger": text,
                  "detail": text, "status": text, "ticket": ticket}
    item = {"ref": text, "title": text, "url": "https://x.example/" + text[:100],
            "severity": text, "sla_state": text, "why": text, "due_at": NOW.isoformat()}
    return [
        ("at_risk_batch", {"items": [escalation] * 30}),
        ("breach", escalation),
        ("escalation", escalation),
        ("escalation", {**escalation, "ticket": {}, "known_issue": issue}),
        ("confirmed_s1", {**escalation, "trigger": "confirmed_s1"}),
        ("approval_request", escalation),
        ("decision_overdue", {"decision": {"id": 5, "ref": text, "question": text,
                                           "owner": text, "due_date": "2026-11-18"},
                              "escalation_id": 5, "trigger": text, "detail": text}),
        ("watch_kpi", {"name": text, "value": text, "threshold": text, "direction": text}),
        ("odoo_unreachable", {"since": NOW.isoformat(), "error": text, "minutes": 200}),
        ("known_issue_broadcast", {"known_issue": issue, "detail": text}),
        ("known_issue_broadcast", {"known_issue": {**issue, "status": "fix_released"},
                                   "detail": text}),
        ("standup_minutes", {"standup_id": 1, "scope": text, "markdown": (
            f"# {text}\n\n| {text} | {text} |\n|---|---|\n- {text}\n[x](https://e.x/{text})")}),
        ("digest", {"scope": text, "generated_at": NOW.isoformat(),
                    "counts": [{"key": text, "label": text, "value": text, "previous": 1}] * 25,
                    "top": [item] * 15, "more": text,
                    "groups": [{"name": text, "open": text, "breached": 1}] * 60,
                    "standup_at": NOW.isoformat()}),
        ("weekly_pack", {"week": text, "headline": [{"label": text, "value": text,
                                                     "delta": text}] * 25,
                         "summary": [text] * 20, "url": "https://x.example/" + text[:100],
                         "files": [{"name": text, "format": text}] * 12}),
        (text[:60] or "unknown", {text[:60] or "k": text}),  # a kind this bot does not know
    ]


# -- views and answers built from the hostile store ------------------------------------------

def test_home_tab_published_for_a_lead_over_hostile_records(
        services: Services, mock: MockSlack, hostile_world: HostileWorld) -> None:
    lead = viewer(services, LEAD)
    for name, ref in hostile_world.refs.items():
        services.sla.escalate(ref=ref, viewer=lead, reason=TITLES[name])
    # thread replies of someone who may not raise, held for the lead: hostile text and name
    raised = services.raising.raise_issue(
        request=RaiseRequest(title="Held replies here", what_happened="Replies follow."),
        idempotency_key="hostile:held", viewer=lead, channel="C1", thread_ts="111.222")
    stranger = viewer(services, "U0STRANGER")
    for name, text in TITLES.items():
        outcome = services.threads.note_from_thread(
            channel="C1", thread_ts="111.222", event_id=f"Ev-held-{name}",
            viewer=replace(stranger, name=text[:300]), text=text)
        assert outcome.state == "held", name
    client = build_client(BOT_TOKEN, mock.url)
    publish_home(services, client, LEAD)
    (published,) = mock.wait_for("views.publish", timeout=10)
    shown = check_view(published.payload["view"])
    assert "&lt;!channel&gt;" in shown and ELLIPSIS in shown
    assert "Replies held for you" in shown and (raised.odoo_ref or raised.local_ref) in shown
    sends = [e for b in published.payload["view"]["blocks"] if b["type"] == "actions"
             for e in b["elements"] if e["action_id"] == "home_held_send"]
    assert len(sends) == min(len(TITLES), 10)


def test_home_tab_with_hostile_reports_and_tiles() -> None:
    raised = tuple(RaisedView(i, f"SL-{i}", text, text, text, odoo_ref=text[:60],
                              severity=i % 5, due_at=NOW, url="https://x.example/" + text[:50])
                   for i, text in enumerate(TITLES.values()))
    tiles = tuple(KpiTile(text[:50], text, 1234.5, text, "up", None, None, (), 2.0, text)
                  for text in TITLES.values())
    home = HomeView(user=USER, company=EVERY, raised=raised, known_issues=(),
                    headline=tiles, pending_acks=(), approvals=(), is_lead=True,
                    may_raise=False)
    held = [HeldReply(i, text[:60], text, text, text, NOW if i % 2 else None, "held")
            for i, text in enumerate([*TITLES.values(), EVERY] * 2)]
    shown = check_view(build_home(home, held))
    assert ELLIPSIS in shown and "more: they show here" in shown  # the rest are counted
    assert check_view(build_home(replace(home, is_lead=False, may_raise=True)))


def test_standup_and_kpi_answers_over_hostile_records(services: Services) -> None:
    agenda = services.standup.agenda(since=NOW - timedelta(days=30))
    assert agenda.item_count
    reply = build_standup_summary(agenda)
    check_message(reply.text, reply.blocks)
    board = build_kpi_board(services.dashboard.dashboard(viewer=viewer(services, LEAD)))
    check_message(board.text, board.blocks)


def test_raise_form_and_known_issue_step_with_hostile_known_issues(
        services: Services) -> None:
    for text in TITLES.values():
        check_view(build_raise_modal(title=text, text=text, metadata=json.dumps({"c": "C1"})))
    workarounds = {k.id: k.workaround for k in services.known_issues.list_issues()}
    for text in TITLES.values():
        found = services.known_issues.suggest(title=text, limit=9, floor=0.0)
        check_view(build_match_modal(found, workarounds, metadata="{}"))
    made_up = [Suggestion(i, text[:100], text, 0.9, text, text)
               for i, text in enumerate(TITLES.values())]
    view = build_match_modal(made_up, {i: EVERY for i in range(20)}, metadata="{}")
    check_view(view)
    options = view.to_dict()["blocks"][-1]["element"]["options"]
    assert any(o["text"]["text"].endswith(ELLIPSIS) for o in options)


def test_raised_replies_and_thread_updates_with_hostile_text() -> None:
    for text in (*TITLES.values(), EVERY):
        for state in ("created", "queued", "failed"):
            raised = RaisedView(1, "SL-1", state, text, text, odoo_ref=text[:80],
                                severity=1, due_at=NOW, known_issue=text, workaround=text,
                                url="https://x.example/" + text[:80], reporter=USER,
                                resolved_by=text if state == "failed" else "")
            check_blocks(build_raised_reply(raised, reporter_id=USER), allowed=(f"<@{USER}>",))
            check_blocks(build_raised_reply(raised, reporter_id=text))
        entries = tuple(ThreadEntry(i, NOW, kind, text, text)
                        for i, kind in enumerate(["public_reply", "stage_changed"] * 20))
        update = ThreadUpdate(1, text[:80], "C1", "1.2", "https://x.example/" + text[:80],
                              False, entries)
        shown = check_blocks(build_thread_update(update))
        assert "earlier updates" in shown


def test_odoo_replies_posted_into_a_thread_stay_data(
        make_services: Callable[..., Services], mock: MockSlack,
        hostile_world: HostileWorld) -> None:
    from slack_bolt import App
    from slack_sdk import WebClient

    from hypercare.bot.listeners import register_all
    from tests.bot.test_raise_flow import SECRET, dispatch, form, submission
    from tests.bot.test_thread_follow import odoo_reply

    services = make_services()
    app = App(client=WebClient(token=mock.token, base_url=mock.url), signing_secret=SECRET,
              token_verification_enabled=False)
    register_all(app, services)
    title = "Hostile thread " + TITLES["mentions"]
    values = {**form(title), "what_happened": {"value": {"type": "plain_text_input",
                                                          "value": TITLES["controls"]}}}
    first = dispatch(app, as_user(submission("raise_issue", values, view_id="V-hostile")))
    step = json.loads(first.body)  # the known-issue step: hostile known issues look like it
    assert step["response_action"] == "update"
    check_view(step["view"])
    dispatch(app, as_user(submission("raise_confirm", {"known_issue": {"value": {
        "type": "radio_buttons", "selected_option": {"value": "new"}}}}, view_id="V-hostile")))
    (reply,) = mock.wait_for("chat.postMessage", timeout=30)
    check_message(reply.payload["text"], reply.payload["blocks"], allowed=(f"<@{USER}>",))
    sim = hostile_world.sim
    table = sim.store.tables["helpdesk.ticket"]
    (ticket_id,) = [i for i, row in table.items() if row.get("name") == title]
    for text in TITLES.values():
        odoo_reply(sim, ticket_id, f"<p>{text}</p>")
    services.sync.run_sync()
    before = len(mock.calls("chat.postMessage"))
    assert post_thread_updates(services, app.client) == 1
    update = mock.calls("chat.postMessage")[before]
    shown = check_message(update.payload["text"], update.payload["blocks"])
    assert "&lt;@U0123ABC&gt; @\u2060channel" in shown and ELLIPSIS in shown

    # "Resolved here": the one live mention is who resolved it
    button = next(e for b in reply.payload["blocks"] if b["type"] == "actions"
                  for e in b["elements"])
    dispatch(app, {"type": "block_actions", "team": {"id": "T1"}, "user": {"id": USER},
                   "api_app_id": "A1", "token": "legacy", "trigger_id": "T.9",
                   "channel": {"id": "C1"}, "container": {"type": "message"},
                   "message": {"ts": "222.333", "thread_ts": "111.222"},
                   "actions": [{"action_id": "raise_resolved", "value": button["value"],
                                "type": "button", "block_id": "b"}]})
    told = mock.wait_for("chat.postMessage", count=before + 2, timeout=30)[-1]
    assert told.payload["text"].startswith(f"Marked resolved by <@{USER}>")
    check_message(told.payload["text"], None, allowed=(f"<@{USER}>",))


def as_user(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "user": {"id": USER}}


def test_command_answers_built_from_hostile_read_models() -> None:
    for text in (*TITLES.values(), EVERY):
        suggestions = [Suggestion(i, text, text, 0.5, text, text) for i in range(12)]
        runbooks = [RunbookView(text[:80], text, "/x", text) for _ in range(12)]
        for reply in (build_howto(text, suggestions, runbooks), build_error(text, text),
                      build_runbook(RunbookView(text[:80], text, "/x",
                                                f"# {text}\n\n{text}\n[x](https://e.x/{text[:9]})")),
                      build_runbook_list(runbooks), build_help([(text, text)] * 60, note=text),
                      build_my_tickets([], email=text)):
            check_message(reply.text, reply.blocks)


def test_ticket_status_and_mine_from_hostile_views(services: Services,
                                                   hostile_world: HostileWorld) -> None:
    views = services.tickets.list_reported_by(
        viewer=viewer(services, USER, email=HOSTILE_EMAIL), limit=20)
    assert len(views) == len(TITLES)
    reply = build_my_tickets(views, email=HOSTILE_EMAIL, limit=20)
    check_message(reply.text, reply.blocks)
    for view in views:
        reply = build_ticket_status(view)
        check_message(reply.text, reply.blocks)


def test_direct_messages_and_the_pack_notice_escape_what_they_quote(
        mock: MockSlack, services: Services, tmp_path: Path) -> None:
    from hypercare.bot.listeners.raising import _dm
    from hypercare.services.outbox.delivery import Delivery
    from hypercare.services.outbox.notifications import OutboxView

    client = build_client(BOT_TOKEN, mock.url)
    _dm(client, USER, f"Your issue could not be raised: {EVERY}")
    (dm,) = mock.wait_for("chat.postMessage", timeout=10)
    check_message(dm.payload["text"], dm.payload.get("blocks"))
    assert ELLIPSIS in dm.payload["text"] and "&lt;!here&gt;" in dm.payload["text"]

    files = [{"name": text[:300], "format": text[:20], "path": str(tmp_path / f"{i}-{text[:20]}")}
             for i, text in enumerate(TITLES.values())]
    message = OutboxView(1, "weekly_pack", "pack:1", ("channel:pack",), "pending", 0, None, "",
                         "", NOW, {"week": MENTIONS, "summary": [EVERY], "files": files})
    sender = SlackDeliverer(client, services.context.settings.slack, clock=lambda: NOW)
    sender.send(Delivery(message, "channel:pack"))
    posts = mock.wait_for("chat.postMessage", count=3, timeout=10)[1:]
    for post in posts:
        check_message(post.payload["text"], post.payload.get("blocks"))
    assert "were not found" in posts[-1].payload["text"]


def test_every_text_object_is_built_by_the_shared_helpers() -> None:
    """One home for Block Kit text: outside ``message_blocks`` no builder or listener makes a
    text object, an option or a button itself (they would bypass escaping and caps)."""
    root = Path(__file__).parents[2] / "hypercare" / "bot"
    makers = ("MarkdownTextObject(", "PlainTextObject(", "Option(", "ButtonElement(",
              '"type": "mrkdwn"', '"type": "plain_text"')
    for path in sorted(root.rglob("*.py")):
        if path.name in ("message_blocks.py", "http_server.py"):
            continue
        source = path.read_text()
        for maker in makers:
            assert maker not in source, f"{path.relative_to(root)} builds {maker} itself"
