"""A public tender as OCDS 1.1 releases: one release per thing that happened, built from stored data.

Each release describes one event at the time it became public, so serving it again gives the same
release (same id, same content):
- tender (publication): the tender, its percelen as lots, result-levels as items, dates, documents;
- tenderAmendment (a rectification): the amendment (what, why) and documents added with it;
- tenderUpdate (a Nota van Inlichtingen): the Nota as a clarifications document;
- award (when every decision of a round has been sent): per perceel, the admitted providers as suppliers;
- contract / contractAmendment / contractTermination (per version of a raamovereenkomst that was sent)
  and contractUpdate (its signature).
Nothing about bids is released: no bid content, no rejected or withdrawn provider, no counts. Nothing
personal: no user, contact person, signatory or e-mail address; organisations by name, KvK and address.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time
from typing import Any

from flask import current_app, url_for

from portal.agreements import rules as agreement_rules
from portal.clock import AMSTERDAM
from portal.models import Organisation, Procedure, Tender
from portal.opendata.queries import SentDecision, TenderData

Release = dict[str, Any]
REGION = {"id": "NMD", "name": "Gemeenten Noord- en Midden-Drenthe"}
PROCEDURE = {
    Procedure.OPEN_HOUSE: "Open house",
    Procedure.COMPETITIVE: "Aanbesteding",
    Procedure.SUBSIDY: "Subsidie",
}


def ocid(tender: Tender) -> str:
    return f"{current_app.config['OCDS_PREFIX']}-{tender.id}"


def stamp(value: datetime) -> str:
    """A UTC time as OCDS writes it: 2026-11-02T09:00:00Z."""
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def day_start(value: date) -> str:
    return stamp(datetime.combine(value, time(0, 0), tzinfo=AMSTERDAM))


def day_end(value: date) -> str:
    return stamp(datetime.combine(value, time(23, 59, 59), tzinfo=AMSTERDAM))


def _url(endpoint: str, **values: Any) -> str:
    return current_app.config["PORTAL_BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def release(data: TenderData, tag: str, key: str, when: datetime, **sections: Any) -> Release:
    identifier = ocid(data.tender)
    return {
        "ocid": identifier,
        "id": f"{identifier}-{tag}-{key}",
        "date": stamp(when),
        "tag": [tag],
        "initiationType": "tender",
        "language": "nl",
        "buyer": dict(REGION),
        **sections,
    }


# --- the tender -----------------------------------------------------------------------------------


def published_on(tender: Tender) -> datetime:
    return max(d for d in (tender.published_at, tender.publication_at) if d is not None)


def _parties_of_tender(tender: Tender) -> list[dict[str, Any]]:
    region = {**REGION, "roles": ["buyer", "procuringEntity"]}
    municipalities = [
        {"id": m.cbs_code, "name": m.name, "roles": ["buyer"], "address": {"countryName": "Nederland"}}
        for m in tender.municipalities
    ]
    return [region, *municipalities]


def _document(tender: Tender, document: Any, kind: str, when: datetime) -> dict[str, Any]:
    return {
        "id": f"document-{document.id}",
        "documentType": kind,
        "title": document.title,
        "url": _url("tenders.download_document", tender_id=tender.id, document_id=document.id),
        "datePublished": stamp(when),
        "format": document.content_type,
        "language": "nl",
    }


def _documents_by_release(data: TenderData) -> dict[int | None, list[Any]]:
    """Documents of the publication (None) and of each rectification (its id), in upload order."""
    found: dict[int | None, list[Any]] = defaultdict(list)
    for document in sorted(data.tender.documents, key=lambda d: d.id):
        found[data.document_owner.get(document.id)].append(document)
    return found


def _period(tender: Tender) -> dict[str, str]:
    closes = [w.closes_at for w in tender.windows]
    end = tender.submission_deadline or (max(closes) if closes else None)
    period = {"startDate": stamp(published_on(tender))}
    if end is not None:
        period["endDate"] = stamp(end)
    return period


def _contract_period(tender: Tender) -> dict[str, Any] | None:
    if tender.contract_start is None:
        return None
    end = agreement_rules.contract_end(tender.contract_start, tender.term_months)
    longest = agreement_rules.contract_end(
        tender.contract_start, tender.term_months + tender.extension_count * tender.extension_months
    )
    return {
        "startDate": day_start(tender.contract_start),
        "endDate": day_end(end),
        "maxExtentDate": day_end(longest),
    }


def _items(tender: Tender) -> list[dict[str, Any]]:
    items = []
    for result in tender.results:
        for result_level in result.levels:
            item: dict[str, Any] = {
                "id": f"resultaat-{result.code}-niveau-{result_level.level}",
                "description": f"{result.code} {result.name}, interventieniveau {result_level.level}",
                "classification": {
                    "scheme": "x_NMD-resultaat",
                    "id": result.code,
                    "description": result.name,
                },
            }
            codes = _istandaarden(result)
            if codes:
                item["additionalClassifications"] = codes
            units = {t.unit for t in result_level.tariffs}
            if len(units) == 1:
                item["unit"] = {"name": units.pop()}
            if result_level.lot_id is not None:
                item["relatedLot"] = str(result_level.lot_id)
            items.append(item)
    return items


def tender_release(data: TenderData) -> Release:
    tender = data.tender
    section: dict[str, Any] = {
        "id": tender.reference,
        "title": tender.title,
        "description": tender.description or None,
        "status": "active",
        "procurementMethod": "open",
        "procurementMethodDetails": PROCEDURE[tender.procedure],
        "mainProcurementCategory": "services",
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": _period(tender),
        "items": _items(tender),
        "lots": [_lot(lot) for lot in tender.lots],
        "documents": [
            _document(tender, d, "biddingDocuments", published_on(tender))
            for d in _documents_by_release(data)[None]
        ],
    }
    section["enquiryPeriod"] = _enquiry_period(tender)
    section["contractPeriod"] = _contract_period(tender)
    section = {k: v for k, v in section.items() if v not in (None, [])}
    return release(
        data,
        "tender",
        stamp(published_on(tender)),
        published_on(tender),
        parties=_parties_of_tender(tender),
        tender=section,
    )


def _lot(lot: Any) -> dict[str, Any]:
    return {"id": str(lot.id), "title": lot.name, "description": lot.description or None, "status": "active"}


def _enquiry_period(tender: Any) -> dict[str, str] | None:
    if tender.question_deadline is None:
        return None
    return {"startDate": stamp(published_on(tender)), "endDate": stamp(tender.question_deadline)}


def rectification_release(data: TenderData, rectification: Any) -> Release:
    when = rectification.published_at
    section = {
        "id": data.tender.reference,
        "amendments": [
            {
                "id": f"rectificatie-{rectification.id}",
                "date": stamp(when),
                "rationale": rectification.why,
                "description": rectification.what,
            }
        ],
        "documents": [
            _document(data.tender, d, "clarifications", when)
            for d in _documents_by_release(data)[rectification.id]
        ],
    }
    if not section["documents"]:
        del section["documents"]
    return release(data, "tenderAmendment", f"rectificatie-{rectification.id}", when, tender=section)


def nota_release(data: TenderData, nota: Any) -> Release:
    document = {
        "id": f"nota-{nota.number}",
        "documentType": "clarifications",
        "title": f"Nota van Inlichtingen {nota.number}",
        "url": _url("tenders.nota_pdf", tender_id=data.tender.id, number=nota.number),
        "datePublished": stamp(nota.published_at),
        "format": "application/pdf",
        "language": "nl",
    }
    section = {"id": data.tender.reference, "documents": [document]}
    return release(data, "tenderUpdate", f"nota-{nota.number}", nota.published_at, tender=section)


# --- awards ---------------------------------------------------------------------------------------


def supplier_id(organisation: Organisation) -> str:
    return f"NL-KVK-{organisation.kvk_number}"


def supplier_party(organisation: Organisation) -> dict[str, Any]:
    """An organisation as a party: name, KvK and address; never a person."""
    return {
        "id": supplier_id(organisation),
        "name": organisation.name,
        "identifier": {"scheme": "NL-KVK", "id": organisation.kvk_number, "legalName": organisation.name},
        "address": {
            "streetAddress": organisation.street,
            "postalCode": organisation.postcode,
            "locality": organisation.city,
            "countryName": "Nederland",
        },
        "roles": ["supplier"],
    }


def award_id(lot_id: int, window_id: int | None) -> str:
    return f"perceel-{lot_id}" + (f"-ronde-{window_id}" if window_id is not None else "")


def _rounds(decisions: list[SentDecision]) -> dict[int | None, list[SentDecision]]:
    found: dict[int | None, list[SentDecision]] = defaultdict(list)
    for decision in decisions:
        found[decision.window_id].append(decision)
    return found


def award_releases(data: TenderData) -> list[Release]:
    """One award release per round (the tender, or an admission window) once all its decisions are sent."""
    found = []
    for window_id, decisions in _rounds(data.decisions).items():
        if any(d.sent_at is None for d in decisions):
            continue  # not every provider has been told yet: nothing is published
        when = max(d.sent_at for d in decisions if d.sent_at is not None)
        awards, parties = _round_awards(data, window_id, decisions, when)
        if awards:
            key = "ronde-" + (str(window_id) if window_id is not None else "0")
            sections: dict[str, Any] = {"parties": list(parties.values()), "awards": awards}
            if data.tender.procedure is not Procedure.OPEN_HOUSE:  # open house stays open for toetreding
                sections["tender"] = {"id": data.tender.reference, "status": "complete"}
            found.append(release(data, "award", key, when, **sections))
    return found


def _round_awards(
    data: TenderData, window_id: int | None, decisions: list[Any], when: datetime
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Per perceel with an admission in the round: its award, and the admitted providers as parties."""
    lots = {lot.id: lot for lot in data.tender.lots}
    awards, parties = [], {}
    for lot_id in sorted({d.lot_id for d in decisions if d.admitted}):
        admitted = {d.organisation.id: d.organisation for d in decisions if d.admitted and d.lot_id == lot_id}
        suppliers = sorted(admitted.values(), key=lambda o: o.kvk_number)
        parties.update({supplier_id(o): supplier_party(o) for o in suppliers})
        awards.append(
            {
                "id": award_id(lot_id, window_id),
                "title": f"Toelating {lots[lot_id].name}",
                "status": "active",
                "date": stamp(when),
                "relatedLots": [str(lot_id)],
                "suppliers": [{"id": supplier_id(o), "name": o.name} for o in suppliers],
            }
        )
    return awards, parties


def awarded_organisations(awards: list[Release]) -> dict[str, tuple[str, datetime]]:
    """KvK party id → (the first award naming it, when that award was released)."""
    found: dict[str, tuple[str, datetime]] = {}
    for release in sorted(awards, key=lambda r: r["date"]):
        for award in release["awards"]:
            for supplier in award["suppliers"]:
                found.setdefault(supplier["id"], (award["id"], datetime.fromisoformat(release["date"])))
    return found


def _istandaarden(result: Any) -> list[dict[str, str]]:
    """The iWmo/iJw codes of a result (portal/standards): its productcategorie and productcode."""
    codes = [
        ("x_iStandaarden-productcategorie", result.product_category),
        ("x_iStandaarden", result.product_code),
    ]
    return [{"scheme": scheme, "id": value} for scheme, value in codes if value]
