"""Money reads per currency, to the cent, and is never added across currencies."""

from __future__ import annotations

from hypercare.kpi.registry import MONEY, SIGNALS, format_money, format_value, is_currency


def test_money_shows_in_its_currency() -> None:
    assert format_value(12030.5, "EUR") == "12,030.50 EUR"
    assert format_value(12030.5, "EUR", short=True) == "12,030.50 EUR"
    assert format_value(-529.5, "USD") == "-529.50 USD"
    assert format_value(-0.001, "USD") == "0.00 USD"
    assert format_value(None, "EUR") == "-"
    assert format_value(52596.3, MONEY) == "52,596.30"  # its currency is named beside it


def test_money_in_several_currencies_is_listed_not_added() -> None:
    assert format_money([("EUR", 12030.5), ("USD", 52596.3)]) == \
        "12,030.50 EUR · 52,596.30 USD"
    assert format_money([]) == "-"


def test_only_currency_codes_are_money() -> None:
    assert is_currency("EUR") and is_currency("USD")
    assert not any(is_currency(u) for u in ("%", "days", "h", "eur", "EURO", MONEY, "É€U"))
    assert SIGNALS["receivables_overdue_amount"].unit == MONEY
    assert "never added" in SIGNALS["receivables_overdue_amount"].definition
    assert SIGNALS["dso_days"].unit == "days" and "per currency" in SIGNALS["dso_days"].definition
