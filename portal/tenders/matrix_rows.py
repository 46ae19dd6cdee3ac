"""Reading a resultatenmatrix file (XLSX or CSV) into checked rows, every problem with its row and column.

Money is parsed from Dutch notation into Decimal ("€ 1.234,56"), never through float.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO, Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from portal import uploads
from portal.extensions import db
from portal.models import Domain, Law, Tender
from portal.standards import reference
from portal.standards.rules import ReferenceLists
from portal.tenders.matrix_columns import COLUMNS, LAW_NAMES, REQUIRED_COLUMNS
from portal.tenders.matrix_standards import StandardCodes, standard_part
from portal.tenders.notation import parse_date, parse_money
from portal.tenders.service import TenderError

# --- reading files ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: object

    def __str__(self) -> str:
        return f"Regel {self.row}, kolom {self.column}: {self.message}"


class MatrixInvalid(TenderError):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(_l("De matrix is niet ingelezen: %(count)s problemen gevonden.", count=len(errors)))
        self.errors = errors


def read_rows(stream: IO[bytes], filename: str) -> list[tuple[int, dict[str, Any]]]:
    """(row number, {column: value}) for every non-empty row; row 1 is the header."""
    data = stream.read()
    is_xlsx = filename.lower().endswith(".xlsx") or data[:2] == b"PK"
    table = _xlsx_table(data) if is_xlsx else _csv_table(data)
    if not table:
        raise MatrixInvalid([RowError(1, "-", _l("Het bestand is leeg."))])
    header = [str(cell or "").strip().lower().replace(" ", "_") for cell in table[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise MatrixInvalid([RowError(1, c, _l("Deze kolom ontbreekt in de kopregel.")) for c in missing])
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {name: _clean(cells[i]) if i < len(cells) else None for i, name in enumerate(header) if name}
        if any(v is not None for v in values.values()):
            rows.append((number, values))
    return rows


def _clean(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _xlsx_table(data: bytes) -> list[tuple[Any, ...]]:
    try:
        uploads.check_archive(data)  # an XLSX is a zip: the same limits as evidence, before openpyxl opens it
    except uploads.UploadRefused as refused:
        raise MatrixInvalid([RowError(1, "-", str(refused))]) from refused
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        raise MatrixInvalid([RowError(1, "-", _l("Dit Excel-bestand kan niet worden gelezen."))]) from error
    try:
        sheet = workbook.active
        return [tuple(row) for row in sheet.iter_rows(values_only=True)] if sheet is not None else []
    finally:
        workbook.close()


def _csv_table(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


# --- validating ------------------------------------------------------------------------------------


@dataclass
class ParsedRow:
    row: int
    domain_id: int
    code: str
    name: str
    law: Law
    product_code: str
    level: int
    level_description: str
    lot_id: int | None
    municipality_id: int | None
    valid_from: date | None
    amount: Decimal | None
    codes: StandardCodes = field(default_factory=StandardCodes)


@dataclass
class _Lookup:
    domains: dict[str, int]
    lots: dict[str, int]
    municipalities: dict[str, int]
    standards: ReferenceLists
    errors: list[RowError] = field(default_factory=list)


def _lookup(tender: Tender) -> _Lookup:
    municipalities: dict[str, int] = {}
    for m in tender.municipalities:
        municipalities[m.name.lower()] = m.id
        municipalities[m.cbs_code.lower()] = m.id
    return _Lookup(
        domains={d.name.lower(): d.id for d in db.session.scalars(sa.select(Domain))},
        lots={lot.name.lower(): lot.id for lot in tender.lots},
        municipalities=municipalities,
        standards=reference.lists(),
    )


def validate(tender: Tender, rows: list[tuple[int, dict[str, Any]]]) -> list[ParsedRow]:
    """Every row parsed, or MatrixInvalid listing every problem of every row."""
    lookup = _lookup(tender)
    parsed = [p for number, values in rows if (p := _parse_row(number, values, lookup)) is not None]
    _check_consistency(parsed, lookup.errors)
    if lookup.errors:
        raise MatrixInvalid(sorted(lookup.errors, key=lambda e: (e.row, COLUMNS.index(e.column))))
    if not parsed:
        raise MatrixInvalid([RowError(2, "resultaatcode", _l("Het bestand bevat geen regels."))])
    return parsed


def _parse_row(number: int, values: dict[str, Any], lookup: _Lookup) -> ParsedRow | None:
    errors = lookup.errors
    before = len(errors)

    def fail(column: str, message: object) -> None:
        errors.append(RowError(number, column, message))

    text = {c: str(values.get(c) or "").strip() for c in COLUMNS}
    _check_filled_and_short(text, fail)
    domain_id, law, level, lot_id = _result_part(values, text, lookup, fail)
    codes = standard_part(text, law, lookup.standards, fail)
    municipality_id, valid_from, amount = _tariff_part(values, text, lookup, fail)
    if len(errors) > before:
        return None
    assert domain_id is not None
    assert law is not None
    assert level is not None
    return ParsedRow(
        row=number,
        domain_id=domain_id,
        code=text["resultaatcode"],
        name=text["resultaat"],
        law=law,
        product_code=codes.product_code,
        level=level,
        level_description=text["niveauomschrijving"],
        lot_id=lot_id,
        municipality_id=municipality_id,
        valid_from=valid_from,
        amount=amount,
        codes=codes,
    )


LIMITS = {"resultaatcode": 20, "resultaat": 200, "productcode": 20, "niveauomschrijving": 300}


def _check_filled_and_short(text: dict[str, str], fail: Any) -> None:
    for column in REQUIRED_COLUMNS:
        if not text[column]:
            fail(column, _l("Dit veld is leeg."))
    for column, limit in LIMITS.items():
        if len(text[column]) > limit:
            fail(column, _l("Te lang: hooguit %(limit)s tekens.", limit=limit))


def _result_part(values: dict[str, Any], text: dict[str, str], lookup: _Lookup, fail: Any) -> tuple[Any, ...]:
    domain_id = lookup.domains.get(text["domein"].lower())
    if text["domein"] and domain_id is None:
        fail("domein", _l("Onbekend domein “%(value)s”.", value=text["domein"]))
    law = LAW_NAMES.get(text["wet"].lower())
    if text["wet"] and law is None:
        fail("wet", _l("Kies Jeugdwet, Wmo of Jeugdwet en Wmo, niet “%(value)s”.", value=text["wet"]))
    level = _level(values.get("niveau"))
    if text["niveau"] and level is None:
        fail("niveau", _l("Niveau %(value)s bestaat niet: kies 4, 5, 6, 7 of 8.", value=text["niveau"]))
    lot_id = None
    if text["perceel"]:
        lot_id = lookup.lots.get(text["perceel"].lower())
        if lot_id is None:
            fail(
                "perceel",
                _l("Onbekend perceel “%(value)s”. Maak het perceel eerst aan.", value=text["perceel"]),
            )
    return domain_id, law, level, lot_id


def _tariff_part(
    values: dict[str, Any], text: dict[str, str], lookup: _Lookup, fail: Any
) -> tuple[Any, Any, Any]:
    if not (text["gemeente"] or text["geldig_vanaf"] or text["tarief"]):
        return None, None, None  # a result-level without tariffs yet
    municipality_id = lookup.municipalities.get(text["gemeente"].lower())
    if municipality_id is None:
        fail("gemeente", _l("Onbekende of niet deelnemende gemeente “%(value)s”.", value=text["gemeente"]))
    valid_from = amount = None
    try:
        valid_from = parse_date(values.get("geldig_vanaf"))
    except ValueError:
        fail("geldig_vanaf", _l("Geen geldige datum: gebruik bijvoorbeeld 2027-01-01 of 1-1-2027."))
    try:
        amount = parse_money(values.get("tarief"))
    except ValueError:
        fail(
            "tarief", _l("“%(value)s” is geen bedrag. Schrijf bijvoorbeeld € 1.234,56.", value=text["tarief"])
        )
    else:
        if amount < 0:
            fail("tarief", _l("Een tarief kan niet negatief zijn."))
    return municipality_id, valid_from, amount


def _level(value: object) -> int | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return int(number) if number == number.to_integral_value() and 4 <= number <= 8 else None


def _check_consistency(rows: list[ParsedRow], errors: list[RowError]) -> None:
    results: dict[str, ParsedRow] = {}
    levels: dict[tuple[str, int], ParsedRow] = {}
    tariffs: dict[tuple[str, int, int | None, date | None], ParsedRow] = {}
    for row in rows:
        errors.extend(_same_result(row, results.setdefault(row.code, row)))
        errors.extend(_same_level(row, levels.setdefault((row.code, row.level), row)))
        duplicate = tariffs.setdefault((row.code, row.level, row.municipality_id, row.valid_from), row)
        if duplicate is not row:
            message = _l(
                "Dubbele regel: zelfde resultaat, niveau, gemeente en datum als regel %(row)s.",
                row=duplicate.row,
            )
            errors.append(RowError(row.row, "gemeente", message))


def _same_result(row: ParsedRow, first: ParsedRow) -> list[RowError]:
    """A result's name, domain, law and codes are the same on every row of its resultaatcode."""
    pairs = (
        ("resultaat", row.name, first.name),
        ("domein", row.domain_id, first.domain_id),
        ("wet", row.law, first.law),
        ("productcode", row.product_code, first.product_code),
        ("productcategorie", row.codes.product_category, first.codes.product_category),
        ("eenheid", row.codes.unit, first.codes.unit),
        ("frequentie", row.codes.frequency, first.codes.frequency),
    )
    message = _l("Wijkt af van regel %(row)s met dezelfde resultaatcode.", row=first.row)
    return [RowError(row.row, column, message) for column, a, b in pairs if a != b]


def _same_level(row: ParsedRow, first: ParsedRow) -> list[RowError]:
    errors = []
    if row.lot_id != first.lot_id:
        message = _l(
            "Een resultaat op een niveau hoort bij één perceel; regel %(row)s noemt een ander.", row=first.row
        )
        errors.append(RowError(row.row, "perceel", message))
    if row.level_description != first.level_description:
        errors.append(
            RowError(row.row, "niveauomschrijving", _l("Wijkt af van regel %(row)s.", row=first.row))
        )
    return errors
