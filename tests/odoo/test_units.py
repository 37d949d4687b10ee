"""Unit tests that need no server: retries, versions, values, URLs, priorities, bodies."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import SecretStr

from hypercare.config import OdooSettings
from hypercare.errors import ConfigError, OdooAuthError, OdooUnreachableError
from hypercare.odoo.client import ServerInfo, parse_version
from hypercare.odoo.connect import connect, plan
from hypercare.odoo.records import Ref, m2o, ticket_url, utc
from hypercare.odoo.retry import RetryPolicy, TransientError, run_with_retry
from hypercare.odoo.schema import HelpdeskSchema, ReferenceModels
from hypercare.odoo.writeback import paragraphs


def _flaky(failures: int, error: Exception) -> tuple[list[int], object]:
    calls: list[int] = []

    def attempt() -> str:
        calls.append(1)
        if len(calls) <= failures:
            raise error
        return "ok"

    return calls, attempt


def test_retry_then_success_sleeps_with_jitter_bounds() -> None:
    slept: list[float] = []
    policy = RetryPolicy(retries=3, backoff=1.0, sleep=slept.append)
    calls, attempt = _flaky(2, TransientError(OdooUnreachableError("down")))
    assert run_with_retry(attempt, policy) == "ok"  # type: ignore[arg-type]
    assert len(calls) == 3
    assert 0 <= slept[0] <= 1.0 and 0 <= slept[1] <= 2.0


def test_retry_gives_up_with_the_wrapped_error() -> None:
    policy = RetryPolicy(retries=2, backoff=0, sleep=lambda _: None)
    calls, attempt = _flaky(10, TransientError(OdooUnreachableError("still down")))
    with pytest.raises(OdooUnreachableError, match="still down"):
        run_with_retry(attempt, policy)  # type: ignore[arg-type]
    assert len(calls) == 3


def test_no_retry_on_auth_errors_or_maybe_processed_writes() -> None:
    policy = RetryPolicy(retries=5, backoff=0, sleep=lambda _: None)
    calls, attempt = _flaky(10, OdooAuthError("nope"))
    with pytest.raises(OdooAuthError):
        run_with_retry(attempt, policy)  # type: ignore[arg-type]
    assert len(calls) == 1
    calls, attempt = _flaky(10, TransientError(OdooUnreachableError("502")))
    with pytest.raises(OdooUnreachableError):
        run_with_retry(attempt, policy, idempotent=False)  # type: ignore[arg-type]
    assert len(calls) == 1
    refused = TransientError(OdooUnreachableError("refused"), maybe_processed=False)
    calls, attempt = _flaky(1, refused)
    assert run_with_retry(attempt, policy, idempotent=False) == "ok"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("17.0", (17, 0)), ("saas~17.2", (17, 2)), ("19.0+e", (19, 0)), ("18.0-20250101", (18, 0))],
)
def test_parse_version(text: str, expected: tuple[int, int]) -> None:
    assert parse_version(text) == expected


def test_values() -> None:
    assert m2o([3, "Support"]) == Ref(3, "Support")
    assert m2o(False) is None
    assert m2o({"id": 4, "display_name": "X"}) == Ref(4, "X")
    assert utc("2025-02-01 08:12:44") == datetime(2025, 2, 1, 8, 12, 44, tzinfo=UTC)
    assert utc("2025-02-01") == datetime(2025, 2, 1, tzinfo=UTC)
    assert utc(False) is None and utc("garbage") is None


def test_ticket_urls() -> None:
    assert ticket_url("https://x.odoo.com", 5, odoo_urls=True) == (
        "https://x.odoo.com/odoo/helpdesk.ticket/5"
    )
    assert ticket_url("https://x.odoo.com/", 5, odoo_urls=False) == (
        "https://x.odoo.com/web#id=5&model=helpdesk.ticket&view_type=form"
    )
    assert not ServerInfo("17.0", 17, "jsonrpc", 2).has_odoo_urls
    assert ServerInfo("saas~17.2", 17, "jsonrpc", 2, minor=2).has_odoo_urls


def _schema(flavor: str) -> HelpdeskSchema:
    return HelpdeskSchema(
        flavor=flavor,  # type: ignore[arg-type]
        models=ReferenceModels("t", "s", "g"),
        ticket_fields=frozenset({"priority"}),
        stage_fields=frozenset(),
        stage_closed_field="fold",
        addons=frozenset(),
    )


def test_priority_means_the_same_on_both_flavours() -> None:
    enterprise, oca = _schema("enterprise"), _schema("oca")
    assert enterprise.priority("3") == (3, "Urgent")
    assert oca.priority("3") == (3, "Very High")
    assert enterprise.priority(False) == (0, "Low")
    assert oca.priority(False) == (1, "Medium")
    assert oca.priority("9") == (1, "Medium")


def test_paragraphs_escape() -> None:
    expected = "<p>a &lt;b&gt; &amp; c<br>line 2</p><p>next</p>"
    assert paragraphs("a <b> & c\nline 2\n\nnext") == expected


@pytest.mark.parametrize("missing", ["url", "db", "login"])
def test_missing_settings_name_the_variable(missing: str) -> None:
    values = {"url": "http://127.0.0.1:9", "db": "d", "login": "l", missing: None}
    with pytest.raises(ConfigError) as info:
        connect(OdooSettings(**values, password=SecretStr("p")))
    assert f"HYPERCARE_ODOO__{missing.upper()}" in info.value.hint


def test_json2_without_api_key_is_a_config_error() -> None:
    settings = OdooSettings(url="http://x", db="d", login="l", protocol="json2")
    with pytest.raises(ConfigError, match="no API key") as info:
        plan(settings, "19.0")
    assert "HYPERCARE_ODOO__API_KEY" in info.value.hint
    keyed = OdooSettings(url="http://x", db="d", login="l", protocol="json2", api_key="k")
    with pytest.raises(ConfigError, match="19"):
        plan(keyed, "17.0")


def test_auto_plan() -> None:
    keyed = OdooSettings(url="http://x", db="d", login="l", api_key=SecretStr("k"))
    assert plan(keyed, "19.0").transport == "json2"
    assert plan(keyed, "18.0").transport == "jsonrpc"
    unkeyed = OdooSettings(url="http://x", db="d", login="l", password=SecretStr("p"))
    assert plan(unkeyed, "19.0").transport == "jsonrpc"
