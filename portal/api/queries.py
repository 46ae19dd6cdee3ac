"""The API's answers as plain JSON-ready dicts, from the contracts in force (portal/standards/contracts)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.extensions import db
from portal.models import ApiToken, Municipality, Result, ResultLevel, Tariff, Tender, TenderStatus
from portal.standards import contracts, reference
from portal.standards.contracts import ContractLine, InForce


def contract_list() -> list[dict[str, Any]]:
    return [_contract(c) for c in contracts.in_force()]


def _contract(contract: InForce) -> dict[str, Any]:
    content, term = contract.content, contract.content["term"]
    provider = content["provider"]
    return {
        "number": contract.number,
        "tender": contract.tender,
        "provider": {
            "name": provider["name"],
            "kvk_number": provider["kvk_number"],
            "agb_code": provider.get("agb_code"),
        },
        "municipalities": [m["cbs_code"] for m in content["municipalities"]],
        "valid_from": term["start"],
        "valid_until": term.get("ended_on") or term["end"],
    }


def provider_products(kvk_number: str, *, now: datetime) -> list[dict[str, Any]]:
    """Every contracted product of one provider (none: no contract in force, or no such provider)."""
    found = contracts.in_force(kvk_number)
    lines = contracts.contract_lines(found, reference.lists(), municipality=None, now=now)
    return [product(line) for line in lines]


def product(line: ContractLine) -> dict[str, Any]:
    return {
        "municipality": line.municipality,
        "contract_number": line.contract_number,
        "tender": line.tender,
        "lot": line.lot,
        "result_code": line.result_code,
        "result_name": line.result_name,
        "product_category": line.product_category,
        "product_code": line.product_code,
        "level": line.level,
        "tariff": f"{line.tariff:.2f}",
        "unit": {"code": line.unit_code, "name": line.unit},
        "frequency": {"code": line.frequency_code, "name": line.frequency},
        "valid_from": line.valid_from.isoformat(),
        "valid_until": line.valid_until.isoformat(),
        "client_stop": bool(line.client_stop),
    }


def coverage(municipality: str | None, *, now: datetime) -> list[dict[str, Any]]:
    """Per municipality × result × level with a tariff in a published tender: the providers in force (0: a gap)."""
    lines = contracts.contract_lines(
        contracts.in_force(), reference.lists(), municipality=municipality, now=now
    )
    seen = {(x.municipality, x.tender, x.result_code, x.level, x.kvk_number) for x in lines}
    providers = Counter(key[:4] for key in seen)
    return [
        {
            "municipality": cbs,
            "tender": tender,
            "result_code": code,
            "product_category": category,
            "product_code": product_code,
            "level": level,
            "providers": providers[(cbs, tender, code, level)],
        }
        for cbs, tender, code, category, product_code, level in _tariffed(municipality)
    ]


def _tariffed(municipality: str | None) -> list[tuple[str, str, str, str, str, int]]:
    query = (
        sa.select(
            Municipality.cbs_code,
            Tender.reference,
            Result.code,
            Result.product_category,
            Result.product_code,
            ResultLevel.level,
        )
        .distinct()
        .join(Tariff, Tariff.municipality_id == Municipality.id)
        .join(ResultLevel, ResultLevel.id == Tariff.result_level_id)
        .join(Result, Result.id == ResultLevel.result_id)
        .join(Tender, Tender.id == Result.tender_id)
        .where(Tender.status.in_((TenderStatus.PUBLISHED, TenderStatus.CLOSED)))
        .order_by(Municipality.cbs_code, Tender.reference, Result.code, ResultLevel.level)
    )
    if municipality:
        query = query.where(Municipality.cbs_code == municipality)
    return [tuple(row) for row in db.session.execute(query)]  # type: ignore[misc]  # rows of six columns


def tokens() -> list[ApiToken]:
    """The API tokens for the administrator's page: those in use first, by name."""
    return list(
        db.session.scalars(sa.select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.name))
    )
