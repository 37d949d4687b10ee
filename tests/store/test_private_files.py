"""Where the store and the files hypercare writes live, and who may read them.

The store holds HR and payroll tickets: hypercare's folders are 0700 and its files 0600
(a stricter umask wins), a command that only reads never creates a store or a folder, a store
this user may not write is still read, and a file is never written through a planted link.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hypercare.files import write_private

HYPERCARE = [sys.executable, "-m", "hypercare"]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def hypercare(*args: str, umask: int = 0o022) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*HYPERCARE, *args], capture_output=True, text=True, timeout=120,
                          preexec_fn=lambda: os.umask(umask))


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_the_default_store_is_private_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    data = Path(os.environ["XDG_DATA_HOME"]) / "hypercare"
    result = hypercare("db", "upgrade", umask=umask)
    assert result.returncode == 0, result.stderr
    assert mode(data) == 0o700
    store = data / "hypercare.db"
    assert mode(store) == 0o600
    for companion in data.iterdir():  # -wal, -shm, lock files: nobody else reads them
        assert mode(companion) & 0o077 == 0, companion


def test_an_older_releases_readable_store_is_tightened(tmp_path: Path) -> None:
    data = Path(os.environ["XDG_DATA_HOME"]) / "hypercare"
    data.mkdir(parents=True, mode=0o755)
    data.chmod(0o755)
    (data / "hypercare.db").touch(mode=0o644)
    (data / "hypercare.db").chmod(0o644)
    assert hypercare("db", "upgrade").returncode == 0
    assert mode(data) == 0o700 and mode(data / "hypercare.db") == 0o600


def test_a_read_command_never_creates_a_store(tmp_path: Path) -> None:
    missing = tmp_path / "nonexistent" / "dir" / "x.db"
    for command in (["tickets", "list"], ["known", "list"], ["kpi"], ["jobs", "list"],
                    ["backlog", "list"], ["standup", "agenda"]):
        result = hypercare("--database-url", f"sqlite:///{missing}", *command)
        assert result.returncode == 1, (command, result.stderr)
        assert f"there is no store at {missing}" in result.stderr, command
        assert "hint: Run `hypercare sync`" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "nonexistent").exists()


@pytest.fixture
def read_only_view(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """(a folder, the same folder as this user can only read it): a read-only bind mount
    for root (who may write anywhere else), the folder itself with its write bits off for
    anyone else."""
    source, view = tmp_path / "store", tmp_path / "view"
    source.mkdir()
    if os.geteuid() != 0:
        yield source, source
        for path in (source, *source.iterdir()):
            path.chmod(0o700 if path.is_dir() else 0o600)
        return
    view.mkdir()
    mounted = subprocess.run(["mount", "--bind", str(source), str(view)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"running as root, and a read-only bind mount failed: {mounted.stderr!r}")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], check=True)
        yield source, view
    finally:
        subprocess.run(["umount", str(view)], check=True)


def test_a_store_this_user_may_not_write_is_still_read(
        read_only_view: tuple[Path, Path]) -> None:
    source, view = read_only_view
    url = f"sqlite:///{source / 'hypercare.db'}"
    created = hypercare("--database-url", url, "known", "create", "Posting blocked in Q4")
    assert created.returncode == 0, created.stderr
    before = hypercare("--database-url", url, "known", "list")
    assert before.returncode == 0 and "1 known issues" in before.stdout, before.stderr
    if source == view:
        for path in (*source.iterdir(), source):
            path.chmod(0o555 if path.is_dir() else 0o444)
    files = sorted(p.name for p in source.iterdir())
    after = hypercare("--database-url", f"sqlite:///{view / 'hypercare.db'}", "known", "list")
    assert after.returncode == 0, after.stderr
    assert after.stdout == before.stdout
    assert sorted(p.name for p in source.iterdir()) == files  # nothing written beside it


def test_writes_replace_a_planted_link_and_never_follow_it(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    out = tmp_path / "packs"
    out.mkdir()
    planted = out / "hypercare-weekly-2026-W48.md"
    planted.symlink_to(victim)
    write_private(planted, "# Weekly pack\n")
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert not planted.is_symlink() and planted.read_text(encoding="utf-8") == "# Weekly pack\n"
    assert mode(planted) == 0o600
    assert [p.name for p in out.iterdir()] == [planted.name]  # no temporary file left
