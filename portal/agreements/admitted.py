"""What a raamovereenkomst says: the admitted lines of the provider, frozen as a version's content.

A contract says what was admitted: the lines (result-level × municipality) of the provider's admitted
submission in the percelen with an approved ADMITTED decision, with the tariff valid at the time of the
decision (rules.tariff_on).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.agreements import queries, rules
from portal.agreements.rules import AgreementRefused
from portal.clock import to_local
from portal.extensions import db
from portal.models import ORGANISATION_DETAILS, Municipality, Organisation, Tender


def admitted_content(tender: Tender, organisation: Organisation, number: str) -> dict[str, Any]:
    """The frozen content of a new contract; refused when the organisation was not admitted."""
    found = queries.admissions(tender.id, organisation.id)
    lines = queries.admitted_lines(found[0]) if found else []
    if not lines:
        raise AgreementRefused(_l("Deze zorgaanbieder is voor dit inkooptraject niet toegelaten."))
    decided_on = to_local(found[0].decided_at).date()
    municipalities = _municipalities(lines)
    return {
        "number": number,
        "tender": _tender(tender),
        "provider": _fields(organisation, ORGANISATION_DETAILS),
        "municipalities": [_fields(m, MUNICIPALITY_FIELDS) for m in municipalities],
        "term": _term(tender, decided_on),
        "decided_on": decided_on.isoformat(),
        "submission_id": found[0].submission_id,
        "lots": lots_content(lines, decided_on),
    }


def _municipalities(lines: list[queries.AdmittedLine]) -> list[Municipality]:
    """The municipalities of the admitted lines, each once, by name."""
    return sorted({line.municipality.id: line.municipality for line in lines}.values(), key=lambda m: m.name)


def _tender(tender: Tender) -> dict[str, Any]:
    labels = {"procedure": str(tender.procedure.label), "law": str(tender.law.label)}
    return {"reference": tender.reference, "title": tender.title, **labels}


def _term(tender: Tender, decided_on: date) -> dict[str, Any]:
    """The term runs from the contract start (never before the decision) for the tender's term_months."""
    start = max(tender.contract_start or decided_on, decided_on)
    end = rules.contract_end(tender.contract_start or decided_on, tender.term_months)
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "term_months": tender.term_months,
        "extension_count": tender.extension_count,
        "extension_months": tender.extension_months,
        "extensions_used": 0,
        "ended_on": None,
    }


def lots_content(lines: list[queries.AdmittedLine], decided_on: date) -> list[dict[str, Any]]:
    """Per perceel its lines (result × level) with the tariff of each municipality on `decided_on`."""
    periods = _tariff_periods(lines)
    lots: dict[int, dict[str, Any]] = {}
    for line in lines:
        lot = lots.setdefault(line.lot.id, {"name": line.lot.name, "lines": {}})
        entry = lot["lines"].setdefault((line.result.code, line.result_level.level), _entry(line))
        period = rules.tariff_on(periods[(line.result_level.id, line.municipality.id)], decided_on)
        if period is None:
            raise _no_tariff(line)
        entry["tariffs"][line.municipality.cbs_code] = str(period.amount.quantize(rules.CENT))
        entry["unit"] = period.unit
    return [{"name": lot["name"], "lines": list(lot["lines"].values())} for lot in lots.values()]


def _tariff_periods(lines: list[queries.AdmittedLine]) -> dict[tuple[int, int], list[rules.TariffPeriod]]:
    """Every tariff period of the lines' result levels, per (result level id, municipality id)."""
    periods: dict[tuple[int, int], list[rules.TariffPeriod]] = defaultdict(list)
    for tariff in queries.tariffs_for({line.result_level.id for line in lines}):
        period = rules.TariffPeriod(tariff.valid_from, tariff.valid_until, tariff.amount, tariff.unit)
        periods[(tariff.result_level_id, tariff.municipality_id)].append(period)
    return periods


def _entry(line: queries.AdmittedLine) -> dict[str, Any]:
    result, level = line.result, line.result_level.level
    named = {"result_code": result.code, "result_name": result.name, "domain": line.domain.name}
    return {**named, "level": level, "unit": "per maand", "tariffs": {}}


def _no_tariff(line: queries.AdmittedLine) -> AgreementRefused:
    return AgreementRefused(
        _l(
            "Voor %(code)s niveau %(level)s in %(name)s is geen tarief vastgesteld.",
            code=line.result.code,
            level=line.result_level.level,
            name=line.municipality.name,
        )
    )


MUNICIPALITY_FIELDS = ("cbs_code", "name", "signatory_name", "signatory_function")


def _fields(party: Organisation | Municipality, names: tuple[str, ...]) -> dict[str, Any]:
    """A party as the contract names it: these of its columns, as they stand today."""
    return {name: getattr(party, name) for name in names}


def municipalities_of(content: dict[str, Any]) -> list[Municipality]:
    codes = [m["cbs_code"] for m in content["municipalities"]]
    return list(db.session.scalars(sa.select(Municipality).where(Municipality.cbs_code.in_(codes))))
