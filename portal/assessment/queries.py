"""The reads of the assessment pages: opened submissions, neutral codes, scores and results per perceel."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import abort
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
    Procedure,
    Requirement,
    RequirementCheck,
    RequirementOutcome,
    Score,
    ScoreKind,
    SubmissionStatus,
    Tender,
    User,
)


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


def _all_submissions(tender: Tender) -> list[BidSubmission]:
    return list(
        db.session.scalars(
            sa.select(BidSubmission)
            .join(Bid)
            .where(Bid.tender_id == tender.id)
            .options(selectinload(BidSubmission.bid).selectinload(Bid.organisation))
            .order_by(BidSubmission.bid_id, BidSubmission.version)
        )
    )


def _covered(submission: BidSubmission, tender: Tender, opened: list[Opening]) -> bool:
    for opening in opened:
        if opening.admission_window_id is None:
            deadline = tender.submission_deadline
            if deadline is not None and submission.submitted_at <= deadline:
                return True
            continue
        if submission.admission_window_id == opening.admission_window_id:
            return True
        window = next((w for w in tender.windows if w.id == opening.admission_window_id), None)
        if (
            submission.admission_window_id is None
            and window is not None
            and window.opens_at <= submission.submitted_at <= window.closes_at
        ):
            return True
    return False


def submissions(tender: Tender) -> list[BidSubmission]:
    """The submissions the opened vault(s) of this tender released, by order of receipt.

    Per opening (the deadline, or one admission window) the last version of each bid it covers counts,
    unless that version was withdrawn; an earlier version superseded within the same period does not.
    """
    opened = [o for o in openings(tender) if o.opened_at is not None]
    if not opened:
        return []
    found: dict[int, BidSubmission] = {}
    every = _all_submissions(tender)
    for opening in opened:
        latest: dict[int, BidSubmission] = {}  # per bid, the last version this opening covers
        for submission in every:
            if _covered(submission, tender, [opening]):
                latest[submission.bid_id] = submission
        found.update({s.id: s for s in latest.values() if s.status is SubmissionStatus.SUBMITTED})
    return sorted(found.values(), key=lambda s: (s.submitted_at, s.id))


def codes(tender: Tender) -> dict[int, str]:
    return rules.neutral_codes((s.id, s.submitted_at) for s in submissions(tender))


def submission_or_404(submission_id: int) -> BidSubmission:
    """An opened submission; anything else (unknown, not yet opened, superseded) answers 404."""
    submission = db.session.get(BidSubmission, submission_id)
    if submission is None or submission not in submissions(submission.bid.tender):
        abort(404)
    return submission


def lot_ids(submission: BidSubmission) -> list[int]:
    """The percelen of the submission, from its frozen content.

    Two shapes are read: {"lines": [{"lot_id"}]} and the bids feature's {"choice": [{"lot": {"id"}}]}.
    """
    content = submission.content or {}
    found = [line.get("lot_id") for line in content.get("lines", [])]
    found += [(line.get("lot") or {}).get("id") for line in content.get("choice", [])]
    seen: list[int] = []
    for lot_id in found:
        if lot_id is not None and lot_id not in seen:
            seen.append(lot_id)
    return seen


def lots_of(submission: BidSubmission) -> list[Lot]:
    ids = set(lot_ids(submission))
    return [lot for lot in submission.bid.tender.lots if lot.id in ids]


def applies(item: Requirement | AwardCriterion, lot_ids_: list[int]) -> bool:
    return not item.lots or any(lot.id in lot_ids_ for lot in item.lots)


def criteria_of_lot(tender: Tender, lot_id: int) -> list[AwardCriterion]:
    return [c for c in tender.criteria if not c.lots or any(lot.id == lot_id for lot in c.lots)]


def criteria_of(submission: BidSubmission) -> list[AwardCriterion]:
    ids = lot_ids(submission)
    return [c for c in submission.bid.tender.criteria if applies(c, ids)]


def requirements_of(submission: BidSubmission) -> list[Requirement]:
    ids = lot_ids(submission)
    return [r for r in submission.bid.tender.requirements if applies(r, ids)]


def answer(submission: BidSubmission, key: str, item_id: int) -> dict[str, Any]:
    """The answer as submitted (from the frozen content, never from the working copy), normalised to
    {"declaration", "text", "evidence": [{"name", "sha256"}]} whichever key names the content uses."""
    id_key = "requirement_id" if key == "requirements" else "criterion_id"
    found = next(
        (a for a in (submission.content or {}).get(key, []) if a.get(id_key, a.get("id")) == item_id), {}
    )
    text = next((found[k] for k in ("text", "explanation", "answer") if found.get(k)), "")
    return {"declaration": found.get("declaration"), "text": text, "evidence": found.get("evidence", [])}


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


def assessor_submissions(tender: Tender, user_id: int) -> list[BidSubmission]:
    """The opened submissions this assessor may see: never those of organisations he named."""
    excluded = conflicted(tender, user_id)
    return [s for s in submissions(tender) if s.bid.organisation_id not in excluded]


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
    rows = db.session.scalars(
        sa.select(RequirementCheck).where(RequirementCheck.submission_id == submission_id)
    )
    return {c.requirement_id: c for c in rows}


def clarifications(submission_id: int) -> list[Clarification]:
    return list(
        db.session.scalars(
            sa.select(Clarification)
            .where(Clarification.submission_id == submission_id)
            .order_by(Clarification.id)
        )
    )


def open_clarifications(organisation_id: int) -> list[Clarification]:
    return list(
        db.session.scalars(
            sa.select(Clarification)
            .join(BidSubmission)
            .join(Bid)
            .where(Bid.organisation_id == organisation_id, Clarification.answer.is_(None))
            .order_by(Clarification.response_deadline)
        )
    )


# --- results per perceel ------------------------------------------------------------------------


@dataclass
class LotResult:
    lot: Lot
    criteria: list[AwardCriterion]
    ranked: bool
    outcomes: list[rules.Outcome] = field(default_factory=list)
    incomplete: list[int] = field(default_factory=list)  # submissions still missing a consensus score
    submissions: dict[int, BidSubmission] = field(default_factory=dict)


def knocked_out(
    submission: BidSubmission, lot_id: int, found_checks: dict[int, RequirementCheck]
) -> tuple[int, ...]:
    tender = submission.bid.tender
    return tuple(
        r.id
        for r in tender.requirements
        if r.knockout
        and applies(r, [lot_id])
        and r.id in found_checks
        and found_checks[r.id].outcome is RequirementOutcome.NOT_MET
    )


def results(tender: Tender) -> list[LotResult]:
    """Per perceel: totals from the consensus scores, minimums, knock-outs and (aanbesteding) ranks."""
    opened = submissions(tender)
    consensus_rows = scores([s.id for s in opened], ScoreKind.CONSENSUS)
    by_pair = {(s.submission_id, s.criterion_id): s.value for s in consensus_rows}
    out = []
    for lot in tender.lots:
        criteria = criteria_of_lot(tender, lot.id)
        result = LotResult(lot=lot, criteria=criteria, ranked=tender.procedure is Procedure.TENDER)
        entries = []
        for submission in opened:
            if lot.id not in lot_ids(submission):
                continue
            result.submissions[submission.id] = submission
            excluded = knocked_out(submission, lot.id, checks(submission.id))
            values = {c.id: by_pair.get((submission.id, c.id)) for c in criteria}
            if any(v is None for v in values.values()) and not excluded:
                result.incomplete.append(submission.id)
                continue
            values = {k: (v if v is not None else Decimal(0)) for k, v in values.items()}
            entries.append(rules.Entry(submission.id, submission.submitted_at, values, excluded))
        result.outcomes = rules.assess_lot(
            entries,
            [rules.Criterion(c.id, Decimal(c.weight), c.minimum_score) for c in criteria],
            ranked=result.ranked,
            max_providers=lot.max_providers,
            tie_break=tender.tie_break_rule,
        )
        out.append(result)
    return out


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


def provider_submissions(organisation_id: int) -> list[BidSubmission]:
    """The organisation's submissions that have a sent decision."""
    return list(
        db.session.scalars(
            sa.select(BidSubmission)
            .join(Bid)
            .where(
                Bid.organisation_id == organisation_id,
                BidSubmission.id.in_(sa.select(Decision.submission_id).where(Decision.sent_at.is_not(None))),
            )
            .order_by(BidSubmission.submitted_at)
        )
    )


def tenders_for_buyer() -> list[Tender]:
    from portal.models import TenderStatus

    return list(
        db.session.scalars(
            sa.select(Tender).where(Tender.status != TenderStatus.DRAFT).order_by(Tender.reference)
        )
    )
