"""``hypercare export``: the command over a fixture pack (the pack service faked), its usage
errors, and end to end over a store synced from the Odoo simulator."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from hypercare.cli import main
from hypercare.export import write_pack
from hypercare.services import Services
from hypercare.services.packs.model import Pack
from tests.export.conftest import handover_pack, rich_pack
from tests.services.test_home import NOW, World, frozen_clock, running_world, settings_for
from tests.support import ServicesFactory


class FakePacks:
    """Stands in for ``services.packs``: hands out the fixture packs, records the weeks."""

    def __init__(self) -> None:
        self.weeks: list[str | None] = []

    def weekly(self, *, week: str | None = None) -> Pack:
        self.weeks.append(week)
        return rich_pack()

    def handover(self) -> Pack:
        return handover_pack()


@pytest.fixture
def packs(monkeypatch: pytest.MonkeyPatch) -> FakePacks:
    fake = FakePacks()
    monkeypatch.setattr(Services, "packs", property(lambda self: fake))
    return fake


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_export_is_built_not_planned(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["export", "weekly", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "--week" in out and "--out" in out and "md, html, xlsx, csv" in out


def test_weekly_writes_every_format_and_prints_the_paths(
        packs: FakePacks, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "packs"
    code, stdout, stderr = run(capsys, "export", "weekly", "--week", "2026-w48",
                               "--out", str(out))
    assert (code, stderr) == (0, "")
    assert packs.weeks == ["2026-W48"]
    printed = [Path(line) for line in stdout.splitlines()]
    assert printed[:3] == [out / f"hypercare-weekly-2026-W48.{ext}" for ext in
                           ("md", "html", "xlsx")]
    csv_dir = out / "csv-weekly-2026-W48"
    assert set(printed[3:]) == set(csv_dir.iterdir())
    assert all(path.is_file() and path.stat().st_size > 0 for path in printed)


def test_weekly_without_week_asks_for_the_default(
        packs: FakePacks, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = run(capsys, "export", "weekly", "--out", str(tmp_path), "--format", "md")
    assert code == 0 and packs.weeks == [None]
    assert stdout.splitlines() == [str(tmp_path / "hypercare-weekly-2026-W48.md")]


def test_handover_with_chosen_formats(
        packs: FakePacks, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code, stdout, _ = run(capsys, "export", "handover", "--out", str(out),
                          "--format", " HTML, xlsx ,html")
    assert code == 0
    assert stdout.splitlines() == [str(out / f"hypercare-handover-2026-W52.{ext}")
                                   for ext in ("html", "xlsx")]
    assert sorted(p.name for p in out.iterdir()) == [
        "hypercare-handover-2026-W52.html", "hypercare-handover-2026-W52.xlsx"]


@pytest.mark.parametrize("value", ["pdf", "md,docx", ",", ""])
def test_bad_format_is_a_usage_error_naming_the_formats(
        value: str, packs: FakePacks, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, stderr = run(capsys, "export", "weekly", "--out", str(tmp_path / "x"),
                               "--format", value)
    assert code == 2 and stdout == ""
    assert "allowed: md, html, xlsx, csv" in stderr
    assert not (tmp_path / "x").exists() and packs.weeks == []


@pytest.mark.parametrize("week", ["2026-48", "W48", "2026-W00", "2025-W53", "2026-W54",
                                  "last week"])
def test_bad_week_is_a_usage_error(week: str, packs: FakePacks, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, _, stderr = run(capsys, "export", "weekly", "--week", week, "--out", str(tmp_path))
    assert code == 2
    assert f"--week: {week!r} is not an ISO week" in stderr and "2026-W48" in stderr
    assert packs.weeks == []


def test_week_53_exists_in_long_years(packs: FakePacks, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "export", "weekly", "--week", "2026-W53", "--out", str(tmp_path),
               "--format", "md")[0] == 0
    assert packs.weeks == ["2026-W53"]


def test_unwritable_out_is_a_clear_error(packs: FakePacks, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    code, _, stderr = run(capsys, "export", "weekly", "--out", str(blocker))
    assert code == 2 and f"--out: {blocker} is not a directory" in stderr
    code, _, stderr = run(capsys, "export", "handover", "--out", str(blocker / "below"))
    assert code == 2 and f"--out: cannot write to {blocker / 'below'}" in stderr
    assert "hint: Pass --out a directory you can write to" in stderr
    assert packs.weeks == []


def test_out_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["export", "weekly"])
    assert info.value.code == 2
    assert "--out" in capsys.readouterr().err


# -- end to end over a synced store ----------------------------------------------------------

@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from running_world(tmp_path_factory.mktemp("export-world"))


@pytest.fixture
def real_services(world: World, tmp_path: Path,
                  monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    """The CLI's services on a copy of the world's store, at the world's NOW."""
    from hypercare import wiring

    with ServicesFactory(tmp_path, clock=frozen_clock()) as made:
        built = made(settings_for(world, made.store("store.db", copy_of=world.golden)))

        def build(settings: Any, **_: Any) -> Services:
            return built

        monkeypatch.setattr(wiring, "build_services", build)
        yield built


def test_end_to_end_weekly_pack_from_a_synced_store(
        real_services: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    week = f"{NOW.isocalendar().year}-W{NOW.isocalendar().week:02d}"
    code, stdout, stderr = run(capsys, "export", "weekly", "--week", week,
                               "--out", str(tmp_path / "out"))
    assert code == 0, stderr
    pack = real_services.packs.weekly(week=week)
    assert not pack.empty and pack.tables()
    paths = [Path(line) for line in stdout.splitlines()]
    again = write_pack(pack, tmp_path / "again")
    assert [p.relative_to(tmp_path / "out") for p in paths] == [
        p.relative_to(tmp_path / "again") for p in again]
    assert paths[1].read_text(encoding="utf-8") == again[1].read_text(encoding="utf-8")
    book = openpyxl.load_workbook(paths[2])
    assert len(book.sheetnames) == 1 + len(pack.sections)
    summary = book["Summary"]
    labels = {summary.cell(r, 1).value: summary.cell(r, 2).value
              for r in range(1, summary.max_row + 1)}
    for line in pack.headline:
        if line.value is not None:
            assert labels[line.label] == pytest.approx(line.value)
    files = {p.name: p for p in paths[3:]}
    for section in pack.sections:
        for table in section.tables:
            with files[f"{section.key}__{table.name}.csv"].open(encoding="utf-8-sig") as handle:
                rows = list(csv.reader(handle))
            assert len(rows) == len(table.rows) + 1
    html = paths[1].read_text(encoding="utf-8")
    assert all(section.title.split()[0] in html for section in pack.sections)
    assert html.count("<svg") == sum(len(s.charts) for s in pack.sections)


def test_end_to_end_handover_pack(real_services: Services, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, stderr = run(capsys, "export", "handover", "--out", str(tmp_path))
    assert code == 0, stderr
    pack = real_services.packs.handover()
    assert [s.key for s in pack.sections] == ["open_tickets", "known_issues", "decisions",
                                              "backlog", "runbooks", "exit_evidence",
                                              "contacts"]
    markdown = Path(stdout.splitlines()[0]).read_text(encoding="utf-8")
    for n, section in enumerate(pack.sections, start=1):
        assert f"## {n}. " in markdown and section.title.split()[0] in markdown
