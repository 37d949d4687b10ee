"""probe(): the lines `hypercare config check` prints."""

from __future__ import annotations

from pydantic import SecretStr

from hypercare.odoo import probe

from .conftest import SimFactory, settings_for


def test_probe_reports_everything(make_sim: SimFactory) -> None:
    sim = make_sim("enterprise", "19.0")
    sim.deny_access("crm.lead")
    sim.remove_model("stock.picking")
    report = probe(settings_for(sim, key=True))
    text = "\n".join(report.render())
    assert report.ok, text
    assert report.info is not None and report.info.transport == "json2"
    assert "Odoo 19.0" in text and "API key is configured" in text
    assert report.flavor == "enterprise"
    assert "mail.tracking.value is readable" in text
    assert report.readable["crm.lead"] == "access denied"
    assert report.readable["stock.picking"] == "not installed"
    assert report.readable["sale.order"] == "ok"


def test_probe_oca_with_denied_tracking(make_sim: SimFactory) -> None:
    sim = make_sim("oca", "17.0")
    sim.deny_access("mail.tracking.value")
    report = probe(settings_for(sim))
    text = "\n".join(report.render())
    assert report.ok and report.flavor == "oca"
    assert "helpdesk_type" in text and "mail.tracking.value: access denied" in text


def test_probe_wrong_password_is_an_error_line_with_hint(make_sim: SimFactory) -> None:
    sim = make_sim("oca", "17.0")
    report = probe(settings_for(sim, password=SecretStr("bad")))
    assert not report.ok
    [error] = [line for line in report.lines if line.level == "error"]
    assert error.topic == "login" and "HYPERCARE_ODOO__PASSWORD" in error.hint
    assert "hint:" in report.render()[-1]
