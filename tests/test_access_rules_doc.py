"""The security runbook's "Who may do what" table is the access rules, row for row: a reader
of the runbook learns exactly what the code enforces."""

from __future__ import annotations

import re
from pathlib import Path

from hypercare.services.access import RULES, WHO_TEXT

RUNBOOK = Path(__file__).resolve().parents[1] / "runbooks" / "security.md"
ROW = re.compile(r"^\| `(?P<key>[a-z_]+)` \| (?P<what>[^|]+) \| (?P<who>.+) \|$")


def documented() -> dict[str, tuple[str, str]]:
    text = RUNBOOK.read_text(encoding="utf-8")
    section = text.split("## Who may do what", 1)[1].split("\n## ", 1)[0]
    return {m["key"]: (m["what"].strip(), m["who"].strip())
            for m in map(ROW.match, section.splitlines()) if m}


def test_every_rule_is_in_the_runbook_table_as_enforced() -> None:
    assert documented() == {key: (rule.what, WHO_TEXT[rule.who])
                            for key, rule in RULES.items()}


def test_the_runbook_says_no_leads_means_everyone_is_a_lead() -> None:
    section = RUNBOOK.read_text(encoding="utf-8").split("## Who may do what", 1)[1]
    assert "No `roles.leads` configured: every\n  person is a lead" in section
