"""Exporting the resultatenmatrix as XLSX or CSV, in the columns the import reads back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from portal import spreadsheets
from portal.models import Tender
from portal.standards import reference
from portal.tenders.matrix_columns import COLUMNS, LAW_LABELS
from portal.tenders.matrix_standards import export_values
from portal.tenders.notation import format_money


def export_rows(tender: Tender) -> list[list[Any]]:
    """The matrix as rows of COLUMNS, sorted; a result-level without tariffs is one row without them."""
    from portal.tenders import queries

    rows: list[list[Any]] = []
    lists = reference.lists()
    for result in queries.matrix_results(tender.id):
        codes = export_values(lists, result.product_category, result.unit, result.frequency)
        for rl in result.levels:
            lot_name = rl.lot.name if rl.lot else ""
            common = [
                result.domain.name,
                result.code,
                result.name,
                LAW_LABELS[result.law],
                result.product_code,
                rl.level,
                rl.description,
                lot_name,
            ]
            tariffs = sorted(rl.tariffs, key=lambda t: (t.municipality.name, t.valid_from))
            if not tariffs:
                rows.append([*common, "", None, None, *codes])
            rows.extend([*common, t.municipality.name, t.valid_from, t.amount, *codes] for t in tariffs)
    return rows


def _csv_value(value: Any) -> str:
    """The portal's own values in a CSV: dates as ISO, amounts in Dutch notation, as the import reads."""
    if isinstance(value, Decimal):
        return format_money(value)
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def export_xlsx(tender: Tender) -> bytes:
    return spreadsheets.to_xlsx("Resultatenmatrix", COLUMNS, export_rows(tender))


def export_csv(tender: Tender) -> bytes:
    return spreadsheets.to_csv(COLUMNS, export_rows(tender), fmt=_csv_value)
