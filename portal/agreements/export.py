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
    out = []
    for row in register:
        content, version, agreement = row.content, row.version, row.agreement
        results = sorted(
            {f"{line['result_code']}/{line['level']}" for lot in content["lots"] for line in lot["lines"]}
        )
        out.append(
            [
                agreement.number,
                content["provider"]["name"],
                content["provider"]["kvk_number"],
                row.tender_reference,
                ", ".join(m["name"] for m in content["municipalities"]),
                ", ".join(lot["name"] for lot in content["lots"]),
                ", ".join(results),
                str(agreement.status.label),
                version.version,
                content["term"]["start"],
                content["term"].get("ended_on") or content["term"]["end"],
                version.accepted_at.isoformat() if version.accepted_at else "",
                version.pdf_sha256 or "",
            ]
        )
    return out


def to_csv(register: list[RegisterRow]) -> bytes:
    return spreadsheets.to_csv(HEADER, rows(register))


def to_xlsx(register: list[RegisterRow]) -> bytes:
    return spreadsheets.to_xlsx("Contractregister", HEADER, rows(register))
