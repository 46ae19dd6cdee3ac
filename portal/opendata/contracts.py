"""Contracts as OCDS releases: per raamovereenkomst sent to an awarded provider, a release per version
(contract, contractAmendment for indexation, extension or toetreding, contractTermination) and a
contractUpdate when it is signed. No signatory, no person: the contract's number, period, lines and tariffs.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from portal.models import Agreement, AgreementVersion
from portal.opendata.queries import TenderData
from portal.opendata.releases import Release, day_end, day_start, release, stamp, supplier_id, supplier_party

# --- contracts ------------------------------------------------------------------------------------


def _number(value: str) -> float | int:
    amount = Decimal(value)
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _contract_items(content: dict[str, Any], names: dict[str, str]) -> list[dict[str, Any]]:
    items = []
    for lot in content.get("lots", []):
        for line in lot["lines"]:
            for cbs_code, amount in sorted(line["tariffs"].items()):
                items.append(
                    {
                        "id": f"{line['result_code']}-{line['level']}-{cbs_code}",
                        "description": f"{line['result_code']} {line['result_name']}, interventieniveau "
                        f"{line['level']}, {names.get(cbs_code, cbs_code)}",
                        "classification": {"scheme": "x_NMD-resultaat", "id": line["result_code"]},
                        "unit": {
                            "name": line["unit"],
                            "value": {"amount": _number(amount), "currency": "EUR"},
                        },
                    }
                )
    return items


def _contract_section(
    agreement: Agreement, version: AgreementVersion, award: str, status: str
) -> dict[str, Any]:
    content = version.content
    term = content["term"]
    end = term.get("ended_on") or term["end"]
    names = {m["cbs_code"]: m["name"] for m in content.get("municipalities", [])}
    return {
        "id": agreement.number,
        "awardID": award,
        "title": f"Raamovereenkomst {agreement.number}",
        "status": status,
        "period": {
            "startDate": day_start(date.fromisoformat(term["start"])),
            "endDate": day_end(date.fromisoformat(end)),
        },
        "items": _contract_items(content, names),
    }


def contract_releases(data: TenderData, *, awarded: dict[str, tuple[str, datetime]]) -> list[Release]:
    """Per sent contract of an awarded provider: a release per version, and one per signature."""
    found = []
    for agreement in data.agreements:
        award = awarded.get(supplier_id(agreement.organisation))
        if award is None:
            continue  # its award is not public yet
        sent = max(data.sent_at[agreement.id], award[1])
        for version in agreement.versions:
            found.extend(_version_releases(data, agreement, version, award[0], sent))
    return found


def _version_releases(
    data: TenderData, agreement: Agreement, version: AgreementVersion, award_id: str, sent: datetime
) -> list[Release]:
    """The release of one contract version, and of its signature when it was signed and not ended."""
    when = max(sent, version.created_at)
    ended = bool(version.content["term"].get("ended_on"))
    active = any(v.signed_at is not None and v.signed_at <= when for v in agreement.versions)
    section = _contract_section(
        agreement, version, award_id, "terminated" if ended else ("active" if active else "pending")
    )
    if version.version > 1:
        section["amendments"] = [_amendment(v) for v in agreement.versions[1 : version.version]]
    tag = "contract" if version.version == 1 else ("contractTermination" if ended else "contractAmendment")
    key = f"{agreement.number}-v{version.version}"
    parties = [supplier_party(agreement.organisation)]
    found = [release(data, tag, key, when, parties=parties, contracts=[section])]
    if version.signed_at is not None and not ended:
        signed = {
            "id": agreement.number,
            "awardID": award_id,
            "status": "active",
            "dateSigned": stamp(version.signed_at),
        }
        found.append(
            release(
                data, "contractUpdate", f"{key}-getekend", max(when, version.signed_at), contracts=[signed]
            )
        )
    return found


def _amendment(version: AgreementVersion) -> dict[str, Any]:
    return {
        "id": f"versie-{version.version}",
        "date": stamp(version.created_at),
        "rationale": version.reason,
        "description": version.change_summary or version.reason,
    }
