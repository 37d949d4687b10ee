"""The rules file: validation messages name the rule and the line."""

from __future__ import annotations

import pytest

from hypercare.triage.defaults import default_rules, default_rules_text
from hypercare.triage.rules import RulesError, parse_rules, prepare

GOOD = """
[[rule]]
name = "asks-how"
category = "training_gap"
weight = 1.0
phrases = ["how do i"]
"""


def test_shipped_rules_parse() -> None:
    rules = default_rules()
    assert len(rules.rules) >= 10
    assert {rule.category for rule in rules.rules} == {"defect", "training_gap",
                                                       "policy_ambiguity"}
    assert "Accounting" in rules.apps and "Field Service" in rules.apps


def test_a_bad_regex_names_the_rule_and_line() -> None:
    text = GOOD + """
[[rule]]
name = "broken-one"
category = "defect"
regex = ['(unclosed']
"""
    with pytest.raises(RulesError) as info:
        parse_rules(text, "my-rules.toml")
    message = info.value.message
    assert "broken-one" in message and "bad regex" in message and "(line 11)" in message
    assert "my-rules.toml" in message


@pytest.mark.parametrize(("snippet", "expected"), [
    ('name = "x"\ncategory = "bug"\nphrases = ["a"]', "category must be one of"),
    ('name = "x"\ncategory = "defect"\nweight = 0\nphrases = ["a"]', "weight must be a number"),
    ('name = "x"\ncategory = "defect"', "needs at least one phrase or regex"),
    ('name = "x"\ncategory = "defect"\nphrase = ["a"]', "unknown key 'phrase'"),
    ('category = "defect"\nphrases = ["a"]', "has no name"),
    ('name = "x"\ncategory = "defect"\nphrases = "a"', "must be a list of non-empty strings"),
])
def test_invalid_rules_are_explained(snippet: str, expected: str) -> None:
    with pytest.raises(RulesError, match=expected):
        parse_rules("[[rule]]\n" + snippet + "\n")


def test_duplicate_names_and_bad_toml() -> None:
    with pytest.raises(RulesError, match="used twice"):
        parse_rules(GOOD + GOOD)
    with pytest.raises(RulesError, match="not valid TOML"):
        parse_rules("[[rule]\nname=")


def test_phrases_ignore_case_accents_and_partial_words() -> None:
    rules = parse_rules(GOOD + '\n[[rule]]\nname = "qui"\ncategory = "policy_ambiguity"\n'
                        'phrases = ["qui décide"]\n')
    assert [h.rule for h in rules.hits(prepare("HOW DO I print?"))] == ["asks-how"]
    assert [h.rule for h in rules.hits(prepare("Qui DECIDE pour les remises ?"))] == ["qui"]
    assert rules.hits(prepare("showdo idle")) == []  # whole words only


def test_app_scoped_rule_fires_only_for_its_app() -> None:
    rules = parse_rules('[[rule]]\nname = "lot"\ncategory = "training_gap"\n'
                        'phrases = ["lot"]\napps = ["Inventory"]\n')
    assert rules.hits(prepare("lot required"), "Inventory")
    assert not rules.hits(prepare("lot required"), "Sales")


def test_default_rules_text_is_the_documented_template() -> None:
    assert "[[rule]]" in default_rules_text() and "[severity]" in default_rules_text()
