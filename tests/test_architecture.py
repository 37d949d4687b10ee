"""The layering rules of docs/ARCHITECTURE.md, checked on the real modules."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def loaded_modules(code: str) -> set[str]:
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def test_services_load_neither_textual_nor_slack_bolt() -> None:
    modules = loaded_modules(
        "import hypercare.services as services, hypercare.wiring\n"
        "for name in services.__all__:\n    getattr(services, name)"
    )
    assert "hypercare.services.system.sync" in modules  # every service really was loaded
    assert "textual" not in modules
    assert "slack_bolt" not in modules


def test_cli_help_imports_nothing_heavy() -> None:
    modules = loaded_modules(
        "import sys\nfrom hypercare.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    )
    for heavy in ("textual", "slack_bolt", "sqlalchemy", "pydantic", "alembic", "httpx", "odoorpc"):
        assert heavy not in modules, heavy


def test_nothing_reads_settings_at_import(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A broken config file must not break importing any module: settings load only in cli.
    (tmp_path / "hypercare.toml").write_text("this is [not toml", encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import pkgutil, importlib, hypercare\n"
            "for m in pkgutil.walk_packages(hypercare.__path__, 'hypercare.'):\n"
            "    if '.migrations' in m.name or m.name.endswith('__main__'):\n"
            "        continue\n"
            "    importlib.import_module(m.name)\n",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_import_linter_contracts_hold() -> None:
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint_imports is None:
        pytest.fail(
            "lint-imports is not installed: install the dev extra (pip install -e '.[dev]')"
        )
    result = subprocess.run(
        [lint_imports, "--no-cache"], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


SERVICES = ROOT / "hypercare" / "services"


def test_services_are_grouped_by_domain() -> None:
    top = sorted(p.name for p in SERVICES.glob("*.py"))
    assert len(top) <= 8, f"services/ holds {len(top)} modules at its top: {top}"


def test_architecture_names_every_service_module() -> None:
    # The domain table of docs/ARCHITECTURE.md lists each subpackage's modules; a module
    # added, moved or renamed without the document fails here.
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(" `"): line.split("|")[2]
            for line in text.splitlines() if line.startswith("| `") and "/` |" in line}
    for package in sorted(p for p in SERVICES.iterdir() if (p / "__init__.py").exists()):
        listed = rows.get(f"{package.name}/")
        assert listed is not None, f"docs/ARCHITECTURE.md has no row for services/{package.name}/"
        for module in sorted(package.glob("*.py")):
            if module.name != "__init__.py":
                assert f"`{module.name}`" in listed, f"services/{package.name}/{module.name}"


def test_no_import_cycles_among_services() -> None:
    import grimp

    graph = grimp.build_graph("hypercare", cache_dir=None)
    services = {m for m in graph.modules if m.startswith("hypercare.services.")}
    for module in sorted(services):
        for imported in graph.find_modules_directly_imported_by(module) & services:
            back = graph.find_shortest_chain(importer=imported, imported=module)
            assert back is None, f"cycle: {module} -> {' -> '.join(back or ())}"


MODULE_LINES, FUNCTION_LINES = 400, 80


def test_modules_and_functions_stay_reviewable() -> None:
    """A reviewer reads a product module in one sitting: none passes 400 lines, no function
    80. Migrations are history (never edited once shipped), so they are left out."""
    import ast

    too_long: list[str] = []
    for path in sorted((ROOT / "hypercare").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT).as_posix()
        if (count := len(text.splitlines())) > MODULE_LINES:
            too_long.append(f"{name}: {count} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                span = (node.end_lineno or node.lineno) - node.lineno + 1
                if span > FUNCTION_LINES:
                    too_long.append(f"{name}: {node.name}() is {span} lines")
    assert not too_long, "\n".join(too_long)


BACKGROUND_ALLOWED = {
    "hypercare/jobs/host.py": "the job leases' heartbeat: the one owner of periodic work",
    "hypercare/web_server.py": "serves HTTP requests (health, the bot's HTTP mode)",
    "hypercare/sync/prefetch.py": "reads the next Odoo page while one is stored",
    "hypercare/commands/bot_cmd.py": "probes Odoo once at start",
}


def test_periodic_work_runs_only_as_jobs() -> None:
    """Every loop or timer that does work is a named job (issue 27): threads are started in
    the job host and in the few places that serve or prefetch, schedulers only in the jobs
    runner, and the TUI's timers only re-read what is on screen."""
    threads, schedulers = set(), set()
    for path in (ROOT / "hypercare").rglob("*.py"):
        name = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        if "threading.Thread(" in text and "/odoo/sim/" not in name:
            threads.add(name)
        if "BackgroundScheduler(" in text:
            schedulers.add(name)
    assert threads == set(BACKGROUND_ALLOWED), threads ^ set(BACKGROUND_ALLOWED)
    assert schedulers == {"hypercare/jobs/runner.py"}
    app = (ROOT / "hypercare/tui/app.py").read_text(encoding="utf-8")
    timers = [line.strip() for line in app.splitlines() if "set_interval(" in line]
    assert timers == ["self.set_interval(self.context.refresh_seconds, "
                      "self.action_refresh_store)"]
