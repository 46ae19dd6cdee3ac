"""The contract register as CSV and XLSX: one row per contract, its current version.

Written by portal.spreadsheets, which keeps every text a spreadsheet could read as a formula a text."""

from __future__ import annotations

from typing import Any

from portal import spreadsheets
from portal.agreements.queries import RegisterRow

HEADER = [
    "Contractnummer",
    "Zorgaanbieder",
    "KvK-nummer",
    "Inkooptraject",
    "Gemeenten",
    "Percelen",
    "Resultaten",
    "Status",
    "Versie",
    "Ingangsdatum",
    "Einddatum",
    "Geaccepteerd op",
    "SHA-256 PDF",
]


def rows(register: list[RegisterRow]) -> list[list[Any]]:
    return [_row(row) for row in register]


def _row(row: RegisterRow) -> list[Any]:
    content, version, agreement = row.content, row.version, row.agreement
    term = content["term"]
    return [
        agreement.number,
        content["provider"]["name"],
        content["provider"]["kvk_number"],
        row.tender_reference,
        ", ".join(m["name"] for m in content["municipalities"]),
        ", ".join(lot["name"] for lot in content["lots"]),
        ", ".join(_results(content)),
        str(agreement.status.label),
        version.version,
        term["start"],
        term.get("ended_on") or term["end"],
        version.accepted_at.isoformat() if version.accepted_at else "",
        version.pdf_sha256 or "",
    ]


def _results(content: dict[str, Any]) -> list[str]:
    """Each result and level in the contract, as "<code>/<level>"."""
    return sorted(
        {f"{line['result_code']}/{line['level']}" for lot in content["lots"] for line in lot["lines"]}
    )


def to_csv(register: list[RegisterRow]) -> bytes:
    return spreadsheets.to_csv(HEADER, rows(register))


def to_xlsx(register: list[RegisterRow]) -> bytes:
    return spreadsheets.to_xlsx("Contractregister", HEADER, rows(register))
