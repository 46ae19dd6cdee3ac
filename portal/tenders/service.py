"""State changes of a tender's set-up: validate, mutate, flush, audit. No request, no commit.

After publication the structure is frozen: every structural change raises TenderFrozen; what
changes afterwards is published as a Rectification and mailed to the organisations concerned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal import audit
from portal.extensions import db
from portal.models import (
    AdmissionWindow,
    AwardCriterion,
    Law,
    Level,
    Lot,
    Municipality,
    Procedure,
    Requirement,
    Result,
    ResultLevel,
    Tariff,
    Tender,
    TenderDocument,
    TenderStatus,
    User,
)
from portal.refusals import DomainRefusal
from portal.tenders import rules
from portal.tenders.rules import Problem, TenderDates
from portal.uploads import StoredFile


class TenderError(DomainRefusal):
    """A refusal with a Dutch message, optionally belonging to a form field."""


class TenderFrozen(TenderError):
    def __init__(self) -> None:
        super().__init__(
            _l("Dit inkooptraject is gepubliceerd en ligt vast. Wijzigen kan alleen via een rectificatie.")
        )


class InvalidInput(TenderError):
    """One or more fields are wrong; `problems` lists them."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems), problems[0].field if problems else None)
        self.problems = problems

    def by_field(self) -> list[tuple[str | None, object]]:
        return [(p.field, p.message) for p in self.problems]


class PublicationRefused(TenderError):
    def __init__(self, missing: list[object]) -> None:
        super().__init__(_l("Publiceren kan nog niet: de checklist is niet compleet."))
        self.missing = missing


@dataclass
class TenderData:
    reference: str
    title: str
    procedure: Procedure
    law: Law
    description: str = ""
    municipality_ids: list[int] = field(default_factory=list)
    publication_at: datetime | None = None
    question_deadline: datetime | None = None
    submission_deadline: datetime | None = None
    windows: list[tuple[datetime, datetime]] = field(default_factory=list)
    contract_start: date | None = None
    term_months: int = 36
    extension_count: int = 0
    extension_months: int = 12

    def dates(self) -> TenderDates:
        return TenderDates(
            procedure=self.procedure,
            publication_at=self.publication_at,
            question_deadline=self.question_deadline,
            submission_deadline=self.submission_deadline
            if self.procedure is not Procedure.OPEN_HOUSE
            else None,
            windows=tuple(self.windows) if self.procedure is Procedure.OPEN_HOUSE else (),
            contract_start=self.contract_start,
        )


def ensure_editable(tender: Tender) -> None:
    if tender.status is not TenderStatus.DRAFT:
        raise TenderFrozen


# --- the tender itself ---------------------------------------------------------------------------


def create_tender(data: TenderData, *, by: User | None) -> Tender:
    _check(data, tender_id=None)
    tender = Tender(created_by_id=getattr(by, "id", None), status=TenderStatus.DRAFT)
    _apply(tender, data)
    db.session.add(tender)
    db.session.flush()
    audit.record("tenders.create", tender, actor=by, reference=tender.reference)
    return tender


def update_tender(tender: Tender, data: TenderData, *, by: User | None) -> Tender:
    ensure_editable(tender)
    _check(data, tender_id=tender.id)
    _apply(tender, data)
    db.session.flush()
    audit.record("tenders.update", tender, actor=by)
    return tender


def _check(data: TenderData, *, tender_id: int | None) -> None:
    problems = rules.date_problems(data.dates())
    query = sa.select(Tender.id).where(Tender.reference == data.reference.strip())
    if tender_id is not None:
        query = query.where(Tender.id != tender_id)
    if db.session.scalar(query) is not None:
        problems.insert(
            0, Problem("reference", _l("Dit kenmerk is al in gebruik bij een ander inkooptraject."))
        )
    if problems:
        raise InvalidInput(problems)


def _apply(tender: Tender, data: TenderData) -> None:
    tender.reference = data.reference.strip()
    tender.title = data.title.strip()
    tender.description = data.description
    tender.procedure = data.procedure
    tender.law = data.law
    tender.municipalities = list(
        db.session.scalars(sa.select(Municipality).where(Municipality.id.in_(data.municipality_ids)))
    )
    dates = data.dates()
    tender.publication_at = dates.publication_at
    tender.question_deadline = dates.question_deadline
    tender.submission_deadline = dates.submission_deadline
    tender.windows = [AdmissionWindow(opens_at=o, closes_at=c) for o, c in dates.windows]
    tender.contract_start = data.contract_start
    tender.term_months = data.term_months
    tender.extension_count = data.extension_count
    tender.extension_months = data.extension_months


def tender_data(tender: Tender) -> TenderData:
    """The editable fields of a tender, as the form shows them."""
    return TenderData(
        reference=tender.reference,
        title=tender.title,
        procedure=tender.procedure,
        law=tender.law,
        description=tender.description,
        municipality_ids=[m.id for m in tender.municipalities],
        publication_at=tender.publication_at,
        question_deadline=tender.question_deadline,
        submission_deadline=tender.submission_deadline,
        windows=[(w.opens_at, w.closes_at) for w in tender.windows],
        contract_start=tender.contract_start,
        term_months=tender.term_months,
        extension_count=tender.extension_count,
        extension_months=tender.extension_months,
    )


def copy_tender(source: Tender, *, reference: str, title: str, by: User | None) -> Tender:
    """A new draft with everything of `source` except its dates, bids, questions and documents."""
    data = tender_data(source)
    data.reference, data.title = reference, title
    data.publication_at = data.question_deadline = data.submission_deadline = None
    data.windows, data.contract_start = [], None
    copy = create_tender(data, by=by)
    copy.copied_from_id = source.id
    copy.levels = [Level(number=lv.number, description=lv.description) for lv in source.levels]
    lots = {
        lot.id: Lot(
            name=lot.name, description=lot.description, max_providers=lot.max_providers, position=lot.position
        )
        for lot in source.lots
    }
    copy.lots = list(lots.values())
    with db.session.no_autoflush:  # the copied levels join their lots before they join the session
        for result in source.results:
            copy.results.append(_copy_result(result, lots))
    for req in source.requirements:
        copy.requirements.append(
            Requirement(
                kind=req.kind,
                text=req.text,
                answer_type=req.answer_type,
                knockout=req.knockout,
                evidence_required=req.evidence_required,
                position=req.position,
                template_id=req.template_id,
                lots=[lots[lot.id] for lot in req.lots],
            )
        )
    for crit in source.criteria:
        copy.criteria.append(
            AwardCriterion(
                question=crit.question,
                guidance=crit.guidance,
                weight=crit.weight,
                scale=list(crit.scale),
                word_limit=crit.word_limit,
                minimum_score=crit.minimum_score,
                position=crit.position,
                lots=[lots[lot.id] for lot in crit.lots],
            )
        )
    db.session.flush()
    audit.record("tenders.copy", copy, actor=by, source_id=source.id)
    return copy


def _copy_result(result: Result, lots: dict[int, Lot]) -> Result:
    copy = Result(
        domain_id=result.domain_id,
        code=result.code,
        name=result.name,
        law=result.law,
        description=result.description,
        product_code=result.product_code,
        product_category=result.product_category,
        unit=result.unit,
        frequency=result.frequency,
    )
    for rl in result.levels:
        level = ResultLevel(
            level=rl.level, description=rl.description, lot=lots.get(rl.lot_id) if rl.lot_id else None
        )
        level.tariffs = [
            Tariff(
                municipality_id=t.municipality_id,
                valid_from=t.valid_from,
                valid_until=t.valid_until,
                amount=t.amount,
                unit=t.unit,
            )
            for t in rl.tariffs
        ]
        copy.levels.append(level)
    return copy


def archive_tender(tender: Tender, *, by: User | None, now: datetime) -> None:
    tender.status = TenderStatus.ARCHIVED
    tender.archived_at = now
    db.session.flush()
    audit.record("tenders.archive", tender, actor=by)


# --- percelen and documents ------------------------------------------------------------


def add_lot(
    tender: Tender,
    *,
    name: str,
    description: str = "",
    max_providers: int | None = None,
    by: User | None = None,
) -> Lot:
    name = _check_lot_fields(tender, name, max_providers, lot_id=None)
    lot = Lot(name=name, description=description, max_providers=max_providers, position=len(tender.lots))
    tender.lots.append(lot)
    db.session.flush()
    audit.record("tenders.add_lot", lot, actor=by, tender_id=tender.id)
    return lot


def update_lot(
    lot: Lot, *, name: str, description: str = "", max_providers: int | None = None, by: User | None = None
) -> Lot:
    tender = lot.tender
    name = _check_lot_fields(tender, name, max_providers, lot_id=lot.id)
    lot.name, lot.description, lot.max_providers = name, description, max_providers
    db.session.flush()
    audit.record("tenders.update_lot", lot, actor=by, tender_id=tender.id)
    return lot


def _check_lot_fields(tender: Tender, name: str, max_providers: int | None, *, lot_id: int | None) -> str:
    """The lot's name, stripped, once it is unique in the tender and its maximum fits the procedure."""
    ensure_editable(tender)
    name = name.strip()
    if any(other.name == name and other.id != lot_id for other in tender.lots):
        raise InvalidInput([Problem("name", _l("Er is al een perceel met deze naam."))])
    if max_providers is not None and tender.procedure is not Procedure.COMPETITIVE:
        message = _l("Een maximum aantal aanbieders kan alleen bij een aanbesteding.")
        raise InvalidInput([Problem("max_providers", message)])
    return name


def check_lot(tender: Tender, lot: Lot | None) -> None:
    """A lot named for a result level, requirement or criterion must be one of this tender's."""
    if lot is not None and lot.tender_id != tender.id:
        raise InvalidInput([Problem("lot", _l("Dit perceel hoort niet bij dit inkooptraject."))])


def delete_lot(lot: Lot, *, by: User | None = None) -> None:
    ensure_editable(lot.tender)
    tender = lot.tender
    tender.lots.remove(lot)
    db.session.flush()
    audit.record("tenders.delete_lot", tender, actor=by, lot_id=lot.id)


def add_document(
    tender: Tender, stored: StoredFile, *, title: str, by: User | None = None, rectification: bool = False
) -> TenderDocument:
    """Documents belong to the set-up: after publication only as part of a rectification."""
    if not rectification:
        ensure_editable(tender)
    document = TenderDocument(
        title=title.strip() or stored.original_name,
        original_name=stored.original_name,
        stored_name=stored.stored_name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by_id=getattr(by, "id", None),
    )
    tender.documents.append(document)
    db.session.flush()
    audit.record("tenders.add_document", document, actor=by, tender_id=tender.id, sha256=stored.sha256)
    return document
