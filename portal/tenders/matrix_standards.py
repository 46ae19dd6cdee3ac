"""The iStandaarden columns of a matrix row (productcategorie, productcode, eenheid, frequentie),
checked against the reference list of portal/standards; every problem names its row and column."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from portal.models import Law
from portal.standards import rules
from portal.standards.rules import CATEGORY, FREQUENCY, UNIT, ReferenceLists

Fail = Callable[[str, object], None]


@dataclass(frozen=True)
class StandardCodes:
    product_code: str = ""
    product_category: str = ""
    unit: str = ""
    frequency: str = ""


def standard_part(text: dict[str, str], law: Law | None, lists: ReferenceLists, fail: Fail) -> StandardCodes:
    """The row's codes; an empty productcategorie is taken from a productcode of the national lists
    (JZ21, WMO021: the first two digits are the category, as in 45A01)."""
    product_code = text["productcode"].upper()
    category = text["productcategorie"] or _category_of(product_code, lists)
    problem = rules.product_code_problem(product_code, category)
    if problem:
        fail("productcode", problem)
    if category and law is not None:
        _check(fail, "productcategorie", rules.category_problem(lists, category, law))
    if text["eenheid"]:
        _check(fail, "eenheid", rules.entry_problem(lists, UNIT, text["eenheid"]))
    if text["frequentie"]:
        _check(fail, "frequentie", rules.entry_problem(lists, FREQUENCY, text["frequentie"]))
    return StandardCodes(
        product_code=product_code,
        product_category=_code(lists, CATEGORY, category),
        unit=_code(lists, UNIT, text["eenheid"]),
        frequency=_code(lists, FREQUENCY, text["frequentie"]),
    )


def _check(fail: Fail, column: str, problem: object | None) -> None:
    if problem is not None:
        fail(column, problem)


def _category_of(product_code: str, lists: ReferenceLists) -> str:
    prefix = product_code[:2]
    return prefix if prefix.isdigit() and lists.find(CATEGORY, prefix) else ""


def _code(lists: ReferenceLists, list_name: str, value: str) -> str:
    entry = lists.find(list_name, value) if value else None
    return entry.code if entry else ""


def export_values(lists: ReferenceLists, category: str, unit: str, frequency: str) -> list[str]:
    """The three columns as the export writes them: the category's code, the unit's and frequency's name."""
    return [category, lists.name(UNIT, unit), lists.name(FREQUENCY, frequency)]
