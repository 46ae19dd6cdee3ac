"""Dutch money notation parsed into Decimal, never through float."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from portal.tenders.notation import format_money, parse_date, parse_money


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("€ 1.234,56", "1234.56"),
        ("€1.234,56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1.234", "1234.00"),
        ("1.234.567,8", "1234567.80"),
        ("12,5", "12.50"),
        ("0,99", "0.99"),
        (",5", "0.50"),
        ("245", "245.00"),
        ("12.50", "12.50"),
        ("EUR 4.875,00", "4875.00"),
        ("€\u00a01.234,56", "1234.56"),
        ("-12,00", "-12.00"),
        (1234, "1234.00"),
        (1234.56, "1234.56"),
        (Decimal("7.1"), "7.10"),
    ],
)
def test_dutch_money_notation_is_parsed_exactly(text, expected):
    amount = parse_money(text)
    assert isinstance(amount, Decimal)
    assert amount == Decimal(expected)
    assert str(amount) == expected


@pytest.mark.parametrize(
    "text", ["", "abc", "1,2,3", "12,345", "1.23.4", "12.345,6.7", "€", "1,5a", "1.2345", None]
)
def test_unparsable_money_is_refused(text):
    with pytest.raises(ValueError, match=r".*"):  # the message is internal; the refusal is the point
        parse_money(text)


def test_money_is_written_in_dutch_notation_for_csv():
    assert format_money(Decimal("1234.5")) == "1234,50"
    assert parse_money(format_money(Decimal("1234.5"))) == Decimal("1234.50")


def test_dates_in_iso_and_dutch_order():
    assert parse_date("2027-01-01") == date(2027, 1, 1)
    assert parse_date("1-2-2027") == date(2027, 2, 1)
    assert parse_date(datetime(2027, 3, 4, 0, 0)) == date(2027, 3, 4)  # noqa: DTZ001 - as openpyxl returns it
    with pytest.raises(ValueError, match=r".*"):  # the message is internal; the refusal is the point
        parse_date("31-02-2027")
