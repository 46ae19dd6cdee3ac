"""The matrix export (XLSX and CSV): no text of the matrix becomes a formula; tariffs stay numbers."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from portal.tenders import matrix_columns, matrix_export
from tests.tenders.helpers import complete_draft
from tests.test_spreadsheets import FORMULAS


def _hostile_tender():
    tender = complete_draft()
    result = tender.results[0]
    result.name, result.product_code = FORMULAS[0], FORMULAS[2]
    level = result.levels[0]
    level.description = FORMULAS[4]
    level.lot.name = FORMULAS[3]
    level.tariffs[0].amount = Decimal("1234.56")
    return tender


def test_the_xlsx_matrix_export_has_no_formula_and_numeric_tariffs():
    tender = _hostile_tender()
    sheet = load_workbook(io.BytesIO(matrix_export.export_xlsx(tender))).active
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    first = rows[0]
    assert first[2] == "'" + FORMULAS[0]
    assert first[4] == "'" + FORMULAS[2]
    assert first[6] == "'" + FORMULAS[4]
    assert first[7] == "'" + FORMULAS[3]
    assert isinstance(first[5], int)  # the level
    amounts = [row[10] for row in rows if row[10] is not None]
    assert Decimal("1234.56") in [Decimal(str(a)) for a in amounts]
    assert all(isinstance(a, int | float) for a in amounts)


def test_the_csv_matrix_export_quotes_formulas_and_writes_tariffs_in_dutch_notation():
    tender = _hostile_tender()
    data = matrix_export.export_csv(tender)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == matrix_columns.COLUMNS
    first = rows[1]
    assert (first[2], first[4], first[6], first[7]) == tuple("'" + FORMULAS[i] for i in (0, 2, 4, 3))
    assert "1234,56" in [row[10] for row in rows[1:]]
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)
