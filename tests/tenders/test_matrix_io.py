"""Import and export of the resultatenmatrix: all rows or none, every problem listed, exact round trip."""

from __future__ import annotations

import io
import time
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from portal.extensions import db
from portal.models import Result, Tariff
from portal.tenders import (
    matrix,
    matrix_export,
    matrix_import,
    matrix_rows,
    publication,
    service,
)
from portal.tenders.matrix_columns import COLUMNS
from tests import factories
from tests.tenders.helpers import complete_draft


def _xlsx(rows: list[list[object]]) -> io.BytesIO:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Matrix")
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


def _tender_with_two_lots():
    tender = complete_draft()
    service.add_lot(tender, name="Perceel 2")
    return tender


def test_xlsx_export_then_import_gives_an_identical_matrix():
    tender = _tender_with_two_lots()
    tender.results[0].levels[0].tariffs[0].amount = Decimal("1234.56")
    result = matrix.add_result(
        tender, domain=tender.results[0].domain, code="R2", name="Zelfredzaam", law=tender.law
    )
    matrix.add_result_level(result, level=8, description="Zwaar", lot=tender.lots[1])  # no tariffs yet
    before = matrix_export.export_rows(tender)
    data = matrix_export.export_xlsx(tender)
    summary = matrix_import.import_matrix(tender, io.BytesIO(data), "matrix.xlsx", by=None)
    assert summary.tariffs == 4
    assert matrix_export.export_rows(tender) == before


def test_csv_export_then_import_gives_an_identical_matrix():
    tender = _tender_with_two_lots()
    tender.results[0].levels[1].tariffs[0].amount = Decimal("4875.05")
    before = matrix_export.export_rows(tender)
    data = matrix_export.export_csv(tender)
    assert "4875,05" in data.decode("utf-8-sig")
    matrix_import.import_matrix(tender, io.BytesIO(data), "matrix.csv", by=None)
    assert matrix_export.export_rows(tender) == before


def test_a_file_with_several_bad_rows_imports_nothing_and_lists_every_problem():
    tender = complete_draft()
    before = matrix_export.export_rows(tender)
    [first, second] = tender.municipalities
    good = [
        "Veilig",
        "R7",
        "Nieuw resultaat",
        "Jeugdwet",
        "45A01",
        4,
        "Licht",
        "Perceel 1",
        first.name,
        date(2028, 1, 1),
        "€ 1.234,56",
    ]
    rows = [
        good,
        [*good[:8], "Atlantis", date(2028, 1, 1), "100"],  # row 3: unknown municipality
        [*good[:5], 9, *good[6:8], second.cbs_code, date(2028, 1, 1), "100"],  # row 4: level 9
        good,  # row 5: duplicate of row 2
        [*good[:8], second.name, date(2028, 1, 1), "-5,00"],  # row 6: negative
        [*good[:5], 5, *good[6:8], second.name, date(2028, 1, 1), "twaalf euro"],  # row 7: unparsable
    ]
    with pytest.raises(matrix_rows.MatrixInvalid) as refused:
        matrix_import.import_matrix(tender, _xlsx(rows), "matrix.xlsx", by=None)
    found = [(e.row, e.column) for e in refused.value.errors]
    assert found == [(3, "gemeente"), (4, "niveau"), (5, "gemeente"), (6, "tarief"), (7, "tarief")]
    messages = [str(e) for e in refused.value.errors]
    assert "Regel 3, kolom gemeente" in messages[0] and "Atlantis" in messages[0]  # noqa: PT018
    assert "Niveau 9 bestaat niet" in messages[1]
    assert "Dubbele regel" in messages[2] and "regel 2" in messages[2]  # noqa: PT018
    assert "negatief" in messages[3]
    assert "twaalf euro" in messages[4]
    db.session.expire_all()
    assert matrix_export.export_rows(tender) == before


def test_municipality_by_cbs_code_and_dutch_tariff_are_imported():
    tender = complete_draft()
    [first, _second] = tender.municipalities
    rows = [
        [
            "Veilig",
            "R1",
            "Veilig thuis",
            "Jeugdwet",
            "",
            4,
            "",
            "Perceel 1",
            first.cbs_code,
            "1-1-2028",
            "€ 1.234,56",
        ]
    ]
    matrix_import.import_matrix(tender, _xlsx(rows), "m.xlsx", by=None)
    tariff = db.session.scalar(
        sa.select(Tariff).join(Tariff.result_level).where(Tariff.municipality_id == first.id)
    )
    assert tariff.amount == Decimal("1234.56")
    assert tariff.valid_from == date(2028, 1, 1)


def test_one_result_level_in_two_lots_is_refused():
    tender = _tender_with_two_lots()
    [first, second] = tender.municipalities
    base = ["Veilig", "R1", "Veilig thuis", "Jeugdwet", "", 4, ""]
    rows = [
        [*base, "Perceel 1", first.name, "2028-01-01", "1"],
        [*base, "Perceel 2", second.name, "2028-01-01", "1"],
    ]
    with pytest.raises(matrix_rows.MatrixInvalid) as refused:
        matrix_import.import_matrix(tender, _xlsx(rows), "m.xlsx", by=None)
    assert [(e.row, e.column) for e in refused.value.errors] == [(3, "perceel")]


def test_a_missing_column_is_reported_on_the_header_row():
    tender = complete_draft()
    data = io.BytesIO(b"domein;resultaatcode;resultaat;wet\r\nVeilig;R1;X;Wmo\r\n")
    with pytest.raises(matrix_rows.MatrixInvalid) as refused:
        matrix_import.import_matrix(tender, data, "m.csv", by=None)
    assert [(e.row, e.column) for e in refused.value.errors] == [(1, "niveau")]


def test_import_into_a_published_tender_is_refused():
    tender = complete_draft()
    publication.publish_tender(tender, by=None, now=tender.publication_at)
    data = matrix_export.export_xlsx(tender)
    with pytest.raises(service.TenderFrozen):
        matrix_import.import_matrix(tender, io.BytesIO(data), "m.xlsx", by=None)


def test_ten_thousand_rows_import_in_bulk(capsys):
    """Prints the time (the figure in the report); asserts only that everything arrived."""
    municipalities = [factories.MunicipalityFactory() for _ in range(5)]
    tender = complete_draft(municipalities=municipalities)
    rows = []
    for r in range(400):
        for level in (4, 5, 6, 7, 8):
            for m in municipalities:
                rows.append(
                    [
                        "Veilig",
                        f"X{r:03d}",
                        f"Resultaat {r}",
                        "Wmo",
                        f"02{r:03d}",
                        level,
                        f"Niveau {level}",
                        "Perceel 1",
                        m.name,
                        date(2028, 1, 1),
                        f"{100 + r},{level}5",
                    ]
                )
    data = _xlsx(rows)
    started = time.perf_counter()
    summary = matrix_import.import_matrix(tender, data, "matrix.xlsx", by=None)
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(f"\n10,000-row XLSX import: {elapsed:.2f} s on {db.engine.dialect.name}")
    assert summary.tariffs == 10_000
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Result).where(Result.tender_id == tender.id))
        == 400
    )
