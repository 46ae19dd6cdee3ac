"""The contract register export (CSV and XLSX): a provider's name can never become a formula."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from portal.agreements import export, queries, service
from tests import factories
from tests.agreements.helpers import NOW, priced_tender
from tests.test_spreadsheets import FORMULAS


def test_the_register_export_neutralises_formulas_in_every_text(app):
    tender = priced_tender()
    tender.title = FORMULAS[0]
    for value, municipality in zip(FORMULAS[1:], tender.municipalities, strict=False):
        municipality.name = value
    tender.lots[0].name = "@lot"
    organisation = factories.admitted_provider(tender, factories.OrganisationFactory(name="=1+1"))
    with app.test_request_context():
        agreement = service.generate_agreement(tender, organisation, now=NOW)
    register = queries.register(queries.RegisterFilter(), with_content=True)
    sheet = load_workbook(io.BytesIO(export.to_xlsx(register))).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == agreement.number)
    assert row[1] == "'=1+1"
    assert row[5].startswith("'@lot")
    assert row[8] == 1  # the version number stays a number
    data = export.to_csv(register)
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    line = next(r for r in lines if r[0] == agreement.number)
    assert line[1] == "'=1+1"
    assert line[5].startswith("'@lot")
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for r in lines for cell in r)
