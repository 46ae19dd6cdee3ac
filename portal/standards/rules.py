"""Pure decisions on iStandaarden codes (iWmo/iJw): which list entry a value names, and whether a
result's productcategorie, productcode, eenheid and frequentie fit together. No database, no Flask."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from portal.models.enums import Law

CATEGORY = "productcategorie"
UNIT = "eenheid"
FREQUENCY = "frequentie"
LISTS = (CATEGORY, UNIT, FREQUENCY)
CODE_DIGITS = {CATEGORY: 2, UNIT: 2, FREQUENCY: 1}
PRODUCT_CODE = re.compile(r"^[0-9A-Z]{5}$")


@dataclass(frozen=True)
class Code:
    list_name: str
    code: str
    name: str
    law: Law | None = None
    legacy: bool = False


@dataclass
class ReferenceLists:
    """The three lists, each indexed by code and by name (lower case, without 'per ')."""

    codes: dict[str, list[Code]] = field(default_factory=dict)
    found: dict[tuple[str, str], Code | None] = field(default_factory=dict)

    def entries(self, list_name: str) -> list[Code]:
        return self.codes.get(list_name, [])

    def find(self, list_name: str, value: object) -> Code | None:
        """The entry a value names: its code (3 or '03' alike) or its name ('per etmaal', 'stuk')."""
        text = _as_text(value)
        key = (list_name, text)
        if key not in self.found:  # an import or export asks the same few values thousands of times
            self.found[key] = next(
                (
                    e
                    for e in self.entries(list_name)
                    if _same_code(text, e.code) or text in _name_keys(e.name)
                ),
                None,
            )
        return self.found[key]

    def name(self, list_name: str, code: str) -> str:
        entry = self.find(list_name, code) if code else None
        return entry.name if entry else code


def _as_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value if value is not None else "").strip().lower()


def _same_code(text: str, code: str) -> bool:
    return text.isdigit() and code.isdigit() and int(text) == int(code)


def _name_keys(name: str) -> set[str]:
    plain = name.lower().removeprefix("per ").strip()
    short = plain.split(" (")[0]
    return {name.lower(), plain, short, short.rstrip("s"), f"per {short}"}


def category_problem(lists: ReferenceLists, value: object, law: Law) -> object | None:
    """Why a productcategorie does not fit a result of this law (None: it fits)."""
    entry = lists.find(CATEGORY, value)
    if entry is None:
        return _l(
            "Onbekende productcategorie “%(value)s”: zie de lijst onder Beheer → iStandaarden.", value=value
        )
    if entry.legacy:
        return _l(
            "Productcategorie %(code)s is vervallen en wordt niet meer gecontracteerd.", code=entry.code
        )
    if law is not Law.BOTH and entry.law is not None and entry.law is not law:
        return _l(
            "Productcategorie %(code)s (%(name)s) hoort bij een andere wet dan dit resultaat.",
            code=entry.code,
            name=entry.name,
        )
    return None


def product_code_problem(product_code: str, category: str) -> object | None:
    """A productcode is five letters or digits, and means nothing without its productcategorie."""
    if not product_code:
        return None
    if not PRODUCT_CODE.match(product_code.upper()):
        return _l("Een productcode heeft 5 letters of cijfers, zoals 45A01.")
    if not category:
        return _l("Vul ook de productcategorie in: een productcode hoort bij een categorie.")
    return None


def entry_problem(lists: ReferenceLists, list_name: str, value: object) -> object | None:
    entry = lists.find(list_name, value)
    if entry is None:
        names = ", ".join(e.name for e in lists.entries(list_name) if not e.legacy)
        return _l("Onbekende waarde “%(value)s”. Kies uit: %(names)s.", value=value, names=names)
    if entry.legacy:
        return _l("“%(value)s” is vervallen.", value=entry.name)
    return None


def index(codes: Iterable[Code]) -> ReferenceLists:
    lists = ReferenceLists()
    for code in codes:
        lists.codes.setdefault(code.list_name, []).append(code)
    return lists
