"""The reads of the assessment pages: opened submissions, neutral codes, scores and results per perceel."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import abort, g, has_request_context
from sqlalchemy.orm import defer, selectinload

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
    Organisation,
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


def _all_rows(tender: Tender) -> list[sa.Row]:
    """Every submission of the tender as the few columns the opening rules and the result lists read
    (no content, no ORM objects)."""
    return list(
        db.session.execute(
            sa.select(
                BidSubmission.id,
                BidSubmission.bid_id,
                BidSubmission.status,
                BidSubmission.submitted_at,
                BidSubmission.admission_window_id,
                BidSubmission.lot_ids,
                Bid.organisation_id,
                Organisation.name.label("organisation_name"),
            )
            .join(Bid, Bid.id == BidSubmission.bid_id)
            .join(Organisation, Organisation.id == Bid.organisation_id)
            .where(Bid.tender_id == tender.id)
            .order_by(BidSubmission.bid_id, BidSubmission.version)
        )
    )


def _covered(submission: sa.Row, tender: Tender, opened: list[Opening]) -> bool:
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
    Loaded with bid and organisation, without the content (~90 kB each, read for one submission only).
    """
    return _memo("opened_submissions", tender, _load_opened)


def _load_opened(tender: Tender) -> list[BidSubmission]:
    ids = [row.id for row in opened_rows(tender)]
    if not ids:
        return []
    found = db.session.scalars(
        sa.select(BidSubmission)
        .where(BidSubmission.id.in_(ids))
        .options(defer(BidSubmission.content), selectinload(BidSubmission.bid).selectinload(Bid.organisation))
    )
    by_id = {s.id: s for s in found}
    return [by_id[i] for i in ids]


def opened_rows(tender: Tender) -> list[sa.Row]:
    """What `submissions` returns, as rows of (id, bid_id, status, submitted_at, admission_window_id,
    lot_ids, organisation_id, organisation_name)."""
    return _memo("opened_rows", tender, _opened_rows)


def _memo(key: str, tender: Tender, load: Any) -> Any:
    """Within a request each list is made once per tender (a page asks for it, and for the codes, often);
    opening the vault forgets them (service.confirm_opening)."""
    if not has_request_context():
        return load(tender)
    memo = g.setdefault(key, {})
    if tender.id not in memo:
        memo[tender.id] = load(tender)
    return memo[tender.id]


def forget_submissions() -> None:
    if has_request_context():
        g.pop("opened_rows", None)
        g.pop("opened_submissions", None)


def _opened_rows(tender: Tender) -> list[sa.Row]:
    opened = [o for o in openings(tender) if o.opened_at is not None]
    if not opened:
        return []
    found: dict[int, sa.Row] = {}
    every = _all_rows(tender)
    for opening in opened:
        latest: dict[int, sa.Row] = {}  # per bid, the last version this opening covers
        for row in every:
            if _covered(row, tender, [opening]):
                latest[row.bid_id] = row
        found.update({r.id: r for r in latest.values() if r.status is SubmissionStatus.SUBMITTED})
    return sorted(found.values(), key=lambda r: (r.submitted_at, r.id))


def codes(tender: Tender) -> dict[int, str]:
    return rules.neutral_codes((r.id, r.submitted_at) for r in opened_rows(tender))


def submission_or_404(submission_id: int) -> BidSubmission:
    """An opened submission; anything else (unknown, not yet opened, superseded) answers 404."""
    submission = db.session.get(BidSubmission, submission_id)
    if submission is None or submission.id not in {r.id for r in opened_rows(submission.bid.tender)}:
        abort(404)
    return submission


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


def bids_per_lot(tender: Tender) -> dict[int, int]:
    """Perceel id → how many opened submissions chose it."""
    counts = {lot.id: 0 for lot in tender.lots}
    for submission in opened_rows(tender):
        for lot_id in lot_ids(submission):
            if lot_id in counts:
                counts[lot_id] += 1
    return counts


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


def requirements_of(submission: BidSubmission, tender: Tender | None = None) -> list[Requirement]:
    """The requirements that apply to the submission's percelen (`tender` given: `submission` may be a row)."""
    ids = lot_ids(submission)
    return [r for r in (tender or submission.bid.tender).requirements if applies(r, ids)]


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


def settled_requirements(submission_ids: list[int]) -> dict[int, set[int]]:
    """Per submission the requirements checked as met or not met (a clarification is not settled)."""
    found: dict[int, set[int]] = {}
    if submission_ids:
        rows = db.session.execute(
            sa.select(RequirementCheck.submission_id, RequirementCheck.requirement_id).where(
                RequirementCheck.submission_id.in_(submission_ids),
                RequirementCheck.outcome != RequirementOutcome.CLARIFICATION,
            )
        )
        for submission_id, requirement_id in rows:
            found.setdefault(submission_id, set()).add(requirement_id)
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
    submissions: dict[int, sa.Row] = field(default_factory=dict)  # opened_rows of this perceel
    not_met: dict[int, dict[int, RequirementCheck]] = field(default_factory=dict)  # per submission
    consensus: dict[tuple[int, int], Decimal] = field(default_factory=dict)  # (submission, criterion)


def knocked_out(tender: Tender, lot_id: int, found_checks: dict[int, RequirementCheck]) -> tuple[int, ...]:
    """The knock-out requirements of this perceel that the submission's checks found not met."""
    if not found_checks:
        return ()
    return tuple(
        r.id
        for r in tender.requirements
        if r.knockout
        and applies(r, [lot_id])
        and r.id in found_checks
        and found_checks[r.id].outcome is RequirementOutcome.NOT_MET
    )


def results(tender: Tender, only_lot_id: int | None = None) -> list[LotResult]:
    """Per perceel (or the one perceel asked): totals from the consensus scores, minimums, knock-outs
    and (aanbesteding) ranks."""
    opened = opened_rows(tender)
    ids = [s.id for s in opened]
    by_pair = consensus_values(ids)
    not_met = checks_of(ids, RequirementOutcome.NOT_MET)  # only a knock-out not met excludes
    lots_of_submission = {s.id: set(lot_ids(s)) for s in opened}
    out = []
    for lot in tender.lots:
        if only_lot_id is not None and lot.id != only_lot_id:
            continue
        criteria = criteria_of_lot(tender, lot.id)
        result = LotResult(
            lot=lot, criteria=criteria, ranked=tender.procedure is Procedure.TENDER, not_met=not_met,
            consensus=by_pair,
        )  # fmt: skip
        entries = []
        for submission in opened:
            if lot.id not in lots_of_submission[submission.id]:
                continue
            result.submissions[submission.id] = submission
            excluded = knocked_out(tender, lot.id, not_met.get(submission.id, {}))
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
