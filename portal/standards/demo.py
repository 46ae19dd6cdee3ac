"""Real iStandaarden codes for the demo and benchmark results: the category follows the result's name
where it says verblijf, opvang, dagbesteding, huishouden or ggz (else Begeleiding 02 or Jeugdhulp
ambulant 45), and the product code starts with its category, as in the national lists JZ21/WMO021."""

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
    result.product_code = (
        result.product_category + result.product_code[2:]
    )  # JZ21/WMO021: code starts with it
