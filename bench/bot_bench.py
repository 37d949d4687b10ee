"""Slack bot speed: time to acknowledge slash commands under load, and the daily digest.

Usage::

    .venv/bin/python bench/bot_bench.py --tickets 6000 --concurrency 50

A fresh SQLite store is filled with N tickets (10 % open; see standup_bench.py). The bot runs
in HTTP mode on loopback, talking to the local mock Slack Web API, behind two servers measured
in the same run: hypercare's (``BotHttpServer``: the signature gate on waitress) and, as the
baseline, the thread-per-request ``wsgiref`` server hypercare used before (Bolt's adapter
alone, the same app). The clients run in another process, as Slack is another machine.
``--concurrency`` clients each send one slash command at the same moment
(``/hypercare status``, ``howto``, ``mine`` and ``help`` in turn), signed exactly as Slack
signs them; the time from sending to the HTTP answer (Slack's acknowledgement) is measured:
target p95 < 100 ms on hypercare's server. Then the stand-up digest over the open tickets is
built (store read, counts, top 10, groups) and rendered to Block Kit messages split within
Slack's limits: target < 1 s. Medians of ``--rounds`` rounds; a table is printed.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from rich import box
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1]))
from standup_bench import NOW, fill

from hypercare.config import Settings
from hypercare.services import SYSTEM, ServiceContext, Services
from tests.slack_mock import MockSlack, sign_request

TOKEN = "xoxb-1111-2222-bench-token"
SECRET = "bench-signing-secret-0123456789ab"
COMMANDS = ("status HT00042", "howto reverse a credit note", "mine", "help")


def make_services(db: Path, api_url: str) -> Services:
    settings = Settings(database_url=f"sqlite:///{db}", timezone="Europe/Brussels",
                        slack={"bot_token": TOKEN, "signing_secret": SECRET,
                               "api_url": api_url})
    return Services(ServiceContext(settings=settings, clock=lambda: NOW))


def command(url: str, response_url: str, text: str, user: str) -> float:
    """Send one signed slash command; seconds until Slack's acknowledgement arrived."""
    body = urlencode({"command": "/hypercare", "text": text, "user_id": user,
                      "channel_id": "C0BENCH", "team_id": "T0HYPER",
                      "trigger_id": "1.2.3", "response_url": response_url}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               **sign_request(body, SECRET)}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=10) as answer:
        answer.read()
        if answer.status != 200:
            raise RuntimeError(f"HTTP {answer.status}")
    return time.perf_counter() - started


class WsgirefServer:
    """The baseline: Bolt's WSGI adapter on a thread-per-request ``wsgiref`` server."""

    def __init__(self, app: Any) -> None:
        import socketserver
        from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

        from slack_bolt.adapter.wsgi import SlackRequestHandler

        class Threading(socketserver.ThreadingMixIn, WSGIServer):
            daemon_threads = True
            request_queue_size = 128

        class Quiet(WSGIRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

        self._server = Threading(("127.0.0.1", 0), Quiet)
        self._server.set_app(SlackRequestHandler(app, path="/slack/events"))
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/slack/events"

    def __enter__(self) -> WsgirefServer:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def ack_times(services: Services, mock: MockSlack, concurrency: int, *,
              baseline: bool = False) -> list[float]:
    from hypercare.bot.app import build_app
    from hypercare.bot.http_server import BotHttpServer

    app = build_app(services, http=True)
    serving: Any = (WsgirefServer(app) if baseline else
                    BotHttpServer(app, signing_secret=SECRET, host="127.0.0.1", port=0))
    with serving as server:
        answered = len(mock.calls("response_url"))
        command(server.url, mock.response_url("warm"), "help", "U0WARM")  # first-call costs
        # The clients are another process, as Slack is another machine: their HTTP work
        # must not share the bot's interpreter (and its GIL).
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as clients:
            times = clients.submit(send_all, server.url, [mock.response_url(f"r{i}")
                                                          for i in range(concurrency)]).result()
        mock.wait_for("response_url", count=answered + concurrency + 1, timeout=60)
    return times


def send_all(url: str, response_urls: list[str]) -> list[float]:
    """Send one signed command per response URL at the same moment (in the client process)."""
    gate = threading.Barrier(len(response_urls))

    def one(i: int) -> float:
        gate.wait()
        return command(url, response_urls[i], COMMANDS[i % len(COMMANDS)], f"U{i:04d}")

    with ThreadPoolExecutor(len(response_urls)) as pool:
        return list(pool.map(one, range(len(response_urls))))


def digest_times(services: Services, rounds: int) -> tuple[list[float], list[float], int, int]:
    from hypercare.bot.digest_blocks import build_digest
    from hypercare.services.kpi.digest import digest_payload

    build, render, messages, blocks = [], [], 0, 0
    for _ in range(rounds):
        started = time.perf_counter()
        digest = services.digest.build(standup="all")
        built = time.perf_counter()
        message = build_digest(digest_payload(digest))
        done = time.perf_counter()
        build.append(built - started)
        render.append(done - built)
        parts = [message, *message.thread]
        messages, blocks = len(parts), sum(len(p.blocks) for p in parts)
    return build, render, messages, blocks


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=6000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "queue depth" is the point
    console = Console()
    with tempfile.TemporaryDirectory() as scratch, MockSlack(token=TOKEN) as mock:
        services = make_services(Path(scratch) / "bench.db", mock.url)
        try:
            fill(services, args.tickets)
            rounds, baseline = [], []
            for _ in range(args.rounds):  # interleaved, so both see the same machine
                rounds.append(ack_times(services, mock, args.concurrency))
                baseline.append(ack_times(services, mock, args.concurrency, baseline=True))
            build, render, messages, blocks = digest_times(services, args.rounds)
            open_count = len(services.queue.load_rows(viewer=SYSTEM, open_only=True))
        finally:
            services.close()
    p50 = statistics.median(percentile(r, 0.50) for r in rounds)
    p95 = statistics.median(percentile(r, 0.95) for r in rounds)
    worst = max(max(r) for r in rounds)
    base95 = statistics.median(percentile(r, 0.95) for r in baseline)
    digest = statistics.median(b + r for b, r in zip(build, render, strict=True))
    table = Table(title=f"Slack bot: {args.tickets:,} tickets ({open_count:,} open), "
                        f"{args.concurrency} concurrent commands, median of {args.rounds} "
                        "rounds", box=box.SIMPLE_HEAVY)
    for column in ("measure", "value", "target", "ok"):
        table.add_column(column, justify="right" if column != "measure" else "left")

    def row(name: str, value: float, target: float | None, unit: str = "ms") -> None:
        ok = "" if target is None else ("yes" if value < target else "NO")
        shown = f"{value * 1000:,.0f} {unit}"
        table.add_row(name, shown, f"< {target * 1000:,.0f} {unit}" if target else "", ok)

    row("ack p50", p50, None)
    row("ack p95", p95, 0.100)
    row("ack worst", worst, None)
    row("baseline: wsgiref, no gate, same app: ack p95", base95, None)
    table.add_row("ack p95 / baseline", f"{p95 / base95:.2f}", "", "")
    row("digest: build (store read, counts, top 10)", statistics.median(build), None)
    row("digest: render and split (Block Kit)", statistics.median(render), None)
    row("digest: total", digest, 1.0)
    table.add_row("digest: messages / blocks", f"{messages} / {blocks}", "", "")
    console.print(table)
    return 0 if p95 < 0.100 and digest < 1.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
