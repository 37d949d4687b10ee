"""The weekly_pack job: the pack written into export.out_dir, announced once in the pack channel
with its HTML and XLSX uploaded in the thread (files upload v2 against the mock Slack)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete

from hypercare.bot.app import build_client
from hypercare.bot.delivery import SlackDeliverer
from hypercare.commands.pack_job import weekly_pack_writer
from hypercare.jobs.registry import Injected, build_jobs
from hypercare.jobs.runner import JobRunner
from hypercare.services import Services
from hypercare.store.tables import OutboxMessage
from tests.bot.conftest import BOT_TOKEN, NOW, BotWorld, settings_for
from tests.slack_mock import MockSlack
from tests.support import ServicesFactory

PACK_CHANNEL = "C0STEERING"


@pytest.fixture
def services(bot_world: BotWorld, tmp_path: Path, mock_slack: MockSlack) -> Iterator[Services]:
    with ServicesFactory(tmp_path, clock=lambda: NOW) as build:
        built = build(settings_for(
            bot_world, build.store("store.db", copy_of=bot_world.golden),
            slack={"bot_token": BOT_TOKEN, "api_url": mock_slack.url,
                   "pack_channel": PACK_CHANNEL},
            export={"out_dir": str(tmp_path / "packs"), "formats": ["html", "xlsx", "md"]}))
        with built.context.store().session() as session:
            session.execute(delete(OutboxMessage))
        yield built


def test_the_weekly_pack_is_written_and_announced_once(services: Services,
                                                       mock_slack: MockSlack,
                                                       tmp_path: Path) -> None:
    specs = build_jobs(services, Injected(weekly_pack=weekly_pack_writer(services)))
    runner = JobRunner(services, specs, leases=services.job_leases("cli"))
    first = runner.run("weekly_pack")
    assert first.ok, first.result
    written = sorted(p.name for p in (tmp_path / "packs").iterdir())
    assert written == ["hypercare-weekly-2026-W46.html", "hypercare-weekly-2026-W46.md",
                       "hypercare-weekly-2026-W46.xlsx"]
    assert "announced in Slack" in first.result
    assert "announced before" in runner.run("weekly_pack").result  # once per week
    sender = SlackDeliverer(build_client(BOT_TOKEN, mock_slack.url),
                            services.context.settings.slack, clock=lambda: NOW)
    report = services.delivery.deliver(sender)
    assert report.sent == 1, report.errors
    (post,) = [c for c in mock_slack.calls("chat.postMessage") if c.answer.get("ok")]
    assert post.payload["channel"] == PACK_CHANNEL
    assert "2026-W46" in json.dumps(post.payload["blocks"])
    shared = mock_slack.workspace.shared
    assert sorted(f["title"] for f in shared) == ["hypercare-weekly-2026-W46.html",
                                                  "hypercare-weekly-2026-W46.xlsx"]
    assert {f["thread_ts"] for f in shared} == {post.answer["ts"]}  # in the thread
    html = (tmp_path / "packs" / "hypercare-weekly-2026-W46.html").read_bytes()
    assert len(html) in {f["size"] for f in shared}  # the file itself went up
    assert services.delivery.deliver(sender).delivered == 0  # nothing twice


def test_a_pack_file_gone_before_delivery_is_said_in_the_thread(
        services: Services, mock_slack: MockSlack, tmp_path: Path) -> None:
    assert weekly_pack_writer(services)().startswith("2026-W46")
    (tmp_path / "packs" / "hypercare-weekly-2026-W46.xlsx").unlink()
    sender = SlackDeliverer(build_client(BOT_TOKEN, mock_slack.url),
                            services.context.settings.slack, clock=lambda: NOW)
    assert services.delivery.deliver(sender).sent == 1
    told = [c.payload["text"] for c in mock_slack.calls("chat.postMessage")
            if c.payload.get("thread_ts")]
    assert any("hypercare-weekly-2026-W46.xlsx" in text for text in told)
    assert [f["title"] for f in mock_slack.workspace.shared] == ["hypercare-weekly-2026-W46.html"]
