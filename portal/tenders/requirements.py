"""A tender's requirements (eisen, from the library or typed) and award criteria (gunningscriteria)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from flask_babel import lazy_gettext as _l

from portal import audit
from portal.extensions import db
from portal.models import (
    AnswerType,
    AwardCriterion,
    Lot,
    Requirement,
    RequirementKind,
    RequirementTemplate,
    Tender,
    User,
)
from portal.tenders.rules import Problem
from portal.tenders.service import InvalidInput, check_lot, ensure_editable


def add_requirement(
    tender: Tender,
    *,
    kind: RequirementKind,
    text: str,
    answer_type: AnswerType,
    evidence_required: bool = False,
    knockout: bool = False,
    lots: list[Lot] | None = None,
    template: RequirementTemplate | None = None,
    by: User | None = None,
) -> Requirement:
    """A new requirement; with `template` its fields come from the library. No lots: all lots."""
    ensure_editable(tender)
    for lot in lots or []:
        check_lot(tender, lot)
    if template is not None:
        kind, text, answer_type = template.kind, template.text, template.answer_type
        evidence_required, knockout = template.evidence_required, template.knockout
    if not text.strip():
        raise InvalidInput([Problem("text", _l("Vul de tekst van de eis in."))])
    requirement = Requirement(
        kind=kind,
        text=text.strip(),
        answer_type=answer_type,
        evidence_required=evidence_required,
        knockout=knockout,
        lots=list(lots or []),
        position=len(tender.requirements),
        template_id=getattr(template, "id", None),
    )
    tender.requirements.append(requirement)
    return _added("requirement", requirement, tender, by)


def delete_requirement(requirement: Requirement, *, by: User | None = None) -> None:
    _delete("requirement", requirement, requirement.tender.requirements, by)


def add_criterion(
    tender: Tender,
    *,
    question: str,
    weight: Decimal,
    scale: list[dict[str, str]],
    guidance: str = "",
    word_limit: int | None = None,
    minimum_score: Decimal | None = None,
    lots: list[Lot] | None = None,
    by: User | None = None,
) -> AwardCriterion:
    ensure_editable(tender)
    problems = []
    if not Decimal(0) <= weight <= Decimal(100):
        problems.append(Problem("weight", _l("Een weging ligt tussen 0 en 100.")))
    if not scale:
        problems.append(
            Problem("scale", _l("Geef de schaal op, bijvoorbeeld 0/2/4/6/8/10 met hun betekenis."))
        )
    scores = [Decimal(step["score"]) for step in scale]
    if minimum_score is not None and scores and not min(scores) <= minimum_score <= max(scores):
        problems.append(Problem("minimum_score", _l("De minimumscore moet op de schaal liggen.")))
    if problems:
        raise InvalidInput(problems)
    for lot in lots or []:
        check_lot(tender, lot)
    criterion = AwardCriterion(
        question=question.strip(),
        guidance=guidance,
        weight=weight,
        scale=scale,
        word_limit=word_limit,
        minimum_score=minimum_score,
        lots=list(lots or []),
        position=len(tender.criteria),
    )
    tender.criteria.append(criterion)
    return _added("criterion", criterion, tender, by)


def delete_criterion(criterion: AwardCriterion, *, by: User | None = None) -> None:
    _delete("criterion", criterion, criterion.tender.criteria, by)


T = TypeVar("T", Requirement, AwardCriterion)


def _added(kind: str, item: T, tender: Tender, by: User | None) -> T:
    db.session.flush()
    audit.record(f"tenders.add_{kind}", item, actor=by, tender_id=tender.id)
    return item


def _delete(kind: str, item: Requirement | AwardCriterion, siblings: list[Any], by: User | None) -> None:
    """Remove a requirement or criterion from its draft tender; the audit names it by its id."""
    tender = item.tender
    ensure_editable(tender)
    siblings.remove(item)
    db.session.flush()
    audit.record(f"tenders.delete_{kind}", tender, actor=by, **{f"{kind}_id": item.id})
