"""The stand-up digest over stores synced from the Odoo simulator (the world of ``test_home``):
counts, the top items and the rest, masking, the payload, once a day per stand-up, 500 tickets.
Expectations come from ``list_tickets`` and the escalation listing, not the digest's code."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from hypercare.errors import UsageError
from hypercare.services import Services, TicketView
from hypercare.services.kpi.digest import Digest, digest_from_payload, digest_payload
from tests.services.test_home import (
    LEAD,
    NOW,
    PAYROLL_TITLE,
    World,
    frozen_clock,
    running_world,
    services_factory,
)
from tests.support import Clock, viewer

DAY = timedelta(days=1)
MASKED = "Confidential ticket"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from running_world(tmp_path_factory.mktemp("digest-world"))


@pytest.fixture(scope="module")
def big_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from running_world(tmp_path_factory.mktemp("digest-500"), tickets=1000, days=2)


@pytest.fixture
def clock() -> Clock:
    return frozen_clock()


@pytest.fixture
def open_services(tmp_path: Path, clock: Clock) -> Iterator[Callable[..., Services]]:
    """``open_services(world, **settings)``: services on a private copy of its store."""
    yield from services_factory(tmp_path, clock)


@pytest.fixture
def services(world: World, open_services: Callable[..., Services]) -> Services:
    return open_services(world)


# -- independent expectations ----------------------------------------------------------------

def open_escalations(services: Services) -> list[Any]:
    lea = viewer(services, LEAD)
    return [e for e in services.sla.list_escalations(viewer=lea, limit=100_000)
            if e.status == "open"]


def needing_attention(services: Services, tickets: list[TicketView]) -> set[str]:
    """Refs of open tickets breached, at risk, S1/S2 unassigned or with an open escalation."""
    escalated = {e.ref for e in open_escalations(services) if e.subject.startswith("ticket:")}
    return {t.ref for t in tickets if not t.is_closed and (
        t.sla_state in ("breached", "at_risk") or t.ref in escalated
        or (t.severity in (1, 2) and not t.assignee))}


def group_counts(tickets: list[TicketView]) -> dict[str, tuple[int, int, int, int]]:
    """(open, breached, at_risk, new) per ``company · team``."""
    found: dict[str, list[int]] = {}
    for t in tickets:
        new = t.created_at is not None and t.created_at >= NOW - DAY
        if t.is_closed and not new:
            continue
        counts = found.setdefault(f"{t.company} · {t.team}", [0, 0, 0, 0])
        if not t.is_closed:
            counts[0] += 1
            counts[1] += t.sla_state == "breached"
            counts[2] += t.sla_state == "at_risk"
        counts[3] += new
    return {name: (c[0], c[1], c[2], c[3]) for name, c in found.items()}


def assert_breached_first(digest: Digest) -> None:
    states = [item.sla_state for item in digest.top]
    assert states == sorted(states, key=lambda state: state != "breached")
    due = [item.due_at for item in digest.top if item.sla_state == "breached"]
    assert all(d is not None for d in due)
    assert due == sorted(due)  # type: ignore[type-var]  # the most overdue first


def between(moment: datetime | None, start: datetime | None, end: datetime | None) -> bool:
    return moment is not None and (start is None or moment >= start) and (
        end is None or moment < end)


def expected_counts(services: Services, tickets: list[TicketView], *, overdue: int = 0,
                    scoped: bool = False) -> dict[str, tuple[int, int | None]]:
    """The digest's counts (value, previous) over ``tickets``; a ``scoped`` stand-up counts
    only the escalations of those tickets."""
    opened = [t for t in tickets if not t.is_closed]
    closed = [t for t in tickets if t.is_closed]
    refs = {t.ref for t in tickets}
    return {
        "open": (len(opened), sum(between(t.created_at, None, NOW - DAY) for t in opened)
                 + sum(between(t.created_at, None, NOW - DAY)
                       and between(t.closed_at, NOW - DAY, None) for t in closed)),
        "new": (sum(between(t.created_at, NOW - DAY, None) for t in tickets),
                sum(between(t.created_at, NOW - 2 * DAY, NOW - DAY) for t in tickets)),
        "closed": (sum(between(t.closed_at, NOW - DAY, None) for t in closed),
                   sum(between(t.closed_at, NOW - 2 * DAY, NOW - DAY) for t in closed)),
        "breached": (sum(t.sla_state == "breached" for t in opened), None),
        "at_risk": (sum(t.sla_state == "at_risk" for t in opened), None),
        "s1_s2_open": (sum(t.severity in (1, 2) for t in opened), None),
        "awaiting_ack": (sum(not scoped or e.ref in refs for e in open_escalations(services)),
                         None),
        "decisions_overdue": (overdue, None),
    }


# -- tests ------------------------------------------------------------------------------------

def test_counts_match_the_store(services: Services) -> None:
    lea = viewer(services, LEAD)
    services.decisions.create(question="Who approves credit notes?", owner="Finance", viewer=lea,
                              due_date=NOW.date() - DAY)
    services.decisions.create(question="Round VAT per line?", owner="Finance", viewer=lea,
                              due_date=NOW.date())
    decided = services.decisions.create(question="Lot numbers on slips?", owner="Logistics",
                                        viewer=lea, due_date=NOW.date() - 3 * DAY)
    services.decisions.decide(decision_id=decided.id, outcome="yes", viewer=lea)
    tickets = services.tickets.list_tickets(viewer=lea)
    expected = expected_counts(services, tickets, overdue=1)
    digest = services.digest.build()
    assert {c.key: (c.value, c.previous) for c in digest.counts} == expected
    assert expected["open"][0] > 0 and expected["closed"][0] > 0 and expected["breached"][0] > 0
    assert expected["awaiting_ack"][0] > 0
    first = open_escalations(services)[0]
    services.sla.acknowledge(escalation_id=first.id, viewer=lea)
    again = {c.key: c.value for c in services.digest.build().counts}
    assert again["awaiting_ack"] == expected["awaiting_ack"][0] - 1
    assert (digest.standup, digest.scope, digest.channel) == ("all", "all companies",
                                                              "C0STANDUP")
    assert digest.generated_at == NOW
    assert digest.standup_at == datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Europe/Brussels"))
    assert {g.name: (g.open, g.breached, g.at_risk, g.new)
            for g in digest.groups} == group_counts(tickets)


def test_a_scoped_standup_counts_only_its_company_and_team(services: Services) -> None:
    lea = viewer(services, LEAD)
    tickets = [t for t in services.tickets.list_tickets(viewer=lea)
               if (t.company, t.team) == ("Acme Industries BE", "Finance & Accounting")]
    digest = services.digest.build(standup="be-finance")
    assert digest.scope == "Acme Industries BE · Finance & Accounting"
    assert digest.channel == "C0FIN"
    assert digest.standup_at == datetime(2026, 11, 20, 9, 30,
                                         tzinfo=ZoneInfo("America/Chicago"))
    counts = {c.key: (c.value, c.previous) for c in digest.counts}
    assert counts == expected_counts(services, tickets, scoped=True)
    assert 0 < counts["awaiting_ack"][0] < len(open_escalations(services))
    assert {item.ref for item in digest.top} == needing_attention(services, tickets)
    assert [g.name for g in digest.groups] == ["Acme Industries BE · Finance & Accounting"]


def test_top_lists_breached_first_with_why(services: Services) -> None:
    lea = viewer(services, LEAD)
    tickets = services.tickets.list_tickets(viewer=lea)
    expected = needing_attention(services, tickets)
    digest = services.digest.build()
    assert expected and len(digest.top) == min(10, len(expected))
    assert {item.ref for item in digest.top} <= expected
    assert digest.more == len(expected) - len(digest.top)
    assert digest.top[0].sla_state == "breached"
    assert_breached_first(digest)
    by_ref = {t.ref: t for t in tickets}
    for item in digest.top:
        ticket = by_ref[item.ref]
        assert (item.severity, item.sla_state, item.due_at) == (
            ticket.severity, ticket.sla_state, ticket.sla_due_at)
        assert item.url == ticket.url and item.url
        assert ("SLA breached" in item.why) == (ticket.sla_state == "breached")
        unassigned = ticket.severity in (1, 2) and not ticket.assignee
        assert (f"S{ticket.severity}, nobody assigned" in item.why) == unassigned


def test_confidential_titles_are_masked(world: World,
                                        open_services: Callable[..., Services]) -> None:
    probe = open_services(world)
    lea = viewer(probe, LEAD)
    payroll = next(t for t in probe.tickets.list_tickets(viewer=lea) if t.title == PAYROLL_TITLE)
    assert payroll.confidential and not payroll.is_closed
    # the payroll team's own stand-up: its list holds the payroll ticket among few others
    services = open_services(world, standups=[{"name": "all"}, {
        "name": "payroll", "company": payroll.company, "team": payroll.team}])
    services.sla.escalate(ref=payroll.ref, viewer=lea, reason="payroll run tonight")
    services.triage.decide(ref=payroll.ref, viewer=lea, severity=1)
    digest = services.digest.build(standup="payroll")
    item = next(i for i in digest.top if i.ref == payroll.ref)
    assert (item.title, item.confidential) == (MASKED, True)
    assert "L1 escalation not acknowledged" in item.why
    assert PAYROLL_TITLE not in json.dumps(digest_payload(digest))
    titles = {t.ref: t.title for t in services.tickets.list_tickets(viewer=lea)}
    assert all(i.title == titles[i.ref] for i in digest.top if not i.confidential)


def test_payload_round_trips_through_json(services: Services) -> None:
    digest = services.digest.build()
    payload = digest_payload(digest)
    text = json.dumps(payload)  # JSON-safe as it is
    assert payload["generated_at"] == NOW.isoformat()
    assert payload["standup_at"] == "2026-11-20T09:00:00+01:00"
    # the payload (what the outbox keeps and Slack shows) writes severities as people read
    # them, as it always did; the read model holds them as numbers
    assert [i["severity"] for i in payload["top"]] == [
        f"S{i.severity}" if i.severity else "" for i in digest.top]
    assert {i["severity"] for i in payload["top"]} <= {"S1", "S2", "S3", "S4", ""}
    back = digest_from_payload(json.loads(text))
    assert back == digest and digest_from_payload(payload) == digest
    assert back.top and isinstance(back.top, tuple) and isinstance(back.groups, tuple)
    assert digest_payload(back) == payload


def test_enqueue_fires_once_per_day_per_standup(services: Services, clock: Clock) -> None:
    def digests() -> dict[str, Any]:
        return {row.idempotency_key: row for row in services.sla.list_outbox()
                if row.kind == "digest"}

    assert services.digest.enqueue() is True
    assert services.digest.enqueue() is False
    row = digests()["digest:all:2026-11-20"]
    assert row.recipients == ("channel:C0STANDUP",) and row.state == "pending"
    assert row.payload == digest_payload(services.digest.build())
    assert services.digest.enqueue(standup="be-finance") is True  # Chicago: still the 20th
    assert digests()["digest:be-finance:2026-11-20"].recipients == ("channel:C0FIN",)
    late = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)  # already the 21st in Brussels
    assert services.digest.enqueue(now=late) is True
    row = digests()["digest:all:2026-11-21"]  # quiet hours do not hold a digest back
    assert (row.state, row.next_attempt_at, row.reason) == ("pending", late, "")
    clock.advance(days=1)
    assert services.digest.enqueue() is False  # the 21st's went out at 00:30
    clock.advance(days=1)
    assert services.digest.enqueue() is True
    assert sorted(digests()) == ["digest:all:2026-11-20", "digest:all:2026-11-21",
                                 "digest:all:2026-11-22", "digest:be-finance:2026-11-20"]


def test_without_a_channel_it_goes_to_the_standup_recipient(
        world: World, open_services: Callable[..., Services]) -> None:
    services = open_services(world, slack={}, standups=[{"name": "daily", "time": "08:45"}])
    assert services.digest.build(standup="daily").channel == ""
    assert services.digest.enqueue(standup="daily") is True
    rows = [r for r in services.sla.list_outbox() if r.kind == "digest"]
    assert [(r.idempotency_key, r.recipients) for r in rows] == [
        ("digest:daily:2026-11-20", ("channel:standup",))]


def test_an_unknown_standup_names_the_known_ones(services: Services) -> None:
    for call in (services.digest.build, services.digest.enqueue):
        with pytest.raises(UsageError) as caught:
            call(standup="night-shift")
        assert "night-shift" in caught.value.message
        assert "all" in caught.value.message and "be-finance" in caught.value.message
    assert [r for r in services.sla.list_outbox() if r.kind == "digest"] == []


def test_500_open_tickets_give_ten_items_and_every_group(
        big_world: World, open_services: Callable[..., Services]) -> None:
    probe = open_services(big_world)
    tickets = probe.tickets.list_tickets(viewer=viewer(probe, LEAD))
    teams = sorted({(t.company, t.team) for t in tickets if not t.is_closed})
    services = open_services(big_world, standups=[{"name": "all"}] + [
        {"name": f"team{i}", "company": company, "team": team}
        for i, (company, team) in enumerate(teams)])
    digest = services.digest.build()
    opened = [t for t in tickets if not t.is_closed]
    assert len(opened) >= 500
    assert {c.key: (c.value, c.previous) for c in digest.counts} == expected_counts(
        services, tickets)
    expected = needing_attention(services, tickets)
    assert len(digest.top) == 10 and {i.ref for i in digest.top} <= expected
    assert digest.more == len(expected) - 10 > 0
    assert_breached_first(digest)
    breached = sum(t.sla_state == "breached" for t in opened)
    assert [i.sla_state for i in digest.top].count("breached") == min(10, breached)
    groups = group_counts(tickets)
    assert {g.name: (g.open, g.breached, g.at_risk, g.new) for g in digest.groups} == groups
    keys = [(-g.breached, -g.at_risk, -g.open) for g in digest.groups]
    assert keys == sorted(keys) and len(digest.groups) == len(groups) > 1
    # a team with fewer than ten breached tickets lists its at-risk ones after them, due said
    def scoped(scope: tuple[str, str], state: str) -> int:
        return sum((t.company, t.team) == scope and t.sla_state == state for t in opened)

    calm = [i for i, scope in enumerate(teams)
            if scoped(scope, "breached") < 10 and scoped(scope, "at_risk")]
    assert calm, "the simulated go-live should have a team with tickets at risk"
    top = services.digest.build(standup=f"team{calm[0]}").top
    first = next(i for i in top if i.sla_state == "at_risk")
    assert first.due_at is not None
    local = first.due_at.astimezone(ZoneInfo("Europe/Brussels"))
    day = "" if local.date() == NOW.date() else f"{local:%a} "
    assert first.why.startswith(f"at risk: due {day}{local:%H:%M}")


def test_500_open_tickets_render_as_valid_slack_messages(
        big_world: World, open_services: Callable[..., Services]) -> None:
    from hypercare.bot.blocks import Reply
    from hypercare.bot.digest_blocks import build_digest
    from hypercare.bot.text import escape_text
    from hypercare.services.kpi.digest import digest_payload
    from tests.bot.test_blocks import check

    services = open_services(big_world)
    digest = services.digest.build()
    message = build_digest(digest_payload(digest))
    parts = message.all_messages()
    shown = [check(Reply(text=p.text, blocks=p.blocks)) for p in parts]  # each one valid
    assert len(message.blocks) <= 25  # the main message is no wall
    assert [item.ref for item in digest.top if item.ref not in shown[0]] == []
    everything = "\n".join(shown)
    assert [g.name for g in digest.groups if escape_text(g.name) not in everything] == []
