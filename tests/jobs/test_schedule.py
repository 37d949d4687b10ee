"""When the jobs fire and what they do at that moment, on a driven clock: the stand-up digest
across Brussels' return to winter time and a holiday, the sweep once per trigger, and every
job reading ``now`` from the services' one clock. Fire times come from APScheduler's own
triggers (``get_next_fire_time``), never recomputed here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger

from hypercare.services import Services
from hypercare.services.outbox.notifications import OutboxView
from tests.jobs.conftest import LEAD, NOW, record_of, runner_for, spec_of
from tests.support import Clock, viewer

BRUSSELS = ZoneInfo("Europe/Brussels")
DIGEST = "standup_digest:finance"
HOLIDAY = date(2026, 10, 28)
SUMMER, WINTER = timedelta(hours=2), timedelta(hours=1)


def fire_times(trigger: BaseTrigger, start: datetime, end: datetime) -> list[datetime]:
    """Every fire time of an APScheduler trigger from ``start`` up to ``end``."""
    found: list[datetime] = []
    previous: datetime | None = None
    while True:
        fire: datetime | None = trigger.get_next_fire_time(previous, previous or start)
        if fire is None or fire > end:
            return found
        found.append(fire)
        previous = fire


def digests(services: Services) -> list[OutboxView]:
    return [m for m in services.sla.list_outbox(limit=10_000) if m.kind == "digest"]


def digests_keys(services: Services) -> list[str]:
    return [m.idempotency_key for m in digests(services)]


def test_the_digest_fires_once_per_business_day_at_nine_across_the_dst_change(
        open_services: Callable[..., Services], clock: Clock) -> None:
    services = open_services(synced=False)
    start = datetime(2026, 10, 21, tzinfo=BRUSSELS)
    end = datetime(2026, 11, 4, 23, 59, tzinfo=BRUSSELS)
    fires = fire_times(spec_of(services, DIGEST).trigger, start, end)

    weekdays = [start.date() + timedelta(days=n) for n in range(15)]
    weekdays = [d for d in weekdays if d.weekday() < 5]
    assert [f.astimezone(BRUSSELS).date() for f in fires] == weekdays  # Oct 28 included:
    for fire in fires:                                       # the trigger knows no holidays
        local = fire.astimezone(BRUSSELS)
        assert (local.hour, local.minute) == (9, 0)
        assert local.utcoffset() == (SUMMER if local.date() < date(2026, 10, 25) else WINTER)
    assert {f.astimezone(UTC).hour for f in fires} == {7, 8}  # 09:00 local moved in UTC

    runner = runner_for(services)
    for fire in fires:
        clock.now = fire.astimezone(UTC)  # the services' clock runs in UTC, as the real one
        before = len(digests(services))
        outcome = runner.run(DIGEST)
        assert outcome.ok, outcome.result
        holiday = fire.astimezone(BRUSSELS).date() == HOLIDAY
        if holiday:
            assert outcome.result.startswith("skipped")
            assert len(digests(services)) == before
        else:
            assert outcome.result == "digest queued"
            assert len(digests(services)) == before + 1
        queued = len(digests(services))
        clock.advance(hours=2)  # later the same day (a restart, a manual run): nothing more
        again = runner.run(DIGEST)
        assert again.ok
        assert again.result.startswith("skipped") if holiday else \
            again.result == "digest already queued today"
        assert len(digests(services)) == queued

    business = [d for d in weekdays if d != HOLIDAY]
    assert sorted(digests_keys(services)) == [f"digest:finance:{d}" for d in business]
    for message in digests(services):
        standup_at = datetime.fromisoformat(message.payload["standup_at"])
        generated = datetime.fromisoformat(message.payload["generated_at"])
        assert (standup_at.hour, standup_at.minute) == (9, 0)
        assert generated == standup_at  # built at the stand-up's own moment
        assert message.payload["standup"] == "finance"
    record = record_of(services, DIGEST)
    assert (record.runs, record.failures) == (2 * len(fires), 0)
    assert record.schedule == "mon-fri 09:00 Europe/Brussels"


Row = tuple[int, str, int, str, str, datetime | None]


def escalations(services: Services) -> list[Row]:
    return [(e.id, e.subject, e.level, e.trigger, e.status, e.created_at)
            for e in services.sla.list_escalations(viewer=viewer(services, LEAD),
                                                   include_done=True, limit=100_000)]


def outbox(services: Services) -> list[tuple[object, ...]]:
    return [(m.id, m.idempotency_key, m.state, tuple(m.recipients))
            for m in services.sla.list_outbox(limit=100_000)]


def test_the_sweep_escalates_once_per_trigger(open_services: Callable[..., Services],
                                              clock: Clock) -> None:
    services = open_services()
    runner = runner_for(services)
    first = runner.run("triage_sweep")
    assert first.ok, first.result
    found, sent = escalations(services), outbox(services)
    assert found, "the synced go-live has breached tickets to escalate"
    assert sent and len({key for _, key, _, _ in sent}) == len(sent)

    second = runner.run("triage_sweep")  # the same trigger again: a restart, a coalesced run
    assert second.ok and "0 escalations" in second.result
    assert escalations(services) == found
    assert outbox(services) == sent

    ack_minutes = services.context.settings.escalation.ack_minutes
    clock.advance(minutes=ack_minutes + 1)  # nobody acknowledged in time
    assert runner.run("triage_sweep").ok
    after = escalations(services)
    no_ack = [e for e in after if e[3] == "no_ack"]
    assert no_ack, "unacknowledged escalations go one level up"
    top_before: dict[str, int] = {}
    for _, subject, level, _, _, _ in found:
        top_before[subject] = max(level, top_before.get(subject, 0))
    for _, subject, level, _, _, created in no_ack:
        assert subject in top_before and level == top_before[subject] + 1
        assert created == clock.now  # the sweep's moment is the driven clock's
    assert Counter(e[1] for e in no_ack).most_common(1)[0][1] == 1  # once per subject
    assert [e for e in after if e[3] != "no_ack"] == found  # the first ones untouched
    grown = outbox(services)
    assert len(grown) > len(sent)

    assert runner.run("triage_sweep").ok  # and again at that same moment: nothing new
    assert escalations(services) == after
    assert outbox(services) == grown


def test_the_kpi_snapshot_stores_the_driven_local_day(open_services: Callable[..., Services],
                                                      clock: Clock) -> None:
    services = open_services(jobs={"kpi_snapshot_time": "00:30"})
    fire = fire_times(spec_of(services, "kpi_snapshot").trigger, NOW, NOW + timedelta(days=1))[0]
    assert fire.astimezone(BRUSSELS) == datetime(2026, 11, 21, 0, 30, tzinfo=BRUSSELS)
    clock.now = fire.astimezone(UTC)  # 23:30 UTC on the 20th: already the 21st in Brussels
    outcome = runner_for(services).run("kpi_snapshot")
    assert outcome.ok and outcome.result.endswith("KPI values stored")
    keys = {kpi.key for kpi in services.kpis.board(days=14).kpis}
    assert keys
    for key in keys:
        days = [day for day, _ in services.kpis.history(key=key)]
        assert days in ([], [date(2026, 11, 21)])  # a KPI without a value stores none
    assert any(services.kpis.history(key=key) for key in keys)


def test_every_job_reads_now_from_the_one_clock(open_services: Callable[..., Services],
                                                clock: Clock) -> None:
    services = open_services()
    runner = runner_for(services)
    clock.now = datetime(2026, 11, 23, 8, 17, tzinfo=UTC)  # a Monday, three days on
    for name in runner.names:
        outcome = runner.run(name)
        assert outcome.ok, f"{name}: {outcome.result}"
        record = record_of(services, name)
        assert record.last_started_at == record.last_finished_at == clock.now, name
        assert record.owner and record.running_since is None
    last_sync = services.sync.sync_status().runs[0]
    assert last_sync.finished_at == clock.now
    digest = digests(services)[0]  # 09:17 in Brussels: Monday's stand-up digest is due
    assert datetime.fromisoformat(digest.payload["generated_at"]) == clock.now
    assert digest.idempotency_key == "digest:finance:2026-11-23"


def test_the_digest_says_the_time_it_is_fired_at(open_services: Callable[..., Services],
                                                 clock: Clock) -> None:
    """A stand-up without its own timezone is held in the command center's (Brussels), even
    on a calendar of another zone: the job fires when the digest says the stand-up is."""
    services = open_services(synced=False, standups=[
        {"name": "finance", "time": "09:00", "timezone": "Europe/Brussels"},
        {"name": "plant", "time": "09:30", "calendar": "plant"}],
        sla={"calendars": {"default": {"days": "mon-fri"},
                           "plant": {"days": "mon-sat", "timezone": "America/Chicago"}}})
    runner = runner_for(services)
    for name, weekday in (("finance", 0), ("plant", 5)):  # a Monday, and the plant's Saturday
        job = f"standup_digest:{name}"
        day = NOW.date() + timedelta(days=(weekday - NOW.weekday()) % 7)
        start = datetime(day.year, day.month, day.day, tzinfo=BRUSSELS)
        fire = fire_times(spec_of(services, job).trigger, start, start + timedelta(days=1))[0]
        assert fire.weekday() == weekday
        clock.now = fire.astimezone(UTC)
        assert runner.run(job).result == "digest queued", job
        message = next(m for m in digests(services) if m.payload["standup"] == name)
        assert datetime.fromisoformat(message.payload["standup_at"]) == fire, job
        assert message.idempotency_key == f"digest:{name}:{fire.astimezone(BRUSSELS).date()}"
