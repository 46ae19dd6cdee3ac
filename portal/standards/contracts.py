"""What a municipality's toegang and declaration systems need to make allocations (toewijzingen) without
retyping: one line per provider × product code × level of every contract in force, read from the
contracts' current versions (their frozen content) and the tender's iStandaarden codes."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypedDict

import sqlalchemy as sa

from portal.agreements import queries as agreements
from portal.extensions import db
from portal.models import (
    Agreement,
    AgreementStatus,
    AgreementVersion,
    Municipality,
    Organisation,
    Result,
    Tender,
)
from portal.monitoring import queries as monitoring_queries
from portal.standards.rules import FREQUENCY, UNIT, ReferenceLists

IN_FORCE = (AgreementStatus.ACCEPTED, AgreementStatus.SIGNED, AgreementStatus.ACTIVE)


@dataclass(frozen=True)
class ContractLine:
    municipality: str  # CBS code
    contract_number: str
    provider: str
    kvk_number: str
    agb_code: str
    tender: str
    lot: str
    result_code: str
    result_name: str
    product_category: str
    product_code: str
    level: int
    tariff: Decimal
    unit_code: str
    unit: str
    frequency_code: str
    frequency: str
    valid_from: date
    valid_until: date
    client_stop: str

    def values(self) -> list[Any]:
        return [getattr(self, f.name) for f in fields(self)]  # astuple would deep-copy every value


def client_stop_keys(now: datetime) -> set[tuple[str, str, str]]:
    """(KvK number, CBS code, result code) of every cliëntenstop in force at `now` (portal/monitoring)."""
    stops = monitoring_queries.active_client_stops(now)
    if not stops:
        return set()
    kvk = dict(db.session.execute(sa.select(Organisation.id, Organisation.kvk_number)).all())
    cbs = dict(db.session.execute(sa.select(Municipality.id, Municipality.cbs_code)).all())
    codes = dict(db.session.execute(sa.select(Result.id, Result.code)).all())
    return {(kvk[org], cbs[municipality], codes[result]) for org, municipality, result in stops}


@dataclass(frozen=True)
class InForce:
    """A contract in force: its number, tender and current version's content."""

    number: str
    tender_id: int
    tender: str
    content: dict[str, Any]


def in_force(kvk_number: str | None = None) -> list[InForce]:
    """Every accepted or signed contract's current version, in one query (one provider's with kvk_number)."""
    query = agreements.with_current_version(
        sa.select(Agreement.number, Agreement.tender_id, Tender.reference, AgreementVersion.content)
        .join(Tender, Tender.id == Agreement.tender_id)
        .where(Agreement.status.in_(IN_FORCE))
        .order_by(Agreement.number)
    )
    if kvk_number is not None:
        query = query.join(Organisation, Organisation.id == Agreement.organisation_id).where(
            Organisation.kvk_number == kvk_number
        )
    return [InForce(*row) for row in db.session.execute(query)]


def contract_lines(
    contracts: list[InForce], lists: ReferenceLists, *, municipality: str | None, now: datetime
) -> list[ContractLine]:
    """One line per contract × municipality (all, or the one CBS code) × result × level, sorted."""
    codes = _result_codes({c.tender_id for c in contracts})
    stops = client_stop_keys(now)
    lines = [
        _line(cbs, contract, lot["name"], line, codes, lists, stops)
        for contract in contracts
        for lot in contract.content["lots"]
        for line in lot["lines"]
        for cbs in sorted(line["tariffs"])
        if municipality in (None, cbs)
    ]
    return sorted(
        lines,
        key=lambda x: (x.municipality, x.provider, x.contract_number, x.product_code, x.result_code, x.level),
    )


def _result_codes(tender_ids: set[int]) -> dict[tuple[int, str], tuple[str, str, str, str]]:
    rows = db.session.execute(
        sa.select(
            Result.tender_id,
            Result.code,
            Result.product_category,
            Result.product_code,
            Result.unit,
            Result.frequency,
        ).where(Result.tender_id.in_(tender_ids))
    )
    return {(row[0], row[1]): (row[2], row[3], row[4], row[5]) for row in rows}


def _line(
    cbs: str,
    contract: InForce,
    lot: str,
    line: dict[str, Any],
    codes: dict,
    lists: ReferenceLists,
    stops: set,
) -> ContractLine:
    content, provider = contract.content, contract.content["provider"]
    return ContractLine(
        municipality=cbs,
        contract_number=contract.number,
        provider=provider["name"],
        kvk_number=provider["kvk_number"],
        agb_code=provider.get("agb_code") or "",
        tender=contract.tender,
        lot=lot,
        result_code=line["result_code"],
        result_name=line["result_name"],
        level=line["level"],
        tariff=Decimal(line["tariffs"][cbs]),
        **_codes(codes.get((contract.tender_id, line["result_code"]), ("", "", "", "")), lists),
        **_validity(content),
        client_stop="ja" if (provider["kvk_number"], cbs, line["result_code"]) in stops else "",
    )


class _Codes(TypedDict):
    product_category: str
    product_code: str
    unit_code: str
    unit: str
    frequency_code: str
    frequency: str


class _Validity(TypedDict):
    valid_from: date
    valid_until: date


def _codes(found: tuple[str, str, str, str], lists: ReferenceLists) -> _Codes:
    category, product, unit, frequency = found
    return {
        "product_category": category,
        "product_code": product,
        "unit_code": unit,
        "unit": lists.name(UNIT, unit),
        "frequency_code": frequency,
        "frequency": lists.name(FREQUENCY, frequency),
    }


def _validity(content: dict[str, Any]) -> _Validity:
    """From the last indexation (or the start of the term) to the end (or the early ending)."""
    term = content["term"]
    return {
        "valid_from": date.fromisoformat(content.get("tariffs_valid_from") or term["start"]),
        "valid_until": date.fromisoformat(term.get("ended_on") or term["end"]),
    }
