"""Real iStandaarden codes for the demo and benchmark results (their product codes follow JZ21/WMO021,
where the first two digits are the category; where the result's name says it is verblijf, opvang,
dagbesteding or ggz, the category says so too)."""

from __future__ import annotations

from portal.models import Law, Result

# (words in the result's name, productcategorie), first match wins
_WMO = [
    ("beschermd wonen", "15"),
    ("opvang", "16"),
    ("dagbesteding", "07"),
    ("activering", "07"),
    ("huishouden", "01"),
]
_JEUGD = [("uithuisplaatsing", "43"), ("psychisch", "54"), ("dagbesteding", "41"), ("behandeling", "41")]
_RESIDENTIAL = {"15", "16", "43", "44"}
_DAYTIME = {"07", "41"}


def codes_for(name: str, law: Law, product_code: str) -> tuple[str, str, str]:
    """(productcategorie, eenheid, frequentie) for a demo result."""
    words = name.lower()
    table = _WMO if law is Law.WMO else _JEUGD
    category = next((code for word, code in table if word in words), product_code[:2])
    if category in _RESIDENTIAL:
        return category, "14", "4"  # etmaal, per maand
    if category in _DAYTIME:
        return category, "16", "2"  # dagdeel, per week
    return category, "82", "4"  # stuks (output): one result per month


def apply(result: Result) -> None:
    result.product_category, result.unit, result.frequency = codes_for(
        result.name, result.law, result.product_code
    )
