"""The matrix of a tender by hand: levels, results, their levels per perceel, and tariffs per municipality.

Reading and writing the whole matrix as a spreadsheet is in matrix_import.py and matrix_export.py.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from portal import audit
from portal.extensions import db
from portal.models import Domain, Law, Level, Lot, Municipality, Result, ResultLevel, Tariff, Tender, User
from portal.tenders.rules import Problem
from portal.tenders.service import InvalidInput, check_lot, ensure_editable


def set_level(tender: Tender, number: int, description: str, *, by: User | None = None) -> Level:
    """The general description of an interventieniveau in this tender."""
    ensure_editable(tender)
    _check_level(number)
    level = next((lv for lv in tender.levels if lv.number == number), None)
    if level is None:
        level = Level(number=number)
        tender.levels.append(level)
    level.description = description.strip()
    db.session.flush()
    audit.record("tenders.set_level", tender, actor=by, level=number)
    return level


def add_result(
    tender: Tender,
    *,
    domain: Domain,
    code: str,
    name: str,
    law: Law,
    description: str = "",
    product_code: str = "",
    by: User | None = None,
) -> Result:
    ensure_editable(tender)
    result = Result(
        domain=domain,
        code=_new_code(tender, code),
        name=name.strip(),
        law=law,
        description=description,
        product_code=product_code.strip(),
    )
    tender.results.append(result)
    db.session.flush()
    audit.record("tenders.add_result", result, actor=by, tender_id=tender.id)
    return result


def _check_level(number: int) -> None:
    if number not in range(4, 9):
        raise InvalidInput([Problem("level", _l("Een interventieniveau is 4, 5, 6, 7 of 8."))])


def _new_code(tender: Tender, code: str) -> str:
    """The result code, stripped, once no other result of the tender has it."""
    code = code.strip()
    if any(r.code == code for r in tender.results):
        raise InvalidInput([Problem("code", _l("Er is al een resultaat met code %(code)s.", code=code))])
    return code


def add_result_level(
    result: Result, *, level: int, description: str = "", lot: Lot | None = None
) -> ResultLevel:
    ensure_editable(result.tender)
    _check_level(level)
    if any(rl.level == level for rl in result.levels):
        raise InvalidInput([Problem("level", _l("Dit resultaat heeft niveau %(level)s al.", level=level))])
    check_lot(result.tender, lot)
    result_level = ResultLevel(level=level, description=description, lot=lot)
    result.levels.append(result_level)
    db.session.flush()
    return result_level


def assign_lot(result_level: ResultLevel, lot: Lot | None, *, by: User | None = None) -> None:
    """A result-level belongs to one perceel at most: assigning moves it."""
    ensure_editable(result_level.result.tender)
    check_lot(result_level.result.tender, lot)
    result_level.lot = lot
    db.session.flush()
    audit.record("tenders.assign_lot", result_level, actor=by, lot_id=getattr(lot, "id", None))


def set_tariff(
    result_level: ResultLevel,
    *,
    municipality: Municipality,
    valid_from: date,
    amount: Decimal,
    by: User | None = None,
) -> Tariff:
    """The tariff of a result-level in a municipality from `valid_from`: new, or its amount replaced."""
    tender = result_level.result.tender
    ensure_editable(tender)
    _check_tariff(tender, municipality, amount)
    tariff = _tariff_from(result_level, municipality, valid_from)
    if tariff is None:
        tariff = Tariff(municipality=municipality, valid_from=valid_from, amount=amount)
        result_level.tariffs.append(tariff)
    tariff.amount = amount
    db.session.flush()
    audit.record("tenders.set_tariff", tariff, actor=by, amount=amount)
    return tariff


def _check_tariff(tender: Tender, municipality: Municipality, amount: Decimal) -> None:
    if amount < 0:
        raise InvalidInput([Problem("amount", _l("Een tarief kan niet negatief zijn."))])
    if municipality not in tender.municipalities:
        message = _l("Deze gemeente doet niet mee aan dit inkooptraject.")
        raise InvalidInput([Problem("municipality", message)])


def _tariff_from(result_level: ResultLevel, municipality: Municipality, valid_from: date) -> Tariff | None:
    return next(
        (
            t
            for t in result_level.tariffs
            if t.municipality_id == municipality.id and t.valid_from == valid_from
        ),
        None,
    )
