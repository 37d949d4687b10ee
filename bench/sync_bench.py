"""Benchmark of the Odoo -> store sync against the bundled Odoo simulator.

Run from the repository root::

    .venv/bin/python bench/sync_bench.py --tickets 20000
    .venv/bin/python bench/sync_bench.py --tickets 20000 --protocol jsonrpc --repeat 3

(``python -m bench.sync_bench`` works too.) The simulator (``hypercare sim``) runs as a
subprocess on loopback so its CPU time and memory are not counted as hypercare's; it is
stopped at the end, also on error or Ctrl-C. Every repeat uses a fresh client and a
fresh SQLite store in a temporary directory, and measures, in this order:

1. the *floors*: the raw keyset-paged ``search_read`` of the very ticket records the sync
   reads (the same reader page method, ``HelpdeskReader.page_tickets``: same client, fields,
   order, context, domains and page size), nothing mapped into the timing and nothing
   stored; likewise for the chatter (``ChatterReader.page_messages``: ``mail.message`` of
   helpdesk tickets at the sync's chatter page size, 4x the ticket page size);
2. a full first sync into the empty store (``SyncEngine.run()``): total time, phase
   times, the ticket phase's ratio to its floor, derive time and RPC calls per model;
3. a no-change re-sync (a second ``run()`` right after): time and RPC calls per model;
4. the peak RSS of this process (the simulator is another process).

With ``--repeat N`` (N > 1) timings are the median over the repeats and call counts the
worst repeat. The exit code is 0 even when a target is missed: a benchmark is not a test;
missed targets print ``MISS``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import math
import os
import platform
import pstats
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any, Literal

from rich.console import Console
from rich.table import Table

from hypercare.config import OdooSettings, SyncSettings
from hypercare.odoo import HANDSHAKE, ChatterReader, HelpdeskReader, OdooClient, connect
from hypercare.odoo.schema import TICKET
from hypercare.store.engine import Store, create_store_engine
from hypercare.store.schema import upgrade_schema
from hypercare.sync import keyset
from hypercare.sync.runner import SyncEngine, SyncReport

Protocol = Literal["auto", "jsonrpc", "json2"]

MESSAGE = "mail.message"
CHATTER_MODELS = (MESSAGE, "mail.tracking.value")
"""Models counted as chatter calls; the rest (but tickets) is handshake and reference."""
CHATTER_PAGE_FACTOR = 4
"""The sync pages chatter at 4x the ticket page size (``SyncEngine._pull_chatter``)."""

RATIO_TARGET = 1.5
RESYNC_CALLS_TARGET = 2
RESYNC_SECONDS_TARGET = 0.5
RSS_TARGET_MB = 300.0

stderr = Console(stderr=True, highlight=False)


# -- the simulator subprocess -----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


_READY = re.compile(r"Odoo simulator \(.*\) at (http://\S+)")


class Simulator:
    """``hypercare sim`` in a subprocess; a context manager that yields nothing but the URL."""

    def __init__(
        self, *, tickets: int, flavor: str, version: str, workdir: Path, startup_timeout: float
    ) -> None:
        self.tickets = tickets
        self.flavor = flavor
        self.version = version
        self.log_path = workdir / "simulator.log"
        self.startup_timeout = startup_timeout
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self.url = ""

    def start(self) -> str:
        port = _free_port()
        command = [
            sys.executable, "-m", "hypercare", "sim", "--host", "127.0.0.1",
            "--port", str(port), "--tickets", str(self.tickets), "--rate", "0",
            "--flavor", self.flavor, "--version", self.version,
        ]  # fmt: skip
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if (found := _READY.search(self._read_log())) is not None:
                self.url = found.group(1)
                return self.url
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"the simulator exited with code {self.proc.returncode}:\n{self._read_log()}"
                )
            time.sleep(0.1)
        raise RuntimeError(
            f"the simulator was not ready within {self.startup_timeout:.0f} s:\n"
            f"{self._read_log()[-2000:]}"
        )

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None

    def peak_rss_mb(self) -> float | None:
        """The simulator's own peak RSS (``VmHWM``), Linux only; for information."""
        if self.proc is None:
            return None
        try:
            status = Path(f"/proc/{self.proc.pid}/status").read_text()
        except OSError:
            return None
        found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        return int(found.group(1)) / 1024 if found else None

    def _read_log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def __enter__(self) -> Simulator:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


# -- measurements ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Floor:
    """One raw paged read."""

    seconds: float
    calls: int
    rows: int
    pages: int
    map_seconds: float = 0.0
    """Time ``HelpdeskReader.map_tickets`` took on the same pages (kept out of ``seconds``)."""


@dataclass(frozen=True)
class Repeat:
    """Everything one repeat measured."""

    transport: str
    server_version: str
    ticket_total: int
    connect_seconds: float
    handshake_calls: int
    ticket_floor: Floor
    chatter_floor: Floor
    setup_seconds: float
    setup_calls: Mapping[str, int]
    """Calls made while building the ``SyncEngine`` (schema detection), before ``run()``."""
    first: SyncReport
    first_seconds: float
    second: SyncReport
    second_seconds: float
    rss_before_sync_mb: float
    rss_after_sync_mb: float


def _maxrss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # KiB on Linux, bytes on macOS.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _paged_read(
    client: OdooClient,
    model: str,
    fetch: keyset.Fetch,
    base: Sequence[Any],
    page_size: int,
    overlap: timedelta,
    on_page: Callable[[list[dict[str, Any]]], None] | None = None,
) -> Floor:
    """Page ``fetch`` exactly as the sync's keyset paging does, from an empty cursor."""
    client.reset_stats()
    rows = pages = 0
    aside = 0.0
    started = time.perf_counter()
    for page, _position in keyset.pages(fetch, base, None, overlap=overlap, page_size=page_size):
        rows += len(page)
        pages += 1
        if on_page is not None:
            mark = time.perf_counter()
            on_page(page)
            aside += time.perf_counter() - mark
    seconds = time.perf_counter() - started - aside
    calls = client.stats.by_model.get(model, 0)
    return Floor(seconds=seconds, calls=calls, rows=rows, pages=pages, map_seconds=aside)


def ticket_floor(
    client: OdooClient, reader: HelpdeskReader, page_size: int, overlap: timedelta
) -> Floor:
    """Raw ``search_read`` of every ticket, as ``SyncEngine._pull_tickets`` reads them
    (``HelpdeskReader.page_tickets``)."""
    reader.reference()  # loaded before timing, so mapping makes no calls on the way

    def mapping(rows: list[dict[str, Any]]) -> None:
        reader.map_tickets(rows)

    return _paged_read(client, TICKET, reader.page_tickets, [], page_size, overlap, mapping)


def chatter_floor(client: OdooClient, page_size: int, overlap: timedelta) -> Floor:
    """Raw ``search_read`` of helpdesk chatter, as ``SyncEngine._pull_chatter`` reads it
    (``ChatterReader.page_messages``)."""
    page = ChatterReader(client).page_messages
    return _paged_read(client, MESSAGE, page, [], page_size * CHATTER_PAGE_FACTOR, overlap)


def classify_hook(store: Store, workdir: Path) -> Callable[[Sequence[int]], object]:
    """The product's classification step (run in the sync's derive phase), model ready."""
    from hypercare.config import Settings, TriageSettings
    from hypercare.services.context import ServiceContext
    from hypercare.services.triage.classification import TriageService

    settings = Settings(database_url=str(store.engine.url),
                        triage=TriageSettings(model_dir=workdir / "models"))
    context = ServiceContext(settings=settings, check_schema=False)
    context.use_store(store)  # the sync's own store: classification joins its transaction
    triage = TriageService(context)
    triage.classifier()  # fitted (or loaded) outside the timings
    return triage.classify_stored


@contextmanager
def fresh_store(workdir: Path, name: str) -> Iterator[Store]:
    path = workdir / f"{name}.db"
    for leftover in workdir.glob(f"{name}.db*"):
        leftover.unlink()
    engine = create_store_engine(f"sqlite:///{path}")
    try:
        upgrade_schema(engine)
        yield Store(engine)
    finally:
        engine.dispose()
        for leftover in workdir.glob(f"{name}.db*"):
            leftover.unlink()


def _now() -> datetime:
    return datetime.now(UTC)


def one_repeat(odoo: OdooSettings, sync: SyncSettings, workdir: Path, index: int) -> Repeat:
    overlap = timedelta(minutes=sync.overlap_minutes)
    started = time.perf_counter()
    client = connect(odoo)
    connect_seconds = time.perf_counter() - started
    try:
        handshake = client.stats.by_model.get(HANDSHAKE, 0)
        total = client.search_count(TICKET, [], context={"active_test": False})

        stderr.log(f"repeat {index}: ticket floor ({total} tickets)")
        tickets = ticket_floor(client, HelpdeskReader(client), sync.page_size, overlap)
        stderr.log(f"repeat {index}: chatter floor")
        chatter = chatter_floor(client, sync.page_size, overlap)

        with fresh_store(workdir, f"bench-{index}") as store:
            client.reset_stats()
            started = time.perf_counter()
            engine = SyncEngine(client, store, sync, clock=_now,
                                classify=classify_hook(store, workdir))
            setup_seconds = time.perf_counter() - started
            setup_calls = dict(client.stats.by_model)

            rss_before = _maxrss_mb()
            stderr.log(f"repeat {index}: full first sync")
            started = time.perf_counter()
            first = engine.run()
            first_seconds = time.perf_counter() - started
            rss_after = _maxrss_mb()

            stderr.log(f"repeat {index}: no-change re-sync")
            started = time.perf_counter()
            second = engine.run()
            second_seconds = time.perf_counter() - started
        return Repeat(
            transport=client.info.transport,
            server_version=client.info.version,
            ticket_total=total,
            connect_seconds=connect_seconds,
            handshake_calls=handshake,
            ticket_floor=tickets,
            chatter_floor=chatter,
            setup_seconds=setup_seconds,
            setup_calls=setup_calls,
            first=first,
            first_seconds=first_seconds,
            second=second,
            second_seconds=second_seconds,
            rss_before_sync_mb=rss_before,
            rss_after_sync_mb=rss_after,
        )
    finally:
        client.close()


def traced_sync(odoo: OdooSettings, sync: SyncSettings, workdir: Path) -> tuple[float, float]:
    """(tracemalloc peak MB, seconds) of one more full sync; untimed for the verdicts."""
    client = connect(odoo)
    try:
        with fresh_store(workdir, "bench-traced") as store:
            engine = SyncEngine(client, store, sync, clock=_now,
                                classify=classify_hook(store, workdir))
            tracemalloc.start()
            try:
                started = time.perf_counter()
                engine.run()
                seconds = time.perf_counter() - started
                _current, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
    finally:
        client.close()
    return peak / (1024 * 1024), seconds


def profiled_sync(odoo: OdooSettings, sync: SyncSettings, workdir: Path, path: Path) -> str:
    """One more full sync under cProfile; stats written to ``path``, top entries returned.

    cProfile sees the calling thread only: the prefetch thread (Odoo calls and mapping of
    rows to records) is not in the profile, the store writes and derive are.
    """
    client = connect(odoo)
    try:
        with fresh_store(workdir, "bench-profiled") as store:
            engine = SyncEngine(client, store, sync, clock=_now,
                                classify=classify_hook(store, workdir))
            profile = cProfile.Profile()
            profile.enable()
            try:
                engine.run()
            finally:
                profile.disable()
    finally:
        client.close()
    profile.dump_stats(path)
    text = io.StringIO()
    stats = pstats.Stats(profile, stream=text)
    stats.sort_stats("tottime").print_stats(15)
    stats.sort_stats("cumulative").print_stats(r"hypercare", 15)
    return text.getvalue()


# -- report ---------------------------------------------------------------------------------


def _median(values: Sequence[float]) -> float:
    return statistics.median(values)


def _worst(values: Sequence[int]) -> int:
    return max(values)


def _secs(value: float) -> str:
    return f"{value:.3f} s" if value < 10 else f"{value:.2f} s"


def _verdict(ok: bool) -> str:
    return "[green]PASS[/]" if ok else "[bold red]MISS[/]"


def _calls_text(calls: Mapping[str, int]) -> str:
    return ", ".join(f"{model} {count}" for model, count in sorted(calls.items())) or "none"


def _other_calls(calls: Mapping[str, int]) -> dict[str, int]:
    skip = {TICKET, *CHATTER_MODELS}
    return {model: count for model, count in calls.items() if model not in skip and count}


def build_table(runs: Sequence[Repeat], page_size: int) -> tuple[Table, int]:
    """The result table and the number of missed targets."""
    table = Table(title="hypercare sync benchmark", title_justify="left")
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_column("target", justify="right")
    table.add_column("verdict", justify="center")
    misses = 0

    def row(metric: str, value: str, target: str = "-", ok: bool | None = None) -> None:
        nonlocal misses
        if ok is False:
            misses += 1
        table.add_row(metric, value, target, "-" if ok is None else _verdict(ok))

    first = runs[0]
    n = first.ticket_total
    tf = _median([r.ticket_floor.seconds for r in runs])
    cf = _median([r.chatter_floor.seconds for r in runs])
    ticket_phase = _median([r.first.phase_seconds.get("tickets", 0.0) for r in runs])
    chatter_phase = _median([r.first.phase_seconds.get("chatter", 0.0) for r in runs])
    ticket_ratio = _median(
        [r.first.phase_seconds.get("tickets", 0.0) / r.ticket_floor.seconds for r in runs]
    )
    chatter_ratio = _median(
        [r.first.phase_seconds.get("chatter", 0.0) / max(r.chatter_floor.seconds, 1e-9)
         for r in runs]
    )  # fmt: skip

    row(
        f"ticket floor: raw search_read ({first.ticket_floor.rows} rows, "
        f"{first.ticket_floor.pages} pages)",
        _secs(tf),
    )
    row("ticket floor: helpdesk.ticket calls", str(_worst([r.ticket_floor.calls for r in runs])))
    row(
        "  (map_tickets on the same pages, outside the floor)",
        _secs(_median([r.ticket_floor.map_seconds for r in runs])),
    )
    row(
        f"chatter floor: raw search_read ({first.chatter_floor.rows} rows, "
        f"page {page_size * CHATTER_PAGE_FACTOR})",
        _secs(cf),
    )
    row("chatter floor: mail.message calls", str(_worst([r.chatter_floor.calls for r in runs])))

    table.add_section()
    row(
        "connect (version probe + login)",
        f"{_secs(_median([r.connect_seconds for r in runs]))}, "
        f"{_worst([r.handshake_calls for r in runs])} calls",
    )
    row(
        "SyncEngine() setup (schema detection)",
        f"{_secs(_median([r.setup_seconds for r in runs]))}, "
        f"{sum(first.setup_calls.values())} calls",
    )
    row("full first sync: run() total", _secs(_median([r.first_seconds for r in runs])))
    row("  reference phase", _secs(_median([r.first.phase_seconds.get("reference", 0.0)
                                            for r in runs])))  # fmt: skip
    row("  tickets phase (pull-and-store)", _secs(ticket_phase))
    row(
        "  tickets phase / ticket floor",
        f"{ticket_ratio:.2f}x",
        f"<= {RATIO_TARGET}x",
        ticket_ratio <= RATIO_TARGET,
    )
    row("  chatter phase", _secs(chatter_phase))
    row("  chatter phase / chatter floor", f"{chatter_ratio:.2f}x")
    row("  derive (derive_seconds)", _secs(_median([r.first.derive_seconds for r in runs])))
    row("  pull_seconds (as reported)", _secs(_median([r.first.pull_seconds for r in runs])))
    ticket_calls = _worst([r.first.rpc_calls.get(TICKET, 0) for r in runs])
    call_target = math.ceil(n / page_size) + 3
    row(
        "  helpdesk.ticket RPC calls",
        str(ticket_calls),
        f"<= {call_target} (ceil({n}/{page_size})+3)",
        ticket_calls <= call_target,
    )
    other = _other_calls(first.first.rpc_calls)
    row(
        "  handshake + schema + reference calls",
        f"{first.handshake_calls} + {sum(first.setup_calls.values())} + {sum(other.values())}",
    )
    row("    reference calls in run() by model", _calls_text(other))
    chatter_calls = {m: first.first.rpc_calls.get(m, 0) for m in CHATTER_MODELS}
    row(
        "  chatter calls",
        f"{sum(chatter_calls.values())} ({_calls_text(chatter_calls)})",
    )
    row(
        "  rows stored",
        ", ".join(f"{k} {v}" for k, v in first.first.rows.items() if v) or "none",
    )
    row("  pages", str(first.first.pages))

    table.add_section()
    second = _median([r.second_seconds for r in runs])
    row(
        "no-change re-sync: run() total",
        _secs(second),
        f"< {RESYNC_SECONDS_TARGET} s",
        second < RESYNC_SECONDS_TARGET,
    )
    phases = ("reference", "tickets", "chatter", "derive")
    row(
        "  phases: " + " / ".join(phases),
        " / ".join(
            f"{_median([r.second.phase_seconds.get(p, 0.0) for r in runs]):.3f}" for p in phases
        )
        + " s",
    )
    models = sorted({m for r in runs for m in r.second.rpc_calls})
    for model in models:
        calls = _worst([r.second.rpc_calls.get(model, 0) for r in runs])
        row(
            f"  {model} calls",
            str(calls),
            f"<= {RESYNC_CALLS_TARGET}",
            calls <= RESYNC_CALLS_TARGET,
        )
    row("  tickets re-read and changed", str(_worst([r.second.changed_tickets for r in runs])))

    table.add_section()
    rss = max(r.rss_after_sync_mb for r in runs)
    row("peak RSS of this process (ru_maxrss)", f"{rss:.0f} MB", f"< {RSS_TARGET_MB:.0f} MB",
        rss < RSS_TARGET_MB)  # fmt: skip
    row("  peak RSS before the first sync", f"{first.rss_before_sync_mb:.0f} MB")
    return table, misses


def environment_line(args: argparse.Namespace, run: Repeat) -> str:
    return (
        f"tickets={run.ticket_total} page_size={args.page_size} "
        f"chatter_page={args.page_size * CHATTER_PAGE_FACTOR} transport={run.transport} "
        f"(--protocol {args.protocol}) odoo={run.server_version} flavor={args.flavor} "
        f"repeat={args.repeat} python={platform.python_version()} "
        f"cpus={os.cpu_count()} platform={platform.system()}-{platform.machine()}"
    )


# -- main -----------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark the hypercare sync against the Odoo simulator (subprocess)."
    )
    parser.add_argument("--tickets", type=int, default=20000, help="tickets in the simulator")
    parser.add_argument("--page-size", type=int, default=500, help="sync page size")
    parser.add_argument(
        "--protocol", choices=("auto", "jsonrpc", "json2"), default="auto", help="transport"
    )
    parser.add_argument("--flavor", choices=("enterprise", "oca"), default="enterprise")
    parser.add_argument(
        "--odoo-version", choices=("17.0", "18.0", "19.0"), default="19.0",
        help="simulated Odoo version (json2 needs 19.0)",
    )  # fmt: skip
    parser.add_argument(
        "--repeat", type=int, default=1, help="repeats; timings are the median (default 1)"
    )
    parser.add_argument(
        "--tracemalloc", action="store_true",
        help="also run one extra, untimed sync under tracemalloc and print its peak",
    )  # fmt: skip
    parser.add_argument(
        "--profile", type=Path, metavar="PATH",
        help="also run one extra, untimed sync under cProfile and write its stats to PATH",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.tickets < 1 or not 1 <= args.page_size <= 5000:
        parser.error("--repeat and --tickets must be >= 1, --page-size in 1..5000")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    protocol: Protocol = args.protocol
    sync = SyncSettings(page_size=args.page_size)
    out = Console(highlight=False)
    if not out.is_terminal:
        out.width = 132
    with tempfile.TemporaryDirectory(prefix="hypercare-bench-") as tmp:
        workdir = Path(tmp)
        startup = max(60.0, args.tickets / 1000 * 6)
        simulator = Simulator(
            tickets=args.tickets, flavor=args.flavor, version=args.odoo_version,
            workdir=workdir, startup_timeout=startup,
        )  # fmt: skip
        stderr.log(f"starting the simulator ({args.tickets} tickets)")
        with simulator:
            stderr.log(f"simulator ready at {simulator.url}")
            odoo = OdooSettings.model_validate(
                {
                    "url": simulator.url, "db": "hypercare", "login": "admin",
                    "api_key": "sim-api-key", "protocol": protocol,
                }
            )  # fmt: skip
            runs = [one_repeat(odoo, sync, workdir, i + 1) for i in range(args.repeat)]
            traced: tuple[float, float] | None = None
            if args.tracemalloc:
                stderr.log("extra sync under tracemalloc")
                traced = traced_sync(odoo, sync, workdir)
            profile_text = ""
            if args.profile is not None:
                stderr.log(f"extra sync under cProfile -> {args.profile}")
                profile_text = profiled_sync(odoo, sync, workdir, args.profile)
            sim_rss = simulator.peak_rss_mb()

    table, misses = build_table(runs, args.page_size)
    if traced is not None:
        table.add_row(
            "  tracemalloc peak during a full sync (extra run)",
            f"{traced[0]:.0f} MB ({_secs(traced[1])} traced)", "-", "-",
        )  # fmt: skip
    if sim_rss is not None:
        table.add_row("  simulator peak RSS (other process, not counted)", f"{sim_rss:.0f} MB",
                      "-", "-")  # fmt: skip
    out.print(environment_line(args, runs[0]))
    out.print(table)
    if misses:
        out.print(f"[bold red]{misses} target(s) MISSED[/]")
    else:
        out.print("[green]all targets met[/]")
    if profile_text:
        out.print(profile_text, markup=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
