"""The contract register as CSV and XLSX: one row per contract, its current version."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from portal.agreements.queries import RegisterRow

HEADER = [
    "Contractnummer", "Zorgaanbieder", "KvK-nummer", "Inkooptraject", "Gemeenten", "Percelen",
    "Resultaten", "Status", "Versie", "Ingangsdatum", "Einddatum", "Geaccepteerd op", "SHA-256 PDF",
]  # fmt: skip


def rows(register: list[RegisterRow]) -> list[list[str]]:
    out = []
    for row in register:
        content, version, agreement = row.content, row.version, row.agreement
        results = sorted(
            {f"{line['result_code']}/{line['level']}" for lot in content["lots"] for line in lot["lines"]}
        )
        out.append([
            agreement.number, content["provider"]["name"], content["provider"]["kvk_number"], row.tender_reference,
            ", ".join(m["name"] for m in content["municipalities"]), ", ".join(lot["name"] for lot in content["lots"]),
            ", ".join(results), str(agreement.status.label), str(version.version), content["term"]["start"],
            content["term"].get("ended_on") or content["term"]["end"],
            version.accepted_at.isoformat() if version.accepted_at else "", version.pdf_sha256 or "",
        ])  # fmt: skip
    return out


def _safe(value: str) -> str:
    """No spreadsheet formulas from data (CSV injection): a leading = + - @ is quoted."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def to_csv(register: list[RegisterRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADER)
    writer.writerows([[_safe(cell) for cell in row] for row in rows(register)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(register: list[RegisterRow]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Contractregister"
    sheet.append(HEADER)
    for row in rows(register):
        sheet.append([_safe(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
