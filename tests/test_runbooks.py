"""Every runbook parses (front matter: id, owner, last review date) and every runbook the code,
the README and the runbooks themselves point at exists."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from hypercare.services.system.runbooks import split_front_matter

ROOT = Path(__file__).parents[1]
RUNBOOKS = sorted((ROOT / "runbooks").glob("*.md"))
REVIEW_WITHIN = timedelta(days=365)
REFERENCE = re.compile(r"runbooks/([a-z0-9-]+)\.md")
NAMED = re.compile(r"""(?:RUNBOOK|DEFAULT_RUNBOOK)\s*=\s*["']([a-z0-9-]+)["']""")
ISSUE_RUNBOOKS = ("weekly-steering-pack", "classification-guide", "odoo-connection",
                  "operating-serve", "slack-setup")


def test_the_runbooks_the_product_promises_exist() -> None:
    names = {path.stem for path in RUNBOOKS}
    assert set(ISSUE_RUNBOOKS) <= names


@pytest.mark.parametrize("path", RUNBOOKS, ids=lambda p: p.stem)
def test_each_runbook_has_its_front_matter(path: Path) -> None:
    head, body = split_front_matter(path.read_text(encoding="utf-8"))
    assert head.problems == (), f"{path.name}: {', '.join(head.problems)}"
    assert head.id == path.stem, f"{path.name}: id {head.id!r} is not the file name"
    assert head.last_review is not None
    assert head.last_review <= date.today() + timedelta(days=1), "reviewed in the future?"
    assert date.today() - head.last_review <= REVIEW_WITHIN, f"{path.name}: review it again"
    assert body.lstrip().startswith("# "), f"{path.name}: a title follows the front matter"


def test_a_missing_or_broken_front_matter_is_reported() -> None:
    head, body = split_front_matter("# Title\n\ntext\n")
    assert head.problems and body.startswith("# Title")
    head, _ = split_front_matter("---\nid: x\nlast_review: 2026-13-40\n---\n# T\n")
    assert "no owner" in head.problems
    assert any("not YYYY-MM-DD" in problem for problem in head.problems)


def test_every_runbook_referenced_anywhere_exists() -> None:
    names = {path.stem for path in RUNBOOKS}
    sources = [*sorted((ROOT / "hypercare").rglob("*.py")), ROOT / "README.md",
               *RUNBOOKS, *sorted((ROOT / "slack").glob("*"))]
    referenced: dict[str, set[str]] = {}
    for source in sources:
        text = source.read_text(encoding="utf-8")
        for name in REFERENCE.findall(text) + NAMED.findall(text):
            referenced.setdefault(name, set()).add(str(source.relative_to(ROOT)))
    assert referenced, "the scan found no reference at all: the patterns are wrong"
    missing = {name: sorted(where) for name, where in referenced.items() if name not in names}
    assert missing == {}
