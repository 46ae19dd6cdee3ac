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
    by: User | None = None,
) -> Requirement:
    """A new requirement typed by the buyer. No lots: all lots."""
    problems = [] if text.strip() else [Problem("text", _l("Vul de tekst van de eis in."))]
    requirement = Requirement(
        kind=kind,
        text=text.strip(),
        answer_type=answer_type,
        evidence_required=evidence_required,
        knockout=knockout,
    )
    return _add(tender, tender.requirements, requirement, lots, problems, by)


def add_from_library(
    tender: Tender, template: RequirementTemplate, *, lots: list[Lot] | None = None, by: User | None = None
) -> Requirement:
    """A requirement as the library states it, linked to its template. No lots: all lots."""
    requirement = Requirement(
        kind=template.kind,
        text=template.text.strip(),
        answer_type=template.answer_type,
        evidence_required=template.evidence_required,
        knockout=template.knockout,
        template_id=template.id,
    )
    return _add(tender, tender.requirements, requirement, lots, [], by)


def delete_requirement(requirement: Requirement, *, by: User | None = None) -> None:
    tender = _remove(requirement, requirement.tender.requirements)
    audit.record("tenders.delete_requirement", tender, actor=by, requirement_id=requirement.id)


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
    criterion = AwardCriterion(
        question=question.strip(),
        guidance=guidance,
        weight=weight,
        scale=scale,
        word_limit=word_limit,
        minimum_score=minimum_score,
    )
    return _add(tender, tender.criteria, criterion, lots, _criterion_problems(criterion), by)


def _criterion_problems(criterion: AwardCriterion) -> list[Problem]:
    """The weight lies between 0 and 100, the scale has steps and the minimum score lies on it."""
    problems = []
    if not Decimal(0) <= criterion.weight <= Decimal(100):
        problems.append(Problem("weight", _l("Een weging ligt tussen 0 en 100.")))
    if not criterion.scale:
        problems.append(
            Problem("scale", _l("Geef de schaal op, bijvoorbeeld 0/2/4/6/8/10 met hun betekenis."))
        )
    scores = [Decimal(step["score"]) for step in criterion.scale]
    minimum = criterion.minimum_score
    if minimum is not None and scores and not min(scores) <= minimum <= max(scores):
        problems.append(Problem("minimum_score", _l("De minimumscore moet op de schaal liggen.")))
    return problems


def delete_criterion(criterion: AwardCriterion, *, by: User | None = None) -> None:
    tender = _remove(criterion, criterion.tender.criteria)
    audit.record("tenders.delete_criterion", tender, actor=by, criterion_id=criterion.id)


T = TypeVar("T", Requirement, AwardCriterion)
AUDIT_NAMES = {Requirement: "requirement", AwardCriterion: "criterion"}


def _add(
    tender: Tender,
    siblings: list[T],
    item: T,
    lots: list[Lot] | None,
    problems: list[Problem],
    by: User | None,
) -> T:
    """A requirement or criterion added last to its draft tender, for the lots named (none: all lots)."""
    ensure_editable(tender)
    if problems:
        raise InvalidInput(problems)
    for lot in lots or []:
        check_lot(tender, lot)
    item.lots, item.position = list(lots or []), len(siblings)
    siblings.append(item)
    db.session.flush()
    audit.record(f"tenders.add_{AUDIT_NAMES[type(item)]}", item, actor=by, tender_id=tender.id)
    return item


def _remove(item: Requirement | AwardCriterion, siblings: list[Any]) -> Tender:
    """Remove a requirement or criterion from its draft tender; returns the tender."""
    tender = item.tender
    ensure_editable(tender)
    siblings.remove(item)
    db.session.flush()
    return tender
