"""The README's two commands are the ones that work, and CI runs the same test command."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[1]


def try_it_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Try it", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, flags=re.S)
    return [
        next(line for line in block.splitlines() if not line.startswith("#")) for block in blocks
    ]


def test_readme_shows_exactly_two_commands() -> None:
    commands = try_it_commands()
    assert len(commands) == 2
    assert commands[0].endswith("hypercare demo")
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.startswith("#!/usr/bin/env bash")
    assert "set -euo pipefail" in ci
    ci_lines = [line.strip() for line in ci.splitlines()]
    assert try_it_commands()[1] in ci_lines
