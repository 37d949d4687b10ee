"""Scopes (issue 23): a ``--company`` or ``--team`` no synced ticket has is a usage error.

``kpi``, ``tickets list``, ``standup agenda`` and ``standup start`` exit 2 with
``error: no company named '...'`` and a hint listing the known names, instead of answering
with zeros. A known name works in any case (it resolves to the stored spelling) and gives the
same numbers as before. The rule lives in one service module
(:mod:`hypercare.services.tickets.scopes`), so the TUI and the bot get it too.

One simulated go-live per module (real HTTP to the Odoo simulator), synced once; each test
runs the CLI in-process on a private copy of that store at a frozen clock.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from hypercare.cli import main
from hypercare.config import Settings
from hypercare.errors import UsageError
from hypercare.odoo.sim import OdooSimulator
from hypercare.services import Services
from hypercare.store.tables import Ticket
from hypercare.store.tickets import upsert_rows
from tests.services.conftest import NOW as SEEDED_AT
from tests.services.conftest import seed_world
from tests.support import Clock, ServicesFactory, sqlite_settings, viewer
from tests.sync.conftest import make_sim, odoo_settings

BE, US = "Acme Industries BE", "Acme Industries US"
"""The simulator's two companies."""
TEAMS = ("Finance & Accounting", "Inventory & Logistics", "Manufacturing", "Sales & CRM")
"""Its four helpdesk teams."""
KNOWN_COMPANIES = f"hint: Known companies: {BE}, {US}."
KNOWN_TEAMS = f"hint: Known teams: {', '.join(TEAMS)}."

Result = tuple[int, str, str]


@dataclass
class World:
    sim: OdooSimulator
    golden: Path
    models: Path
    clock: Clock


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("scopes-cli")
    sim = make_sim(flavor="enterprise", version="19.0", tickets=60)
    try:
        world = World(sim, root / "golden.db", root / "models",
                      Clock(sim.now() + timedelta(minutes=30)))
        settings = world_settings(world, world.golden)
        with ServicesFactory(clock=world.clock) as build:
            services = build(settings)
            services.sync.run_sync()
            services.sla.sweep()
        yield world
    finally:
        sim.stop()


def world_settings(world: World, db: Path, **values: Any) -> Settings:
    return sqlite_settings(db, model_dir=world.models, timezone="Europe/Brussels",
                           odoo=odoo_settings(world.sim, protocol="json2"), **values)


@dataclass
class Cli:
    run: Callable[..., Result]
    services: Services


@pytest.fixture
def cli(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Iterator[Cli]:
    """The CLI on a private copy of the world's store, at the world's clock."""
    from hypercare import wiring

    real = wiring.build_services

    def at_world_time(settings: Settings, **kw: Any) -> Services:
        return real(settings, **{**kw, "clock": world.clock})

    monkeypatch.setattr(wiring, "build_services", at_world_time)
    with ServicesFactory(tmp_path, clock=world.clock) as made:
        db = made.store("store.db", copy_of=world.golden)
        for name, value in {
            "HYPERCARE_DATABASE_URL": f"sqlite:///{db}",
            "HYPERCARE_TRIAGE__MODEL_DIR": str(world.models),
            "HYPERCARE_TIMEZONE": "Europe/Brussels", "HYPERCARE_ODOO__URL": world.sim.url,
            "HYPERCARE_ODOO__DB": "hypercare", "HYPERCARE_ODOO__LOGIN": "admin",
            "HYPERCARE_ODOO__PASSWORD": "admin", "HYPERCARE_ODOO__PROTOCOL": "json2",
            "HYPERCARE_ROLES__COMPANIES": json.dumps({"bob": [US]}), "COLUMNS": "200",
        }.items():
            monkeypatch.setenv(name, value)

        def run(*args: str) -> Result:
            capsys.readouterr()
            code = main(list(args))
            out, err = capsys.readouterr()
            return code, out, err

        services = made(world_settings(world, db, roles={"companies": {"bob": [US]}}))
        yield Cli(run, services)


def ok(result: Result) -> str:
    code, out, err = result
    assert code == 0, err
    return out


def usage_error(result: Result, message: str, hint: str) -> None:
    """Exit 2, one ``error:`` and one ``hint:`` line on stderr, nothing on stdout."""
    code, out, err = result
    assert code == 2, (code, out, err)
    assert err.splitlines() == [f"error: {message}", hint]
    assert out == ""


# -- unknown names: exit 2, the known names listed ---------------------------------------------


@pytest.mark.parametrize("argv", [
    ("kpi",), ("kpi", "--format", "json"), ("tickets", "list"), ("standup", "agenda"),
    ("standup", "start"),
], ids=" ".join)
def test_an_unknown_company_lists_the_known_ones(cli: Cli, argv: tuple[str, ...]) -> None:
    usage_error(cli.run(*argv, "--company", "Acme UK"), "no company named 'Acme UK'",
                KNOWN_COMPANIES)


@pytest.mark.parametrize("argv", [("standup", "agenda"), ("standup", "start")], ids=" ".join)
def test_an_unknown_team_lists_the_known_ones(cli: Cli, argv: tuple[str, ...]) -> None:
    usage_error(cli.run(*argv, "--team", "Finance"), "no team named 'Finance'", KNOWN_TEAMS)


def test_a_refused_standup_start_opens_no_standup(cli: Cli) -> None:
    assert cli.run("standup", "start", "--company", "Acme UK")[0] == 2
    assert cli.run("standup", "start", "--team", "Warehouse")[0] == 2
    assert cli.services.standup.minutes() == []
    assert ok(cli.run("standup", "start", "--company", BE)).strip() == "1"


def test_a_company_the_person_may_not_see_is_unknown_to_them(cli: Cli) -> None:
    """``roles.companies`` lets bob see Acme Industries US only: the other company is neither
    listed nor named to him."""
    usage_error(cli.run("--as", "bob", "tickets", "list", "--company", BE),
                f"no company named '{BE}'", f"hint: Known companies: {US}.")
    rows = csv_rows(ok(cli.run("--as", "bob", "tickets", "list", "--company", US.lower(),
                               "--format", "csv")))
    assert rows and {row["company"] for row in rows} == {US}


def test_an_empty_store_says_to_sync_first(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HYPERCARE_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    hint = ("hint: No tickets are synced yet: run `hypercare sync` first, then name one of "
            "their {}.")
    for argv, message, plural in (
            (("standup", "start", "--company", BE), f"no company named '{BE}'", "companies"),
            (("standup", "agenda", "--team", "Sales"), "no team named 'Sales'", "teams"),
            (("kpi", "--company", BE), f"no company named '{BE}'", "companies"),
            (("tickets", "list", "--company", BE), f"no company named '{BE}'", "companies")):
        capsys.readouterr()
        code = main(list(argv))
        out, err = capsys.readouterr()
        usage_error((code, out, err), message, hint.format(plural))


def test_outside_text_in_a_name_is_cut_and_cleaned(cli: Cli) -> None:
    code, _, err = cli.run("kpi", "--company", "Acme\x1b[31m UK" + "x" * 200)
    assert code == 2
    first = err.splitlines()[0]
    assert "\x1b" not in err and first.startswith("error: no company named 'Acme[31m UKxxx")
    assert len(first) < 130 and first.endswith("…'")


# -- known names: the stored spelling, the same numbers ------------------------------------------


def test_kpi_board_of_a_known_company_in_any_case(cli: Cli) -> None:
    exact = json.loads(ok(cli.run("kpi", "--format", "json", "--company", BE)))
    for variant in (BE.lower(), f"  {BE.upper()} "):
        assert json.loads(ok(cli.run("kpi", "--format", "json", "--company", variant))) == exact
    assert exact["company"] == BE
    # the same numbers as before the check: the board computed for the typed name unchecked
    before = cli.services.kpis.board(days=14, company=BE.lower(), check=False)
    values = {k["key"]: k["value"] for k in exact["kpis"]}
    assert values == {k.key: k.value for k in before.kpis}
    lea = viewer(cli.services, "lea")
    open_be = [t for t in cli.services.tickets.list_tickets(viewer=lea, open_only=True)
               if t.company == BE]
    assert open_be and values["open_backlog"] == len(open_be)
    table = ok(cli.run("kpi", "--company", "acme industries us"))
    assert f"({US})" in table


def test_tickets_list_of_a_known_company_by_name_case_or_id(cli: Cli, world: World) -> None:
    everything = json.loads(ok(cli.run("tickets", "list", "--format", "json")))
    expected = [t["ref"] for t in everything if t["company"] == BE]
    assert expected and len(expected) < len(everything)
    company_id = world.sim.store.search_ids("res.company", [("name", "=", BE)])[0]
    for name in (BE, BE.upper(), BE.lower(), str(company_id)):
        rows = csv_rows(ok(cli.run("tickets", "list", "--company", name, "--format", "csv")))
        assert [row["ref"] for row in rows] == expected, name


def test_standup_agenda_of_a_known_company_or_team_in_any_case(cli: Cli) -> None:
    lea = viewer(cli.services, "lea")
    tickets = {t.ref: t for t in cli.services.tickets.list_tickets(viewer=lea,
                                                                    include_archived=True)}
    whole = json.loads(ok(cli.run("standup", "agenda", "--format", "json")))
    for option, name, field in (("--company", US, "company"), ("--team", TEAMS[0], "team")):
        exact = ok(cli.run("standup", "agenda", option, name, "--format", "json"))
        agenda = json.loads(exact)
        assert agenda["scope"] == f"{field}: {name}"
        assert ok(cli.run("standup", "agenda", option, name.lower(), "--format", "json")) == exact
        # the whole agenda's ticket items of that company or team, as before the check
        for scoped, everything in zip(agenda["sections"], whole["sections"], strict=True):
            wanted = [i["ref"] for i in everything["items"] if i["ref"] in tickets
                      and getattr(tickets[i["ref"]], field) == name]
            assert [i["ref"] for i in scoped["items"] if i["ref"] in tickets] == wanted
        assert any(i["ref"] in tickets for s in agenda["sections"] for i in s["items"])


def test_standup_start_stores_the_stored_spelling(cli: Cli) -> None:
    first = int(ok(cli.run("standup", "start", "--company", BE.lower())))
    second = int(ok(cli.run("standup", "start", "--team", TEAMS[2].upper())))
    scopes = {view.id: view.scope for view in cli.services.standup.minutes()}
    assert scopes == {first: f"company: {BE}", second: f"team: {TEAMS[2]}"}


def test_the_tickets_service_check_is_the_one_the_front_ends_call(cli: Cli) -> None:
    tickets = cli.services.tickets
    scope = tickets.check_scope(company=" acme industries us", team="sales & crm")
    assert (scope.company, scope.team) == (US, "Sales & CRM")
    assert tickets.check_scope().company is None
    with pytest.raises(UsageError, match="no team named 'Sales'") as raised:
        tickets.check_scope(company=US, team="Sales")
    assert raised.value.exit_code == 2 and raised.value.hint == KNOWN_TEAMS[len("hint: "):]
    with pytest.raises(UsageError, match="no company named 'Acme UK'"):
        cli.services.standup.agenda(company="Acme UK")


def test_the_dashboard_reads_a_viewers_configured_company_without_tickets(
        cli: Cli, world: World, tmp_path: Path) -> None:
    """A company ``roles.companies`` gives a viewer but no ticket has yet is still theirs:
    the dashboard's KPI tiles read zero for it rather than refusing."""
    settings = world_settings(world, tmp_path / "store.db",
                              roles={"companies": {"carol": ["Acme Industries NL"]}})
    with ServicesFactory(clock=world.clock) as made:
        services = made(settings)
        board = services.dashboard.dashboard(viewer=viewer(services, "carol"))
    tiles = {tile.key: tile.value for tile in board.tiles}
    assert tiles["open_backlog"] == 0


# -- the store's names, on SQLite and PostgreSQL -------------------------------------------------


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres",
                                                            marks=pytest.mark.postgres)])
def test_known_names_leave_out_deleted_and_blank(backend: str, tmp_path: Path,
                                                 request: pytest.FixtureRequest) -> None:
    url = (request.getfixturevalue("pg_url") if backend == "postgres"
           else f"sqlite:///{tmp_path / 'seeded.db'}")
    with ServicesFactory(tmp_path, clock=Clock(SEEDED_AT)) as made:
        services = made(Settings(database_url=url,
                                 triage={"model_dir": str(tmp_path / "models")}))
        services.system.upgrade_db()
        seed_world(services)
        extra = [{"odoo_id": 90, "ref": "HT00090", "title": "Gone", "company": "Gone Ltd",
                  "team": "Gone team", "deleted": True, "active": True,
                  "tags": [], "created_at": SEEDED_AT},
                 {"odoo_id": 91, "ref": "HT00091", "title": "Archived", "company": "Old Co",
                  "team": "", "deleted": False, "active": False,
                  "tags": [], "created_at": SEEDED_AT}]
        with services.context.store().session() as session:
            upsert_rows(Ticket, extra, session=session)
        with pytest.raises(UsageError) as raised:
            services.tickets.check_scope(company="Gone Ltd")
        assert raised.value.hint == "Known companies: Acme BE, Acme US, Old Co."
        with pytest.raises(UsageError) as raised:
            services.tickets.check_scope(team="gone team")
        assert raised.value.hint == ("Known teams: Finance, HR, Logistics, Manufacturing, "
                                     "Sales.")
        assert services.tickets.check_scope(company="old co").company == "Old Co"
        assert services.kpis.board(company="acme us").company == "Acme US"


# -- helpers -------------------------------------------------------------------------------------


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))
