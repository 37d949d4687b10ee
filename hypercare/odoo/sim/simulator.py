"""``OdooSimulator``: the public object tests and ``hypercare demo`` start."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Literal

from . import apps, chatter, helpdesk, scenario
from .curation import Curation, curate
from .live import LiveActivity, open_tickets
from .models import common_models, install_metadata
from .orm import Store
from .rpc import Backend
from .server import Fault, FaultPlan, SimHTTPServer


@dataclass
class SimulatorConfig:
    """What to simulate. ``now=None`` follows the wall clock; ``rate`` is how many times faster
    than the clock the go-live goes on after the start (``0`` freezes it, ``1`` real time)."""

    flavor: Literal["enterprise", "oca"] = "enterprise"
    version: str = "19.0"
    seed: int = 7
    tickets: int = 400
    days: int = 10
    db: str = "hypercare"
    login: str = "admin"
    password: str = "admin"
    api_key: str = "sim-api-key"
    now: datetime | None = None
    rate: float = 0.0


class OdooSimulator:
    """An Odoo-compatible HTTP server backed by a seeded in-memory database."""

    def __init__(self, config: SimulatorConfig | None = None) -> None:
        self.config = cfg = config or SimulatorConfig()
        if cfg.flavor not in ("enterprise", "oca"):
            raise ValueError(f"flavor must be 'enterprise' or 'oca', not {cfg.flavor!r}")
        if cfg.version not in ("17.0", "18.0", "19.0"):
            raise ValueError(f"version must be 17.0, 18.0 or 19.0, not {cfg.version!r}")
        self._frozen: datetime | None = aware_utc(cfg.now) if cfg.now else None
        start = self._frozen or datetime.now(UTC).replace(microsecond=0)
        self.store = Store(self.now)
        major = int(cfg.version.split(".")[0])
        for mdef in [*common_models(major), *apps.app_models()]:
            self.store.register(mdef)
        helpdesk.install(self.store, cfg.flavor)
        install_metadata(self.store)
        chatter.install_subtypes(self.store)
        history = scenario.build(self.store, cfg, start)
        self.world = history.world
        self.backend = Backend(self.store, cfg.db, cfg.login, cfg.password, cfg.api_key,
                               cfg.version, admin_uid=self.world.admin_uid)
        self.live = LiveActivity(self.store, history, cfg.seed, cfg.rate, start)
        self._faults = FaultPlan()
        self._server: SimHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._ticker: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------
    def start(self, host: str = "127.0.0.1", port: int = 0) -> OdooSimulator:
        if self._server is not None:
            return self
        self._server = SimHTTPServer((host, port), self.backend, self._faults, self._tick)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name="odoo-sim-http", daemon=True)
        self._thread.start()
        if self.config.rate > 0 and self._frozen is None:
            self._ticker = threading.Thread(target=self._wall_ticker, name="odoo-sim-live",
                                            daemon=True)
            self._ticker.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.stopping.set()
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> OdooSimulator:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the simulator is not started; call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # -- clock ----------------------------------------------------------------
    def now(self) -> datetime:
        if self._frozen is not None:
            return self._frozen
        return datetime.now(UTC).replace(microsecond=0)

    def set_now(self, when: datetime) -> None:
        """Freeze the clock at ``when`` and apply live activity due up to it."""
        with self.store.lock:
            self._frozen = aware_utc(when)
            self.live.apply_due(self._frozen)

    def advance(self, delta: timedelta) -> None:
        self.set_now(self.now() + delta)

    def _tick(self) -> None:
        if self.config.rate > 0:
            with self.store.lock:
                self.live.apply_due(self.now())

    def _wall_ticker(self) -> None:
        while self._server is not None and not self._server.stopping.wait(1.0):
            if self._frozen is None:
                self._tick()

    # -- the scenario, read -----------------------------------------------------
    def open_ticket_count(self) -> int:
        """The open backlog: tickets neither archived nor solved or cancelled."""
        with self.store.lock:
            return len(open_tickets(self.store, self.world))

    def curation(self) -> Curation:
        """Known issues, decisions and backlog items a lead would have recorded by now, over
        the tickets that exist now (:mod:`hypercare.odoo.sim.curation`)."""
        with self.store.lock:
            world, store = self.world, self.store
            owners = {team: store.display_name("res.users", members[0])
                      for team, members in world.team_members.items()}
            active = {rid for rid, rec in store.tables["helpdesk.ticket"].items()
                      if rec.get("active", True)}
            return curate(world, active, open_tickets(store, world), owners)

    # -- test hooks -----------------------------------------------------------
    def inject_fault(self, kind: str, count: int = 1, path_prefix: str | None = None,
                     after: int = 0, delay: float = 5.0) -> None:
        """Make the next ``count`` matching requests fail (after ``after`` pass)."""
        self._faults.add(Fault(kind, count, path_prefix, after, delay))

    def clear_faults(self) -> None:
        self._faults.clear()

    def deny_access(self, model: str) -> None:
        with self.store.lock:
            self.backend.denied.add(model)

    def allow_access(self, model: str) -> None:
        with self.store.lock:
            self.backend.denied.discard(model)

    def remove_model(self, model: str) -> None:
        with self.store.lock:
            self.store.removed.add(model)
            for rid in self.store.search_ids("ir.model", [("model", "=", model)]):
                self.store.tables["ir.model"].pop(rid, None)

    def hide_fields(self, model: str, names: list[str] | tuple[str, ...]) -> None:
        with self.store.lock:
            self.store.hidden.setdefault(model, set()).update(names)

    def request_count(self, path_prefix: str = "/jsonrpc") -> int:
        if self._server is None:
            return 0
        with self._server.counts_lock:
            return sum(1 for p in self._server.paths if p.startswith(path_prefix))

    @property
    def calls(self) -> list[tuple[str, str, str]]:
        with self.store.lock:
            return list(self.backend.calls)

    def reset_counts(self) -> None:
        with self.store.lock:
            self.backend.calls.clear()
        if self._server is not None:
            with self._server.counts_lock:
                self._server.paths.clear()


def aware_utc(when: datetime) -> datetime:
    if when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


def run_forever(config: SimulatorConfig, host: str = "127.0.0.1", port: int = 8069) -> None:
    """Serve until Ctrl-C, printing the URL and credentials (``hypercare demo``)."""
    sim = OdooSimulator(config).start(host, port)
    cfg = sim.config
    print(f"Odoo simulator ({cfg.flavor} {cfg.version}) at {sim.url}")
    print(f"  database={cfg.db} login={cfg.login} password={cfg.password} api_key={cfg.api_key}")
    print(f"  {cfg.tickets} tickets over {cfg.days} days, live rate x{cfg.rate}; Ctrl-C to stop")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
