"""The job runner: a failing job is recorded and never stops the others; under the real
BackgroundScheduler an overrunning job is recorded as missed while the others keep running,
and shutdown waits for the running job; an unknown name lists the jobs."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from apscheduler.triggers.interval import IntervalTrigger

from hypercare.errors import UsageError
from hypercare.jobs.registry import JobSpec, build_jobs
from hypercare.jobs.runner import JobRunner
from hypercare.services import Services
from tests.jobs.conftest import World, closed_port, record_of, runner_for
from tests.sync.conftest import odoo_settings

POLL_SECONDS = 20.0
SLOW_SECONDS = 2.5


def test_a_failing_job_never_stops_the_others(jobs_world: World,
                                               open_services: Callable[..., Services]) -> None:
    unreachable = f"http://127.0.0.1:{closed_port()}"
    services = open_services(odoo=odoo_settings(jobs_world.sim, protocol="json2",
                                                url=unreachable))
    runner = runner_for(services)

    failed = runner.run("sync")  # returned, never raised
    assert not failed.ok
    assert failed.result.startswith("failed:") and "127.0.0.1" in failed.result
    swept = runner.run("triage_sweep")
    assert swept.ok and "tickets swept" in swept.result

    sync = record_of(services, "sync")
    assert (sync.runs, sync.failures, sync.last_ok) == (1, 1, False)
    assert "cannot reach Odoo" in sync.last_result and unreachable in sync.last_result
    assert sync.running_since is None  # finished, as a failure
    sweep = record_of(services, "triage_sweep")
    assert (sweep.runs, sweep.failures, sweep.last_ok) == (1, 0, True)
    assert sweep.last_result == swept.result

    again = runner.run("sync")  # the next run fails again, counted again
    assert not again.ok
    assert (record_of(services, "sync").runs, record_of(services, "sync").failures) == (2, 2)


def test_a_job_raising_anything_is_recorded_with_its_reason(
        open_services: Callable[..., Services]) -> None:
    services = open_services(synced=False)

    def broken() -> str:
        raise ZeroDivisionError("no tickets to divide by")

    specs = [JobSpec("broken", IntervalTrigger(minutes=1), "every 1 min", broken),
             *build_jobs(services)]
    runner = runner_for(services, specs)
    outcome = runner.run("broken")
    assert not outcome.ok and "ZeroDivisionError" in outcome.result
    assert "no tickets to divide by" in record_of(services, "broken").last_result
    assert runner.run("writeback_retry").ok


def test_an_unknown_job_lists_the_jobs(open_services: Callable[..., Services]) -> None:
    services = open_services(synced=False)
    runner = runner_for(services)
    with pytest.raises(UsageError) as raised:
        runner.run("nope")
    assert "nope" in raised.value.message
    for name in ("sync", "triage_sweep", "standup_digest:finance", "kpi_snapshot",
                 "classifier_retrain", "outbox_deliver"):
        assert name in (raised.value.hint or "")
    assert services.job_records.states() == []  # nothing was recorded as run


class Sleeper:
    """A job that sleeps longer than its interval, saying when a run has begun."""

    def __init__(self) -> None:
        self.began = threading.Event()
        self.started = self.finished = 0

    def __call__(self) -> str:
        self.started += 1
        self.began.set()
        time.sleep(SLOW_SECONDS)
        self.finished += 1
        return f"slept {SLOW_SECONDS} s"


@pytest.fixture
def scheduled(open_services: Callable[..., Services]) -> Iterator[tuple[Services, JobRunner,
                                                                         Sleeper]]:
    services = open_services(synced=False)
    sleeper = Sleeper()
    specs = [JobSpec("slow", IntervalTrigger(seconds=1), "every 1 s", sleeper),
             JobSpec("quick", IntervalTrigger(seconds=1), "every 1 s", lambda: "quick done")]
    leases = services.job_leases("serve")  # this process holds both jobs' leases
    assert leases.take("slow") and leases.take("quick")
    runner = JobRunner(services, specs, leases=leases)
    runner.start()
    try:
        yield services, runner, sleeper
    finally:
        runner.shutdown(wait=True)
        leases.release_all()


def poll(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + POLL_SECONDS
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"not seen within {POLL_SECONDS:.0f} s: {what}")
        time.sleep(0.05)


def test_an_overrunning_job_is_recorded_as_missed_while_the_others_run(
        scheduled: tuple[Services, JobRunner, Sleeper]) -> None:
    services, runner, _ = scheduled
    assert set(runner.next_runs()) == {"slow", "quick"}

    def overran_while_quick_ran() -> bool:
        slow, quick = record_of(services, "slow"), record_of(services, "quick")
        return (slow is not None and slow.missed >= 1 and "overran" in slow.last_result
                and quick is not None and quick.runs >= 3)

    poll(overran_while_quick_ran, "slow recorded as overran while quick kept running")
    quick = record_of(services, "quick")
    assert quick.failures == 0 and quick.missed == 0 and quick.last_result == "quick done"
    assert record_of(services, "slow").failures == 0


def test_shutdown_waits_for_the_running_job(
        scheduled: tuple[Services, JobRunner, Sleeper]) -> None:
    services, runner, sleeper = scheduled
    poll(lambda: sleeper.finished >= 1, "one slow run finished")
    sleeper.began.clear()
    assert sleeper.began.wait(POLL_SECONDS), "the next slow run did not begin"
    assert record_of(services, "slow").running_since is not None

    runner.shutdown(wait=True)
    assert runner.next_runs() == {}
    assert sleeper.finished == sleeper.started
    slow = record_of(services, "slow")
    assert slow.running_since is None and slow.last_ok is True  # finished, not cut off
    assert slow.runs == sleeper.finished
