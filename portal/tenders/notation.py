"""Dutch notation of money and dates in spreadsheets: pure parsers, never through float."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

CENT = Decimal("0.01")
_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")


def parse_money(value: object) -> Decimal:
    """'€ 1.234,56', '1234,56', '1.234', '1234.5' or a spreadsheet number -> Decimal with 2 decimals.

    A comma is the decimal separator and dots group thousands (Dutch notation). A single dot followed
    by one or two digits is read as a decimal point ("12.50", as some exports write it). Raises
    ValueError for anything else, including more than two decimals.
    """
    if isinstance(value, bool) or value is None:
        raise ValueError("empty")
    if isinstance(value, int | Decimal):
        return _cents(Decimal(value))
    if isinstance(value, float):
        return _cents(Decimal(repr(value)))  # shortest repr: the number as the spreadsheet shows it
    text = str(value).replace("€", "").replace("EUR", "").replace("\u00a0", "").replace(" ", "").strip()
    negative = text.startswith("-")
    amount = _parse_text(text.lstrip("-+"))
    return _cents(-amount if negative else amount)


def _parse_text(text: str) -> Decimal:
    if not text:
        raise ValueError("empty")
    if "," in text:
        whole, _, fraction = text.rpartition(",")
        if (
            "," in whole
            or not fraction.isdigit()
            or not (whole == "" or whole.isdigit() or _GROUPED.match(whole))
        ):
            raise ValueError(text)
        number = f"{whole.replace('.', '') or '0'}.{fraction}"
    elif "." in text:
        whole, _, fraction = text.rpartition(".")
        if _GROUPED.match(text):
            number = text.replace(".", "")
        elif whole.isdigit() and fraction.isdigit() and len(fraction) <= 2:
            number = text
        else:
            raise ValueError(text)
    elif text.isdigit():
        number = text
    else:
        raise ValueError(text)
    try:
        return Decimal(number)
    except InvalidOperation as error:
        raise ValueError(text) from error


def _cents(amount: Decimal) -> Decimal:
    if amount != amount.quantize(CENT):
        raise ValueError("more than two decimals")
    return amount.quantize(CENT)


def format_money(amount: Decimal) -> str:
    """1234.5 -> '1234,50' (the CSV export: Dutch notation, no thousands dots)."""
    return f"{amount:.2f}".replace(".", ",")


def parse_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    raise ValueError(text)
