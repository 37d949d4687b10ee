"""JSON-2 answers the simulator does not produce: bare-string error bodies, odd statuses."""

from __future__ import annotations

import httpx
import pytest

from hypercare.errors import (
    OdooAccessError,
    OdooModelMissingError,
    OdooProtocolError,
    OdooServerError,
)
from hypercare.odoo.json2 import Json2Client
from hypercare.odoo.jsonrpc import split_url
from hypercare.odoo.retry import RetryPolicy

ANSWERS: dict[str, httpx.Response] = {
    "bare": httpx.Response(422, json="missing a required argument: 'domain'"),
    "object": httpx.Response(500, json={"name": "builtins.ValueError", "message": "bad field"}),
    "denied": httpx.Response(403, json={"name": "odoo.exceptions.AccessError", "message": "no"}),
    "missing": httpx.Response(404, json="the model 'x.y' does not exist"),
    "html": httpx.Response(500, text="<html>oops</html>", headers={"content-type": "text/html"}),
}


def _client(answer: str, calls: list[str]) -> Json2Client:
    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        assert request.headers["authorization"] == "bearer k"
        assert request.headers["x-odoo-database"] == "db"
        if request.url.path.endswith("/context_get"):
            return httpx.Response(200, json={"uid": 2, "lang": "en_US"})
        return ANSWERS[answer]

    return Json2Client(
        url="http://odoo.test", db="db", login="bot", api_key="k", timeout=1,
        policy=RetryPolicy(retries=2, backoff=0, sleep=lambda _: None), version="19.0",
        transport=httpx.MockTransport(handler),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("answer", "error", "text"),
    [
        ("bare", OdooServerError, "missing a required argument"),
        ("object", OdooServerError, "ValueError"),
        ("denied", OdooAccessError, "x.y"),
        ("missing", OdooModelMissingError, "x.y"),
    ],
)
def test_error_bodies(answer: str, error: type[Exception], text: str) -> None:
    calls: list[str] = []
    with pytest.raises(error, match=text):
        _client(answer, calls).search_count("x.y", [])
    assert len(calls) == 2  # context_get + one attempt: never retried


def test_html_error_page_is_retried_then_a_protocol_error() -> None:
    calls: list[str] = []
    with pytest.raises(OdooProtocolError, match="HTML"):
        _client("html", calls).search_count("x.y", [])
    assert len(calls) == 1 + 3


def test_split_url_keeps_scheme_port_and_prefix() -> None:
    assert split_url("https://erp.example.com/odoo-prefix/") == (
        "jsonrpc+ssl", "erp.example.com", 443, "/odoo-prefix",
    )  # fmt: skip
    assert split_url("http://10.0.0.5:8069") == ("jsonrpc", "10.0.0.5", 8069, "")
