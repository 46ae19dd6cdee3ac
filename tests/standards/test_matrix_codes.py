"""The matrix import and export carry the iStandaarden columns; a wrong code names its row and column."""

from __future__ import annotations

import io
from datetime import date

import pytest

from portal.tenders import matrix_export, matrix_import, matrix_rows
from portal.tenders.matrix_columns import COLUMNS
from tests.tenders.helpers import complete_draft


def _csv(rows: list[dict[str, object]]) -> io.BytesIO:
    lines = [";".join(COLUMNS)]
    for row in rows:
        lines.append(";".join(str(row.get(c, "")) for c in COLUMNS))
    return io.BytesIO("\n".join(lines).encode())


def _row(tender, **changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "domein": "Veilig",
        "resultaatcode": "R1",
        "resultaat": "Veilig thuis",
        "wet": "Jeugdwet",
        "productcode": "45A01",
        "niveau": 4,
        "perceel": "Perceel 1",
        "gemeente": tender.municipalities[0].name,
        "geldig_vanaf": date(2028, 1, 1).isoformat(),
        "tarief": "100,00",
        "productcategorie": "45",
        "eenheid": "stuk",
        "frequentie": "per maand",
    }
    row.update(changes)
    return row


def test_codes_are_imported_by_name_and_exported_back():
    tender = complete_draft()
    matrix_import.import_matrix(tender, _csv([_row(tender, eenheid="per etmaal")]), "m.csv", by=None)
    [result] = tender.results
    assert (result.product_category, result.unit, result.frequency) == ("45", "14", "4")
    [exported] = matrix_export.export_rows(tender)
    assert exported[-3:] == ["45", "etmaal", "per maand"]


def test_category_is_taken_from_a_national_product_code_when_empty():
    tender = complete_draft()
    matrix_import.import_matrix(tender, _csv([_row(tender, productcategorie="")]), "m.csv", by=None)
    assert tender.results[0].product_category == "45"


@pytest.mark.parametrize(
    ("changes", "column", "words"),
    [
        ({"productcategorie": "02"}, "productcategorie", "andere wet"),
        ({"productcategorie": "99"}, "productcategorie", "Onbekende productcategorie"),
        ({"productcode": "4501", "productcategorie": "45"}, "productcode", "5 letters of cijfers"),
        ({"productcode": "XYZ12", "productcategorie": ""}, "productcode", "productcategorie"),
        ({"eenheid": "per kwartier"}, "eenheid", "per kwartier"),
        ({"frequentie": "per jaar"}, "frequentie", "per jaar"),
    ],
)
def test_a_wrong_code_names_its_row_and_column(changes, column, words):
    tender = complete_draft()
    before = matrix_export.export_rows(tender)
    rows = [_row(tender), _row(tender, niveau=5, **changes)]
    with pytest.raises(matrix_rows.MatrixInvalid) as refused:
        matrix_import.import_matrix(tender, _csv(rows), "m.csv", by=None)
    [error] = [e for e in refused.value.errors if e.column == column]
    assert error.row == 3
    assert str(error).startswith(f"Regel 3, kolom {column}")
    assert words in str(error)
    assert matrix_export.export_rows(tender) == before


def test_one_result_with_two_units_is_refused():
    tender = complete_draft()
    rows = [_row(tender), _row(tender, niveau=5, eenheid="uur")]
    with pytest.raises(matrix_rows.MatrixInvalid) as refused:
        matrix_import.import_matrix(tender, _csv(rows), "m.csv", by=None)
    assert [(e.row, e.column) for e in refused.value.errors] == [(3, "eenheid")]
