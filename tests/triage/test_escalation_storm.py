"""Day one without an alert storm (issue 28): a baseline summarised once per recipient, one
escalation per ticket and level updated in place in Slack, breaches that happen while
hypercare watches always alerting, and a gap without sweeps baselining what breached in it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hypercare.bot.app import build_client
from hypercare.bot.delivery import SlackDeliverer
from hypercare.config import EscalationLevel, Settings
from hypercare.odoo.sim import OdooSimulator
from hypercare.services import Services
from hypercare.services.outbox.notifications import enqueue
from tests.bot.conftest import BOT_TOKEN
from tests.slack_mock import MockSlack
from tests.support import Clock, ServicesFactory, watching
from tests.sync.conftest import client_for, make_sim, odoo_settings
from tests.triage.test_sweep import MONDAY_NOON, add_ticket

LEVELS = [EscalationLevel(level=1, name="super-users", contacts=["U0SUPER"]),
          EscalationLevel(level=2, name="lead", contacts=["U0LEAD", "U0DEPUTY"]),
          EscalationLevel(level=3, name="partner", contacts=["U0PARTNER"]),
          EscalationLevel(level=4, name="sponsor", contacts=["U0SPONSOR"])]


def settings(db: Path, model_dir: Path, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": f"sqlite:///{db}", "timezone": "UTC",
        "triage": {"model_dir": str(model_dir)},
        "escalation": {"levels": LEVELS, "quiet_hours": None, "max_per_hour": 3,
                       "ack_minutes": 10_000, "baseline_gap_minutes": 600}}
    values.update(extra)
    return Settings(**values)


def outbox(services: Services) -> list[Any]:
    return services.sla.list_outbox(limit=100_000)


@pytest.mark.parametrize("flavor", ["enterprise", "oca"])
def test_a_first_sweep_on_a_go_live_under_way_sends_one_summary_per_recipient(
        flavor: str, tmp_path: Path, model_dir: Path) -> None:
    """400 tickets of a go-live already under way, many past their SLA: the first sweep
    records them as a baseline and sends at most one summary per recipient, no alert each;
    a ticket that breaches afterwards alerts on its own, even with the cap reached."""
    now = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    sim: OdooSimulator = make_sim(flavor=flavor, version="19.0", tickets=400, days=10, now=now)
    clock = Clock(now)
    try:
        with ServicesFactory(tmp_path, clock=clock) as build:
            services = build(settings(tmp_path / "store.db", model_dir,
                                      odoo=odoo_settings(sim, protocol="json2")))
            services.sync.run_sync()
            first = services.sla.sweep()
            assert first.baselined >= 10, first  # a go-live under way: plenty already late
            sent = outbox(services)
            assert {m.kind for m in sent} == {"escalation_baseline"}
            per_recipient = Counter(m.recipients[0] for m in sent)
            assert set(per_recipient.values()) == {1}
            lead = next(m for m in sent if m.recipients == ("U0LEAD",))
            assert lead.payload["count"] == len(lead.payload["items"]) >= 10
            assert lead.payload["text"].startswith(f"{lead.payload['count']} tickets were "
                                                   "already past their SLA")
            assert all(i["ticket"]["odoo_id"] and i["level"] == 2 and i["triggers"]
                       for i in lead.payload["items"])
            listed = services.sla.list_escalations(
                viewer=services.context.access.viewer("lea"))
            assert {e.status for e in listed} >= {"baseline"}  # recorded, visible

            # the cap is reached by other messages to the lead...
            with services.context.store().session() as session:
                for n in range(3):
                    enqueue(session, services.context.settings, kind="watch_kpi",
                            key=f"kpi:{n}", recipient="U0LEAD",
                            payload={"name": "drafts", "value": n, "threshold": 0},
                            now=clock())
            # ...and a new S1 report breaches its first-response target while watched
            client = client_for(sim, protocol="json2")
            try:
                new_id = client.create("helpdesk.ticket", {
                    "name": "Cannot post any invoice since 14:50: blocking error",
                    "description": "<p>Every invoice fails to post with an error.</p>",
                    "priority": "3",
                    "company_id": client.search("res.company", [], limit=1)[0],
                    "team_id": client.search("helpdesk.ticket.team" if flavor == "oca"
                                             else "helpdesk.team", [], limit=1)[0]})
            finally:
                client.close()
            services.sync.run_sync()
            clock.now += timedelta(minutes=1)
            services.sla.sweep()
            clock.now += timedelta(hours=3)
            sim.advance(timedelta(hours=3))
            services.sla.sweep()
            about_new = [m for m in outbox(services) if m.recipients == ("U0LEAD",)
                         and (m.payload.get("ticket") or {}).get("odoo_id") == new_id]
            assert len(about_new) == 1, about_new
            assert about_new[0].kind == "breach" and about_new[0].state == "pending"
    finally:
        sim.stop()


@pytest.fixture
def watched(tmp_path: Path, model_dir: Path) -> Iterator[tuple[Services, MockSlack, Clock]]:
    clock = Clock(MONDAY_NOON)
    with MockSlack(token=BOT_TOKEN) as mock, ServicesFactory(tmp_path, clock=clock) as build:
        services = build(settings(tmp_path / "store.db", model_dir,
                                  slack={"bot_token": BOT_TOKEN, "api_url": mock.url,
                                         "alerts_channel": "C0ALERTS"}))
        watching(services)
        yield services, mock, clock


def test_a_second_clock_breaching_updates_the_first_message(
        watched: tuple[Services, MockSlack, Clock]) -> None:
    """An S2 created Monday 09:00: first response due 11:00, workaround 17:00. One
    escalation at L2 lists both triggers, and its Slack message is updated in place."""
    services, mock, clock = watched
    add_ticket(services, 5, created=MONDAY_NOON - timedelta(hours=3), severity=2)
    services.sla.sweep()
    send = SlackDeliverer(build_client(BOT_TOKEN, mock.url), services.context.settings.slack,
                          clock=clock)
    assert services.delivery.deliver(send).sent == 2  # the lead and the deputy
    clock.now = MONDAY_NOON + timedelta(hours=5, minutes=30)
    services.sla.sweep()
    report = services.delivery.deliver(send)
    assert (report.sent, report.updated) == (0, 2)
    [escalation] = [e for e in services.sla.list_escalations(
        viewer=services.context.access.viewer("lea")) if e.ref == "T5"]
    assert escalation.level == 2
    posted = {c.payload["channel"]: c.answer["ts"] for c in mock.calls("chat.postMessage")}
    updates = mock.calls("chat.update")
    assert {(u.payload["channel"], u.payload["ts"]) for u in updates} == set(posted.items())
    assert all("workaround breached" in str(u.payload["blocks"]) for u in updates)
    latest = next(m for m in outbox(services) if m.kind == "breach")
    assert latest.payload["triggers"] == ["first_response_breached", "workaround_breached"]


def test_a_gap_without_sweeps_baselines_what_breached_in_it(
        watched: tuple[Services, MockSlack, Clock]) -> None:
    """Two hours without sweeps (longer than baseline_gap_minutes, here 60): what breached
    in them is a baseline, summarised once; what breaches after alerts."""
    services, _, clock = watched
    services.context.settings.escalation.baseline_gap_minutes = 60
    add_ticket(services, 6, created=MONDAY_NOON - timedelta(hours=1), severity=2)
    services.sla.sweep()  # nothing breached yet: on track
    assert outbox(services) == []
    clock.now = MONDAY_NOON + timedelta(hours=2)  # the first response breached at 13:00
    add_ticket(services, 8, created=MONDAY_NOON + timedelta(hours=1, minutes=50), severity=2)
    gap = services.sla.sweep()
    assert gap.baselined == 1
    assert {m.kind for m in outbox(services)} == {"escalation_baseline"}
    for _ in range(5):  # swept every half hour again; ticket 8 breaches at 15:50: news
        clock.now += timedelta(minutes=30)
        services.sla.sweep()
    alerts = [m for m in outbox(services) if m.kind == "breach"]
    assert {m.payload["ticket"]["odoo_id"] for m in alerts} == {8}


def test_tickets_of_a_known_issue_escalate_once_as_the_issue(
        watched: tuple[Services, MockSlack, Clock]) -> None:
    services, _, _ = watched
    lea = services.context.access.viewer("lea")
    for odoo_id in (11, 12, 13):  # created Friday: all breached by Monday noon
        add_ticket(services, odoo_id, created=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
                   severity=2)
    services.known_issues.create(title="Credit notes lose the analytic account", viewer=lea,
                                 severity=2, ticket_refs=("T11", "T12", "T13"))
    services.sla.sweep()
    to_lead = [m for m in outbox(services) if m.recipients == ("U0LEAD",)]
    assert len(to_lead) == 1  # one escalation of the issue, not three of its tickets
    [message] = to_lead
    assert message.kind == "breach" and message.payload["level"] == 2
    assert message.payload["known_issue"]["tickets"] == 3
    assert message.payload["known_issue"]["ref"].startswith("KI-")
    assert message.payload["ticket"]["odoo_id"] in (11, 12, 13)


def test_manual_escalations_and_confirmed_s1_are_never_held_back(
        watched: tuple[Services, MockSlack, Clock]) -> None:
    services, _, clock = watched
    lea = services.context.access.viewer("lea")
    with services.context.store().session() as session:  # the lead's cap is reached
        for n in range(3):
            enqueue(session, services.context.settings, kind="watch_kpi", key=f"kpi:{n}",
                    recipient="U0LEAD", payload={"name": "drafts", "value": n,
                                                 "threshold": 0}, now=clock())
    add_ticket(services, 21, created=MONDAY_NOON - timedelta(minutes=20), severity=1,
               confirmed=True)
    add_ticket(services, 22, created=MONDAY_NOON - timedelta(minutes=20), severity=3)
    services.sla.sweep()
    services.sla.escalate(ref="T22", viewer=lea, reason="customer is shouting")  # to L1
    services.sla.escalate(ref="T22", viewer=lea, reason="still shouting")  # to L2
    to_lead = {(m.kind, m.payload["ticket"]["odoo_id"]): m for m in outbox(services)
               if m.recipients == ("U0LEAD",) and m.payload.get("ticket")}
    assert to_lead[("confirmed_s1", 21)].state == "pending"
    assert to_lead[("escalation", 22)].state == "pending"
    assert not [m for m in outbox(services) if m.state == "suppressed"
                and m.kind != "watch_kpi"]
