"""The contract export per municipality: one row per provider × product code × level of every contract
in force, with AGB code, tariff, unit, frequency and validity; nothing of contracts not yet accepted."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from portal import clock
from portal.extensions import db
from portal.models import Role
from portal.standards import contract_export, contracts, reference
from tests import factories
from tests.standards.helpers import contracted


def test_a_sent_contract_is_not_exported_until_it_is_accepted(app):
    journey = contracted(app, sign=False)
    municipality = journey.tender.municipalities[0]
    assert (
        contracts.contract_lines(
            contracts.in_force(), reference.lists(), municipality=municipality.cbs_code, now=clock.now()
        )
        == []
    )
    journey.sign()
    lines = contracts.contract_lines(
        contracts.in_force(), reference.lists(), municipality=municipality.cbs_code, now=clock.now()
    )
    assert [(x.result_code, x.level) for x in lines] == [("R1", 4), ("R1", 5)]
    first = lines[0]
    assert (first.agb_code, first.product_category, first.product_code) == ("12345678", "45", "45A01")
    assert (first.unit, first.frequency, first.tariff) == ("stuks (output)", "per maand", Decimal("400.50"))
    assert first.valid_until > first.valid_from
    assert first.client_stop == ""


def test_csv_and_xlsx_carry_the_same_rows(app, client, auth):
    journey = contracted(app)
    municipality = journey.tender.municipalities[0]
    auth.login(factories.user_with_role(Role.CONTRACT_MANAGER))
    base = f"/contracten/gemeenten/{municipality.id}/contracten"
    csv = client.get(f"{base}.csv").data.decode("utf-8-sig").splitlines()
    assert csv[0].split(";") == contract_export.HEADER
    row = dict(zip(contract_export.HEADER, csv[1].split(";"), strict=True))
    assert row["gemeente_cbs"] == municipality.cbs_code
    assert (row["agb_code"], row["tarief"], row["eenheid_code"], row["niveau"]) == (
        "12345678",
        "400.50",
        "82",
        "4",
    )
    sheet = load_workbook(io.BytesIO(client.get(f"{base}.xlsx").data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == len(csv) == 3
    assert values[1][contract_export.HEADER.index("productcode")] == "45A01"


def test_a_municipality_without_contracts_gets_a_header_only(app, client, auth):
    other = factories.MunicipalityFactory()
    db.session.commit()
    auth.login(factories.user_with_role(Role.BUYER))
    lines = (
        client.get(f"/contracten/gemeenten/{other.id}/contracten.csv").data.decode("utf-8-sig").splitlines()
    )
    assert lines == [";".join(contract_export.HEADER)]
    assert client.get("/contracten/gemeenten/999999/contracten.csv").status_code == 404
