"""Pure decisions about contracts: term, tariffs, indexation, versions and status. No database, no Flask."""

from __future__ import annotations

import calendar
import copy
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.models.enums import AgreementStatus
from portal.refusals import DomainRefusal

CENT = Decimal("0.01")


class AgreementRefused(DomainRefusal):
    """A refused contract action; str(error) is the Dutch message for the person."""


class StaleVersion(AgreementRefused):
    pass


# --- term -------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def contract_end(start: date, months: int) -> date:
    """The last day of a term of `months` starting on `start` (1 Jan + 36 months → 31 Dec two years on)."""
    return add_months(start, months) - timedelta(days=1)


# --- tariffs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TariffPeriod:
    valid_from: date
    valid_until: date | None
    amount: Decimal
    unit: str


def tariff_on(periods: Iterable[TariffPeriod], day: date) -> TariffPeriod | None:
    """The tariff valid on `day`; when none is yet (tariffs start at the contract start), the first one after.

    Issue 7: the contract states the tariff "as in the tender at the time of the decision".
    """
    ordered = sorted(periods, key=lambda p: p.valid_from)
    valid = [p for p in ordered if p.valid_from <= day and (p.valid_until is None or p.valid_until > day)]
    if valid:
        return valid[-1]
    upcoming = [p for p in ordered if p.valid_from > day]
    return upcoming[0] if upcoming else None


def index_amount(amount: Decimal, percentage: Decimal) -> Decimal:
    """Yearly indexation: amount × (100 + percentage) / 100, rounded to cents, half up."""
    return (amount * (Decimal(100) + percentage) / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)


def indexed_content(content: dict[str, Any], percentage: Decimal, valid_from: date) -> dict[str, Any]:
    """A copy of the contract content with every tariff indexed, valid from `valid_from`."""
    result = copy.deepcopy(content)
    for lot in result["lots"]:
        for line in lot["lines"]:
            line["tariffs"] = {
                code: str(index_amount(Decimal(amount), percentage))
                for code, amount in line["tariffs"].items()
            }
    result["tariffs_valid_from"] = valid_from.isoformat()
    result["indexations"] = [
        *content.get("indexations", []),
        {"percentage": str(percentage), "from": valid_from.isoformat()},
    ]
    return result


# --- amendments -------------------------------------------------------------------------------


def extended_content(content: dict[str, Any]) -> dict[str, Any]:
    term = content["term"]
    if term["extensions_used"] >= term["extension_count"]:
        raise AgreementRefused(_l("Alle verlengingsmogelijkheden van deze overeenkomst zijn al gebruikt."))
    result = copy.deepcopy(content)
    new_end = add_months(date.fromisoformat(term["end"]) + timedelta(days=1), term["extension_months"])
    result["term"]["end"] = (new_end - timedelta(days=1)).isoformat()
    result["term"]["extensions_used"] = term["extensions_used"] + 1
    return result


def ended_content(content: dict[str, Any], end_date: date) -> dict[str, Any]:
    start = date.fromisoformat(content["term"]["start"])
    if end_date < start:
        raise AgreementRefused(_l("De einddatum ligt vóór de ingangsdatum van de overeenkomst."), "end_date")
    result = copy.deepcopy(content)
    result["term"]["ended_on"] = end_date.isoformat()
    return result


def merged_lines(
    content: dict[str, Any], fresh_lots: list[dict[str, Any]]
) -> tuple[dict[str, Any], list[str]]:
    """Add the lines of `fresh_lots` not yet in the contract (after a toetreding); existing lines keep
    their (possibly indexed) tariffs. Returns the new content and a description of what was added."""
    result = copy.deepcopy(content)
    lots = {lot["name"]: lot for lot in result["lots"]}
    added: list[str] = []
    for fresh in fresh_lots:
        lot = lots.setdefault(fresh["name"], {"name": fresh["name"], "lines": []})
        if lot not in result["lots"]:
            result["lots"].append(lot)
        added += _merge_lot(lot, fresh["lines"])
    return result, added


def _merge_lot(lot: dict[str, Any], fresh_lines: list[dict[str, Any]]) -> list[str]:
    """New lines go in whole; a known line only gets the municipalities it had no tariff for."""
    known = {(line["result_code"], line["level"]): line for line in lot["lines"]}
    added: list[str] = []
    for line in fresh_lines:
        name = f"{line['result_code']} niveau {line['level']}"
        existing = known.get((line["result_code"], line["level"]))
        if existing is None:
            lot["lines"].append(copy.deepcopy(line))
            added.append(name)
            continue
        new = {code: amount for code, amount in line["tariffs"].items() if code not in existing["tariffs"]}
        existing["tariffs"].update(new)
        added += [f"{name} ({code})" for code in new]
    lot["lines"].sort(key=lambda item: (item["result_code"], item["level"]))
    return added


# --- status -----------------------------------------------------------------------------------


def check_can_send(status: AgreementStatus) -> None:
    if status is not AgreementStatus.DRAFT:
        raise AgreementRefused(_l("Deze overeenkomst is al verzonden."))


def check_can_accept(
    status: AgreementStatus, *, is_current: bool, already_accepted: bool, has_pdf: bool
) -> None:
    if not is_current:
        raise StaleVersion(
            _l("Deze versie is niet meer de geldende versie. Lees de nieuwste versie en accepteer die.")
        )
    if already_accepted:
        raise AgreementRefused(_l("Deze versie is al geaccepteerd."))
    if status in (AgreementStatus.DRAFT, AgreementStatus.ENDED) or not has_pdf:
        raise AgreementRefused(_l("Deze overeenkomst kan nu niet worden geaccepteerd."))


def check_can_sign(*, accepted: bool, signed: bool) -> None:
    if not accepted:
        raise AgreementRefused(_l("De zorgaanbieder heeft deze versie nog niet geaccepteerd."))
    if signed:
        raise AgreementRefused(_l("De ondertekening van deze versie is al vastgelegd."))


def status_after_signature(start: date, today: date) -> AgreementStatus:
    """Signed by both: active from the contract start (immediately when the start has passed)."""
    return AgreementStatus.ACTIVE if today >= start else AgreementStatus.SIGNED


def check_can_amend(status: AgreementStatus) -> None:
    if status is AgreementStatus.ENDED:
        raise AgreementRefused(_l("Een beëindigde overeenkomst kan niet meer worden gewijzigd."))
