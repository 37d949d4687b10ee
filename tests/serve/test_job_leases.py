"""One owner of each periodic job, across real processes: a TUI (on a pseudo-terminal) and a
bot with no serve split the jobs, a serve takes them all, and when it dies they come back;
no job ever runs in two processes at once."""

from __future__ import annotations

import pytest

from hypercare.services import Services
from tests.serve.conftest import ServeProcess, ServeWorld, wait_until

BOT_JOBS = {"outbox_deliver", "slack_followups"}
SHARED_JOBS = {"sync", "triage_sweep", "writeback_retry"}


def holders(services: Services) -> dict[str, tuple[str, str]]:
    """Job -> (command, host:pid) of the process holding its lease now."""
    return {s.name: (s.holder_command, s.holder) for s in services.job_records.states()
            if s.holder}


def held_by(services: Services, child: ServeProcess) -> set[str]:
    return {name for name, (_, holder) in holders(services).items() if holder == child.name}


@pytest.mark.parametrize("world", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_jobs_have_one_owner_as_processes_come_and_go(world: ServeWorld) -> None:
    services = world.services
    tui = world.tui()
    wait_until(lambda: held_by(services, tui) == SHARED_JOBS,
               what=lambda: f"the TUI takes sync, sweep and write-back: {holders(services)}")
    bot = world.bot()
    wait_until(lambda: held_by(services, bot) == BOT_JOBS,
               what=lambda: f"the bot takes delivery and follow-ups: {holders(services)}\n"
                            + world.output())
    assert held_by(services, tui) == SHARED_JOBS  # what the TUI holds stays with it
    assert set(holders(services)) == BOT_JOBS | SHARED_JOBS  # digests, packs...: nobody
    assert {command for command, _ in holders(services).values()} == {"tui", "bot"}

    serve = world.serve()
    wait_until(lambda: held_by(services, serve) >= BOT_JOBS | SHARED_JOBS
               and not held_by(services, tui) and not held_by(services, bot),
               what=lambda: f"the serve takes every job over: {holders(services)}\n"
                            + world.output())
    wait_until(lambda: services.system.scheduler_owner() == serve.name)
    wait_until(lambda: any(r.name == "sync" and r.pid == serve.proc.pid
                           for r in services.job_records.runs()),
               what="the serve syncs once it holds the sync job")

    serve.kill()  # a crash: its locks die with it
    wait_until(lambda: held_by(services, bot) >= BOT_JOBS
               and held_by(services, tui) | held_by(services, bot) == BOT_JOBS | SHARED_JOBS,
               what=lambda: f"the bot and the TUI take their jobs back: {holders(services)}\n"
                            + world.output())
    assert bot.proc.poll() is None and tui.proc.poll() is None

    runs = services.job_records.runs()
    by = {(r.command, r.pid) for r in runs if r.name == "sync"}
    assert {"tui", "serve"} <= {command for command, _ in by}, by
    assert services.job_records.overlaps() == [], services.job_records.overlaps()
