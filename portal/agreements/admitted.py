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
from portal.models import Municipality, Organisation, Tender


def admitted_content(tender: Tender, organisation: Organisation, number: str) -> dict[str, Any]:
    """The frozen content of a new contract; refused when the organisation was not admitted."""
    found = queries.admissions(tender.id, organisation.id)
    lines = queries.admitted_lines(found[0]) if found else []
    if not lines:
        raise AgreementRefused(_l("Deze zorgaanbieder is voor dit inkooptraject niet toegelaten."))
    decided_on = to_local(found[0].decided_at).date()
    municipalities = sorted(
        {line.municipality.id: line.municipality for line in lines}.values(), key=lambda m: m.name
    )
    start = max(tender.contract_start or decided_on, decided_on)
    end = rules.contract_end(tender.contract_start or decided_on, tender.term_months)
    return {
        "number": number,
        "tender": {
            "reference": tender.reference,
            "title": tender.title,
            "procedure": str(tender.procedure.label),
            "law": str(tender.law.label),
        },
        "provider": _provider(organisation),
        "municipalities": [_municipality(m) for m in municipalities],
        "term": {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "term_months": tender.term_months,
            "extension_count": tender.extension_count,
            "extension_months": tender.extension_months,
            "extensions_used": 0,
            "ended_on": None,
        },
        "decided_on": decided_on.isoformat(),
        "submission_id": found[0].submission_id,
        "lots": lots_content(lines, decided_on),
    }


def lots_content(lines: list[queries.AdmittedLine], decided_on: date) -> list[dict[str, Any]]:
    periods: dict[tuple[int, int], list[rules.TariffPeriod]] = defaultdict(list)
    for tariff in queries.tariffs_for({line.result_level.id for line in lines}):
        periods[(tariff.result_level_id, tariff.municipality_id)].append(
            rules.TariffPeriod(tariff.valid_from, tariff.valid_until, tariff.amount, tariff.unit)
        )
    lots: dict[int, dict[str, Any]] = {}
    for line in lines:
        lot = lots.setdefault(line.lot.id, {"name": line.lot.name, "lines": {}})
        key = (line.result.code, line.result_level.level)
        entry = lot["lines"].setdefault(
            key,
            {
                "result_code": line.result.code,
                "result_name": line.result.name,
                "domain": line.domain.name,
                "level": line.result_level.level,
                "unit": "per maand",
                "tariffs": {},
            },
        )
        period = rules.tariff_on(periods[(line.result_level.id, line.municipality.id)], decided_on)
        if period is None:
            raise AgreementRefused(
                _l(
                    "Voor %(code)s niveau %(level)s in %(name)s is geen tarief vastgesteld.",
                    code=line.result.code,
                    level=line.result_level.level,
                    name=line.municipality.name,
                )
            )
        entry["tariffs"][line.municipality.cbs_code] = str(period.amount.quantize(rules.CENT))
        entry["unit"] = period.unit
    return [{"name": lot["name"], "lines": list(lot["lines"].values())} for lot in lots.values()]


def _provider(organisation: Organisation) -> dict[str, Any]:
    return {
        "name": organisation.name,
        "kvk_number": organisation.kvk_number,
        "agb_code": organisation.agb_code,
        "street": organisation.street,
        "postcode": organisation.postcode,
        "city": organisation.city,
        "signatory_name": organisation.signatory_name,
        "signatory_function": organisation.signatory_function,
    }


def _municipality(municipality: Municipality) -> dict[str, Any]:
    return {
        "cbs_code": municipality.cbs_code,
        "name": municipality.name,
        "signatory_name": municipality.signatory_name,
        "signatory_function": municipality.signatory_function,
    }


def municipalities_of(content: dict[str, Any]) -> list[Municipality]:
    codes = [m["cbs_code"] for m in content["municipalities"]]
    return list(db.session.scalars(sa.select(Municipality).where(Municipality.cbs_code.in_(codes))))
