"""The named jobs and their schedules.

Each job calls services only, and returns one line saying what it did. What a job needs from
a front end (the bot's deliverer and follow-ups, the weekly pack writer) is handed in by
``serve``'s wiring as :class:`Injected`; without it the job says so and does nothing.
Every job reads ``now`` from the services' one clock, so tests drive time by driving it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from hypercare.services.standup.times import is_standup_day, standup_times

if TYPE_CHECKING:
    from hypercare.services import Services
    from hypercare.services.outbox.delivery import Deliverer


@dataclass(frozen=True)
class Injected:
    """What the front ends lend the jobs (each optional)."""

    deliverer: Deliverer | None = None
    """Delivers outbox messages (the bot's, when Slack is configured)."""
    followups: Callable[[], str] | None = None
    """The bot's follow-ups: reports kept while Odoo was down, thread updates."""
    weekly_pack: Callable[[], str] | None = None
    """Writes and announces the weekly steering pack."""


@dataclass(frozen=True)
class JobSpec:
    """A named job: when it runs (an APScheduler trigger), what that is in words, what it
    does."""

    name: str
    trigger: BaseTrigger
    schedule: str
    run: Callable[[], str]


def _daily(time_text: str, zone: str, days: str | None = None) -> CronTrigger:
    hour, minute = (int(part) for part in time_text.split(":"))
    return CronTrigger(day_of_week=days, hour=hour, minute=minute, timezone=zone)


def build_jobs(services: Services, injected: Injected | None = None, *,
               sync_seconds: float | None = None) -> list[JobSpec]:
    """Every job for these settings, in the order ``jobs list`` shows them. ``sync_seconds``:
    sync this often instead of every ``sync.interval_minutes`` (the demo's live go-live)."""
    lent = injected or Injected()
    settings = services.context.settings
    jobs, zone = settings.jobs, settings.timezone
    sync_minutes = settings.sync.interval_minutes

    def every(**kwargs: Any) -> IntervalTrigger:
        return IntervalTrigger(timezone=zone, **kwargs)

    sync_every = (JobSpec("sync", every(seconds=sync_seconds), f"every {sync_seconds:g} s",
                          lambda: _sync(services)) if sync_seconds else
                  JobSpec("sync", every(minutes=sync_minutes), f"every {sync_minutes} min",
                          lambda: _sync(services)))
    specs = [
        sync_every,
        JobSpec("triage_sweep", every(seconds=jobs.sweep_seconds),
                f"every {jobs.sweep_seconds} s", lambda: _sweep(services)),
    ]
    for held in standup_times(settings):
        specs.append(JobSpec(
            f"standup_digest:{held.name}",
            CronTrigger(day_of_week=",".join(held.days), hour=held.hour, minute=held.minute,
                        timezone=held.timezone),
            f"{held.day_span} {held.hour:02d}:{held.minute:02d} {held.timezone}",
            lambda name=held.name: _digest(services, name)))  # type: ignore[misc]
    specs += [
        JobSpec("kpi_snapshot", _daily(jobs.kpi_snapshot_time, zone),
                f"daily {jobs.kpi_snapshot_time} {zone}",
                lambda: f"{services.kpis.snapshot()} KPI values stored"),
        JobSpec("adoption_snapshot", every(minutes=jobs.adoption_minutes),
                f"every {jobs.adoption_minutes} min", lambda: _adoption(services)),
        JobSpec("watch_kpis", every(minutes=jobs.watch_minutes),
                f"every {jobs.watch_minutes} min", lambda: _watch(services)),
        JobSpec("classifier_retrain", _daily(jobs.retrain_time, zone),
                f"daily {jobs.retrain_time} {zone}", lambda: _retrain(services)),
        JobSpec("weekly_pack", _daily(jobs.weekly_pack_time, zone, jobs.weekly_pack_day),
                f"{jobs.weekly_pack_day} {jobs.weekly_pack_time} {zone}",
                lent.weekly_pack or (lambda: "skipped: no pack writer in this process")),
        JobSpec("outbox_deliver", every(seconds=jobs.outbox_seconds),
                f"every {jobs.outbox_seconds} s", lambda: _deliver(services, lent.deliverer)),
        JobSpec("slack_followups", every(seconds=jobs.followup_seconds),
                f"every {jobs.followup_seconds} s",
                lent.followups or (lambda: "skipped: Slack is not configured")),
        JobSpec("writeback_retry", every(minutes=jobs.writeback_minutes),
                f"every {jobs.writeback_minutes} min", lambda: _writeback(services)),
    ]
    return specs


def _sync(services: Services) -> str:
    return services.refresh.refresh().summary()


def _sweep(services: Services) -> str:
    report = services.sla.sweep()
    return (f"{report.tickets} tickets swept, {sum(report.new_escalations.values())} "
            f"escalations, {sum(report.messages.values())} messages")


def _digest(services: Services, name: str) -> str:
    now = services.context.clock()
    if not is_standup_day(services.context.settings, name, now):
        return "skipped: not a working day of the stand-up's calendar"
    queued = services.digest.enqueue(standup=name, now=now)
    return "digest queued" if queued else "digest already queued today"


def _adoption(services: Services) -> str:
    report = services.kpis.snapshot_adoption()
    active = "?" if report.active_users_today is None else report.active_users_today
    return f"{active} of {report.internal_users} users active today" + "".join(
        f"; {note}" for note in report.notes)


def _watch(services: Services) -> str:
    watched = services.kpis.watch(alert=True)
    down = services.kpis.check_odoo()
    breached = sum(w.breached for w in watched)
    return f"{len(watched)} watch KPIs, {breached} past threshold" + \
        ("; Odoo unreachable: alert queued" if down else "")


def _retrain(services: Services) -> str:
    report = services.triage.retrain()
    if not report.refitted:
        return f"unchanged ({report.decisions} decisions, same data)"
    return (f"retrained on {report.seed_examples} seeds and {report.decisions} decisions in "
            f"{report.seconds:.1f} s; {report.changed} of {report.reclassified} tickets changed")


def _deliver(services: Services, deliverer: Deliverer | None) -> str:
    if deliverer is None:
        return "skipped: Slack is not configured (messages wait in the outbox)"
    report = services.delivery.deliver(deliverer)
    return (f"{report.sent} sent, {report.updated} updated, {report.recovered} recovered, "
            f"{report.retrying} retrying, {report.dead} dead")


def _writeback(services: Services) -> str:
    report = services.writeback.deliver()
    return f"{report.done} written to Odoo, {report.retrying} retrying, {report.dead} dead"
