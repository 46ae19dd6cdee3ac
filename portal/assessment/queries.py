"""The plain reads of the assessment: openings, what applies to a submission, assessors, scores,
requirement checks, clarifications and decisions. Which submissions an opening released is opened.py;
the results per perceel are results.py."""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.assessment import rules
from portal.extensions import db
from portal.models import (
    AssessorAppointment,
    AwardCriterion,
    Bid,
    BidSubmission,
    Clarification,
    ConflictDeclaration,
    Decision,
    Lot,
    Opening,
    Requirement,
    RequirementCheck,
    RequirementOutcome,
    Score,
    ScoreKind,
    Tender,
    User,
)

T = TypeVar("T")


def record(model: type[T], record_id: int | None) -> T | None:
    """One record by id (None when there is none): the routes' only way to load by id."""
    return db.session.get(model, record_id) if record_id else None


def record_or_404(model: type[T], record_id: int) -> T:
    return db.get_or_404(model, record_id)


def lock_tender(tender: Tender) -> None:
    """Serialise opening and sending per tender (a row lock on PostgreSQL; SQLite writes one at a time)."""
    db.session.execute(sa.select(Tender.id).where(Tender.id == tender.id).with_for_update())


def openings(tender: Tender) -> list[Opening]:
    return list(
        db.session.scalars(sa.select(Opening).where(Opening.tender_id == tender.id).order_by(Opening.id))
    )


def pending_opening(tender: Tender, window_id: int | None) -> Opening | None:
    return db.session.scalar(
        sa.select(Opening)
        .where(
            Opening.tender_id == tender.id,
            Opening.admission_window_id.is_(None)
            if window_id is None
            else Opening.admission_window_id == window_id,
        )
        .execution_options(populate_existing=True)
    )


def is_opened(tender: Tender) -> bool:
    return any(o.opened_at is not None for o in openings(tender))


def lot_ids(submission: BidSubmission | sa.Row) -> list[int]:
    """The percelen of the submission, as derived from its frozen content when it was stored."""
    return list(submission.lot_ids or [])


def with_criteria(tender: Tender) -> Tender:
    """The tender with its criteria and their percelen loaded (no query per criterion)."""
    return db.session.scalars(
        sa.select(Tender)
        .where(Tender.id == tender.id)
        .options(selectinload(Tender.criteria).selectinload(AwardCriterion.lots))
    ).one()


def lots_of(submission: BidSubmission) -> list[Lot]:
    ids = set(lot_ids(submission))
    return [lot for lot in submission.bid.tender.lots if lot.id in ids]


def criteria_of_lot(tender: Tender, lot_id: int) -> list[AwardCriterion]:
    return [c for c in tender.criteria if rules.applies(c, [lot_id])]


def criteria_of(submission: BidSubmission) -> list[AwardCriterion]:
    ids = lot_ids(submission)
    return [c for c in submission.bid.tender.criteria if rules.applies(c, ids)]


def requirements_of(submission: BidSubmission | sa.Row, tender: Tender | None = None) -> list[Requirement]:
    """The requirements that apply to the submission's percelen (`tender` given: `submission` may be a row)."""
    ids = lot_ids(submission)
    return [r for r in (tender or submission.bid.tender).requirements if rules.applies(r, ids)]


# --- assessors ----------------------------------------------------------------------------------


def appointments(tender: Tender) -> list[AssessorAppointment]:
    return list(
        db.session.scalars(
            sa.select(AssessorAppointment)
            .where(AssessorAppointment.tender_id == tender.id)
            .order_by(AssessorAppointment.id)
        )
    )


def declaration(tender_id: int, user_id: int) -> ConflictDeclaration | None:
    return db.session.scalar(
        sa.select(ConflictDeclaration)
        .where(ConflictDeclaration.tender_id == tender_id, ConflictDeclaration.user_id == user_id)
        .options(selectinload(ConflictDeclaration.organisations))
    )


def declarations(tender: Tender) -> dict[int, ConflictDeclaration]:
    rows = db.session.scalars(
        sa.select(ConflictDeclaration)
        .where(ConflictDeclaration.tender_id == tender.id)
        .options(selectinload(ConflictDeclaration.organisations))
    )
    return {d.user_id: d for d in rows}


def assessor_tenders(user: User) -> list[Tender]:
    ids = sa.select(AssessorAppointment.tender_id).where(AssessorAppointment.user_id == user.id)
    return list(db.session.scalars(sa.select(Tender).where(Tender.id.in_(ids)).order_by(Tender.reference)))


def assessor_criteria(tender: Tender, user_id: int) -> list[AwardCriterion]:
    rows = [a for a in appointments(tender) if a.user_id == user_id]
    if any(a.criterion_id is None for a in rows):
        return list(tender.criteria)
    wanted = {a.criterion_id for a in rows}
    return [c for c in tender.criteria if c.id in wanted]


def conflicted(tender: Tender, user_id: int) -> set[int]:
    found = declaration(tender.id, user_id)
    return {o.id for o in found.organisations} if found else set()


def required_assessors(submission: BidSubmission, criterion: AwardCriterion) -> set[int]:
    """Appointed for this criterion and not conflicted with this organisation: whose score is needed."""
    tender = submission.bid.tender
    decls = declarations(tender)
    needed = set()
    for appointment in appointments(tender):
        if appointment.criterion_id not in (None, criterion.id):
            continue
        named = (
            {o.id for o in decls[appointment.user_id].organisations}
            if appointment.user_id in decls
            else set()
        )
        if submission.bid.organisation_id not in named:
            needed.add(appointment.user_id)
    return needed


def scores(submission_ids: list[int], kind: ScoreKind) -> list[Score]:
    if not submission_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Score)
            .where(Score.submission_id.in_(submission_ids), Score.kind == kind)
            .order_by(Score.submitted_at, Score.id)
        )
    )


def individual_scores(submission_id: int, criterion_id: int) -> list[Score]:
    return [s for s in scores([submission_id], ScoreKind.INDIVIDUAL) if s.criterion_id == criterion_id]


def consensus(submission_id: int, criterion_id: int) -> Score | None:
    return db.session.scalar(
        sa.select(Score).where(
            Score.submission_id == submission_id,
            Score.criterion_id == criterion_id,
            Score.kind == ScoreKind.CONSENSUS,
        )
    )


def complete(submission: BidSubmission, criterion: AwardCriterion) -> bool:
    needed = required_assessors(submission, criterion)
    given = {s.assessor_id for s in individual_scores(submission.id, criterion.id)}
    return bool(needed) and needed <= given


# --- requirement checks and clarifications ------------------------------------------------------


def checks(submission_id: int) -> dict[int, RequirementCheck]:
    return checks_of([submission_id]).get(submission_id, {})


def checks_of(
    submission_ids: list[int], outcome: RequirementOutcome | None = None
) -> dict[int, dict[int, RequirementCheck]]:
    """Per submission its checks (of one outcome, or all) by requirement id, in one query."""
    found: dict[int, dict[int, RequirementCheck]] = {}
    if not submission_ids:
        return found
    query = sa.select(RequirementCheck).where(RequirementCheck.submission_id.in_(submission_ids))
    if outcome is not None:
        query = query.where(RequirementCheck.outcome == outcome)
    rows = db.session.scalars(query)
    for check in rows:
        found.setdefault(check.submission_id, {})[check.requirement_id] = check
    return found


def check_states(submission_ids: list[int]) -> dict[int, dict[int, rules.CheckState]]:
    """Per submission, requirement id → its check's outcome and whether it is an unconfirmed proposal."""
    found: dict[int, dict[int, rules.CheckState]] = {}
    if submission_ids:
        query = sa.select(
            RequirementCheck.submission_id,
            RequirementCheck.requirement_id,
            RequirementCheck.outcome,
            RequirementCheck.proposed,
        ).where(RequirementCheck.submission_id.in_(submission_ids))
        for submission_id, requirement_id, outcome, proposed in db.session.execute(query):
            found.setdefault(submission_id, {})[requirement_id] = rules.CheckState(outcome.value, proposed)
    return found


def consensus_values(submission_ids: list[int]) -> dict[tuple[int, int], Decimal]:
    """(submission, criterion) → consensus score, without loading Score objects."""
    if not submission_ids:
        return {}
    rows = db.session.execute(
        sa.select(Score.submission_id, Score.criterion_id, Score.value).where(
            Score.submission_id.in_(submission_ids), Score.kind == ScoreKind.CONSENSUS
        )
    )
    return {(submission_id, criterion_id): value for submission_id, criterion_id, value in rows}


def clarifications(submission_id: int) -> list[Clarification]:
    return list(
        db.session.scalars(
            sa.select(Clarification)
            .where(Clarification.submission_id == submission_id)
            .order_by(Clarification.id)
        )
    )


def decisions(tender: Tender) -> list[Decision]:
    return list(
        db.session.scalars(
            sa.select(Decision)
            .join(BidSubmission)
            .join(Bid)
            .where(Bid.tender_id == tender.id)
            .order_by(Decision.lot_id, Decision.id)
            .execution_options(populate_existing=True)
        )
    )


def decisions_of(submission: BidSubmission, *, sent_only: bool = False) -> list[Decision]:
    query = sa.select(Decision).where(Decision.submission_id == submission.id)
    if sent_only:
        query = query.where(Decision.sent_at.is_not(None))
    return list(db.session.scalars(query.order_by(Decision.lot_id)))


def tenders_for_buyer() -> list[Tender]:
    from portal.models import TenderStatus

    return list(
        db.session.scalars(
            sa.select(Tender).where(Tender.status != TenderStatus.DRAFT).order_by(Tender.reference)
        )
    )
