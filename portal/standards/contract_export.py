"""The contract export per municipality as CSV and XLSX, through portal.spreadsheets (no formulas from data)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from portal import spreadsheets
from portal.standards.contracts import ContractLine

HEADER = [
    "gemeente_cbs",
    "contractnummer",
    "zorgaanbieder",
    "kvk_nummer",
    "agb_code",
    "inkooptraject",
    "perceel",
    "resultaatcode",
    "resultaat",
    "productcategorie",
    "productcode",
    "niveau",
    "tarief",
    "eenheid_code",
    "eenheid",
    "frequentie_code",
    "frequentie",
    "geldig_vanaf",
    "geldig_tot",
    "clientenstop",
]


def _csv_value(value: Any) -> str:
    """Amounts with a decimal point and dates as ISO: what a declaration system reads without guessing."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def to_csv(lines: list[ContractLine]) -> bytes:
    return spreadsheets.to_csv(HEADER, [line.values() for line in lines], fmt=_csv_value)


def to_xlsx(lines: list[ContractLine]) -> bytes:
    return spreadsheets.to_xlsx("Contracten", HEADER, [line.values() for line in lines])
