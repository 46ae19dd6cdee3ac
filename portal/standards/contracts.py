"""What a municipality's toegang and declaration systems need to make allocations (toewijzingen) without
retyping: one line per provider × product code × level of every contract in force, read from the
contracts' current versions (their frozen content) and the tender's iStandaarden codes."""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from portal.agreements import queries as agreements
from portal.extensions import db
from portal.models import AgreementStatus, Municipality, Result
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
        return list(astuple(self))


def client_stop_keys(now: datetime) -> set[tuple[str, str, str]]:
    """HOOK for issue 15's cliëntenstop: (KvK number, CBS code, result code) of every stop in force at
    `now`. Issue 15 builds `portal.monitoring.queries.active_client_stops(now=...)`; it is not on this
    branch, so no line shows a stop yet. Wire it here, and only here, when it is merged."""
    return set()


def contract_lines(municipality: Municipality, lists: ReferenceLists, *, now: datetime) -> list[ContractLine]:
    """Every line of every contract in force with a tariff in this municipality, by provider and code."""
    register = agreements.register(
        agreements.RegisterFilter(municipality_code=municipality.cbs_code), with_content=True
    )
    in_force = [row for row in register if row.agreement.status in IN_FORCE]
    codes = _result_codes({row.agreement.tender_id for row in in_force})
    stops = client_stop_keys(now)
    lines = [
        _line(municipality.cbs_code, row, lot["name"], line, codes, lists, stops)
        for row in in_force
        for lot in row.content["lots"]
        for line in lot["lines"]
        if municipality.cbs_code in line["tariffs"]
    ]
    return sorted(
        lines, key=lambda x: (x.provider, x.contract_number, x.product_code, x.result_code, x.level)
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
    return {
        (tender_id, code): (category, product, unit, frequency)
        for tender_id, code, category, product, unit, frequency in rows
    }


def _line(
    cbs: str, row: Any, lot: str, line: dict[str, Any], codes: dict, lists: ReferenceLists, stops: set
) -> ContractLine:
    content = row.content
    category, product, unit, frequency = codes.get(
        (row.agreement.tender_id, line["result_code"]), ("", "", "", "")
    )
    provider = content["provider"]
    term = content["term"]
    return ContractLine(
        municipality=cbs,
        contract_number=row.agreement.number,
        provider=provider["name"],
        kvk_number=provider["kvk_number"],
        agb_code=provider.get("agb_code") or "",
        tender=row.tender_reference,
        lot=lot,
        result_code=line["result_code"],
        result_name=line["result_name"],
        product_category=category,
        product_code=product,
        level=line["level"],
        tariff=Decimal(line["tariffs"][cbs]),
        unit_code=unit,
        unit=lists.name(UNIT, unit),
        frequency_code=frequency,
        frequency=lists.name(FREQUENCY, frequency),
        valid_from=date.fromisoformat(content.get("tariffs_valid_from") or term["start"]),
        valid_until=date.fromisoformat(term.get("ended_on") or term["end"]),
        client_stop="ja" if (provider["kvk_number"], cbs, line["result_code"]) in stops else "",
    )
