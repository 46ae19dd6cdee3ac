"""The iStandaarden reference list: shipped as data (data/istandaarden.csv, source in data/README.md),
kept in the database once loaded, and replaced by an administrator's CSV import, all rows or none."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal import audit
from portal.extensions import db
from portal.models import Law, StandardCode, User
from portal.refusals import DomainRefusal
from portal.standards.rules import CODE_DIGITS, LISTS, Code, ReferenceLists, index

SHIPPED = Path(__file__).resolve().parent / "data" / "istandaarden.csv"
COLUMNS = ["lijst", "code", "naam", "wet", "vervallen"]
LAWS = {"wmo": Law.WMO, "jeugdwet": Law.JEUGDWET, "": None}
MAX_BYTES = 1024 * 1024


class ListRefused(DomainRefusal):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(_l("De lijst is niet ingelezen: %(count)s problemen.", count=len(problems)), "file")
        self.problems = problems


def parse(data: bytes) -> list[Code]:
    """The codes of a CSV in COLUMNS (';' or ','), or ListRefused naming every wrong row."""
    text = data.decode("utf-8-sig", errors="replace")
    delimiter = ";" if text.split("\n", 1)[0].count(";") else ","
    table = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if any(c.strip() for c in row)]
    if not table or [c.strip().lower() for c in table[0][:5]] != COLUMNS:
        raise ListRefused(
            [str(_l("Regel 1: de kopregel moet zijn: %(columns)s.", columns=";".join(COLUMNS)))]
        )
    codes, problems = [], []
    for number, row in enumerate(table[1:], start=2):
        code, problem = _parse_row([c.strip() for c in row] + [""] * 5)
        if problem:
            problems.append(str(_l("Regel %(row)s: %(problem)s", row=number, problem=problem)))
        elif code:
            codes.append(code)
    if problems or not codes:
        raise ListRefused(problems or [str(_l("Het bestand bevat geen codes."))])
    return codes


def _parse_row(cells: list[str]) -> tuple[Code | None, object | None]:
    list_name, code, name, law, legacy = (c for c in cells[:5])
    if list_name not in LISTS:
        return None, _l(
            "onbekende lijst “%(value)s”; kies %(lists)s.", value=list_name, lists=", ".join(LISTS)
        )
    if not (code.isdigit() and len(code) == CODE_DIGITS[list_name]):
        return None, _l(
            "code “%(value)s” moet %(digits)s cijfers zijn.", value=code, digits=CODE_DIGITS[list_name]
        )
    if not name or len(name) > 200:
        return None, _l("de naam is leeg of langer dan 200 tekens.")
    if law.lower() not in LAWS:
        return None, _l("wet “%(value)s”: kies wmo, jeugdwet of laat leeg.", value=law)
    return Code(list_name, code, name, LAWS[law.lower()], legacy.lower() in {"ja", "1", "x", "true"}), None


def shipped() -> list[Code]:
    return parse(SHIPPED.read_bytes())


def lists() -> ReferenceLists:
    """The database's lists; a list that was never loaded there is the shipped one."""
    stored = [_code(row) for row in db.session.scalars(sa.select(StandardCode).order_by(StandardCode.id))]
    loaded = {code.list_name for code in stored}
    return index(stored + [code for code in shipped() if code.list_name not in loaded])


def _code(row: StandardCode) -> Code:
    return Code(row.list_name, row.code, row.name, row.law, row.legacy)


def seed() -> None:
    """Load the shipped list into the database where it is not there yet (demo and first start)."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(StandardCode)) == 0:
        db.session.add_all(_row(code) for code in shipped())
        db.session.flush()


def _row(code: Code) -> StandardCode:
    return StandardCode(
        list_name=code.list_name, code=code.code, name=code.name, law=code.law, legacy=code.legacy
    )


def import_list(data: bytes, *, by: User | None) -> int:
    """Replace the lists the file names: new codes added, known ones updated, missing ones marked legacy."""
    if len(data) > MAX_BYTES:
        raise ListRefused([str(_l("Het bestand is groter dan 1 MB."))])
    codes = parse(data)
    seed()
    for list_name in {code.list_name for code in codes}:
        _replace(list_name, [code for code in codes if code.list_name == list_name])
    db.session.flush()
    audit.record("standards.import_list", None, actor=by, codes=len(codes))
    return len(codes)


def _replace(list_name: str, codes: list[Code]) -> None:
    existing = {
        r.code: r
        for r in db.session.scalars(sa.select(StandardCode).where(StandardCode.list_name == list_name))
    }
    for code in codes:
        row = existing.pop(code.code, None) or StandardCode(list_name=list_name, code=code.code)
        row.name, row.law, row.legacy = code.name, code.law, code.legacy
        db.session.add(row)
    for row in existing.values():
        row.legacy = True


def export_csv() -> bytes:
    from portal import spreadsheets

    current = lists()
    rows = [
        [c.list_name, c.code, c.name, c.law.value if c.law else "", "ja" if c.legacy else ""]
        for list_name in LISTS
        for c in current.entries(list_name)
    ]
    return spreadsheets.to_csv(COLUMNS, rows)
