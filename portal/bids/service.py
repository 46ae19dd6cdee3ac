"""State changes of a bid: start, save each section (optimistic locking), evidence, submit, withdraw.

Services validate, mutate, flush and audit; they never commit (the request boundary does).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from portal import audit
from portal.bids import canonical, queries, rules
from portal.extensions import db
from portal.models import (
    AwardCriterion,
    Bid,
    BidLine,
    BidStatus,
    BidSubmission,
    Organisation,
    Requirement,
    SubmissionStatus,
    Tender,
    TenderStatus,
    User,
)

# --- start -------------------------------------------------------------------------------------------


def start_bid(tender: Tender, organisation: Organisation, user: User, *, now: datetime) -> Bid:
    """The organisation's bid on this tender; created once (the unique constraint is the guard)."""
    existing = _find_bid(tender.id, organisation.id)
    if existing is not None:
        return existing
    if tender.status is not TenderStatus.PUBLISHED:
        raise rules.DeadlinePassed(_l("Op dit inkooptraject kan niet (meer) worden ingeschreven."))
    rules.check_open(tender, now=now)
    bid = Bid(tender=tender, organisation=organisation, updated_at=now, updated_by_id=user.id, created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(bid)
    except IntegrityError:
        found = _find_bid(tender.id, organisation.id)
        assert found is not None
        return found
    audit.record("bids.start", bid, tender_id=tender.id)
    return bid


def _find_bid(tender_id: int, organisation_id: int) -> Bid | None:
    return db.session.scalar(
        sa.select(Bid).where(Bid.tender_id == tender_id, Bid.organisation_id == organisation_id)
    )


def ensure_editable(bid: Bid, *, now: datetime) -> rules.Period:
    """Refuse changes to a submitted bid (immutable) and after the deadline."""
    period = rules.check_open(bid.tender, now=now)
    if bid.status is BidStatus.SUBMITTED and not _may_extend(bid, period):
        raise rules.BidLocked(
            _l("Deze inschrijving is ingediend en kan niet meer worden gewijzigd. Trek haar eerst in.")
        )
    return period


def _may_extend(bid: Bid, period: rules.Period) -> bool:
    """Open house: a bid submitted in an earlier admission window may be extended in a later one."""
    latest = latest_submission(bid)
    window_id = period.window.id if period.window is not None else None
    return rules.may_extend(bid.tender.procedure, latest.admission_window_id if latest else None, window_id)


# --- choice ---------------------------------------------------------------------------------------


def save_choice(bid: Bid, pairs: set[tuple[int, int]], *, version: int, user: User, now: datetime) -> None:
    """Replace the bid's choice; refused (nothing saved) for foreign ids or a stale version."""
    ensure_editable(bid, now=now)
    offer = queries.offerable(bid.tender)
    chosen = rules.validate_choice(offer, pairs)
    claim = sa.update(Bid).where(Bid.id == bid.id, Bid.choice_version == version)
    claim = claim.values(choice_version=version + 1, updated_at=now, updated_by_id=user.id)
    if affected_rows(claim.execution_options(synchronize_session=False)) != 1:
        db.session.refresh(bid)
        raise rules.StaleEdit(
            queries.user_name(bid.updated_by_id), bid.updated_at, queries.chosen_pairs(bid.id), chosen
        )
    _replace_lines(bid, offer, chosen)
    db.session.refresh(bid, ["choice_version", "updated_at", "updated_by_id"])
    audit.record("bids.save_choice", bid, lines=len(chosen), version=bid.choice_version)


def _replace_lines(bid: Bid, offer: rules.Offerable, chosen: set[tuple[int, int]]) -> None:
    """Delete the lines no longer chosen and insert the new ones, one statement each for the matrix."""
    current = {(line.result_level_id, line.municipality_id): line.id for line in bid.lines}
    removed = [line_id for key, line_id in current.items() if key not in chosen]
    if removed:
        db.session.execute(sa.delete(BidLine).where(BidLine.id.in_(removed)))
    added = [
        {"bid_id": bid.id, "lot_id": offer.lot_of[rl], "result_level_id": rl, "municipality_id": m}
        for rl, m in sorted(chosen - current.keys())
    ]
    if added:
        db.session.execute(sa.insert(BidLine), added)
    db.session.expire(bid, ["lines"])
    db.session.flush()


def affected_rows(statement: sa.Update | sa.Delete) -> int:
    """Execute an UPDATE or DELETE; the number of rows it changed."""
    result = db.session.execute(statement)
    assert isinstance(result, sa.CursorResult)  # what a DML statement always answers
    return result.rowcount


# --- completeness, submit, withdraw --------------------------------------------------------------


@dataclass
class Applicable:
    pairs: set[tuple[int, int]]
    lot_ids: set[int]
    requirements: list[Requirement]
    criteria: list[AwardCriterion]


def applicable(bid: Bid) -> Applicable:
    offer = queries.offerable(bid.tender)
    pairs = {(line.result_level_id, line.municipality_id) for line in bid.lines}
    lot_ids = rules.chosen_lots(offer, pairs)
    requirements = [r for r in bid.tender.requirements if rules.applies((lot.id for lot in r.lots), lot_ids)]
    criteria = [c for c in bid.tender.criteria if rules.applies((lot.id for lot in c.lots), lot_ids)]
    return Applicable(pairs, lot_ids, requirements, criteria)


def missing(bid: Bid, scope: Applicable | None = None) -> list[rules.Missing]:
    scope = scope or applicable(bid)
    return rules.missing_items(
        pairs=scope.pairs,
        requirements=scope.requirements,
        criteria=scope.criteria,
        answers={a.requirement_id: a for a in bid.requirement_answers},
        criterion_answers={a.criterion_id: a for a in bid.criterion_answers},
        signatory_name=bid.organisation.signatory_name,
    )


def new_idempotency_key() -> str:
    return secrets.token_hex(16)


def submit(bid: Bid, *, user: User, idempotency_key: str, now: datetime) -> BidSubmission:
    """Freeze the bid into a new immutable submission; exactly once per click, retry or colleague.

    The Bid row is locked (SELECT ... FOR UPDATE) so concurrent submits queue; a known idempotency key
    or an already submitted bid answers the existing submission; unique (bid_id, version) and the
    unique idempotency key are the database's last word.
    """
    _lock(bid)
    done = _existing_submission(bid, idempotency_key, now)
    if done is not None:
        return done
    period = rules.check_open(bid.tender, now=now)
    bid, scope = _complete(bid)
    submission = _new_submission(bid, scope, period, user=user, now=now)
    submission.idempotency_key = idempotency_key
    stored = _insert_or_existing(submission, bid, idempotency_key, now)
    if stored is not submission:
        return stored
    _stamp(bid, BidStatus.SUBMITTED, user, now)
    db.session.flush()
    audit.record(
        "bids.submit", submission, bid_id=bid.id, version=submission.version, sha256=submission.sha256
    )
    return submission


def _complete(bid: Bid) -> tuple[Bid, Applicable]:
    """The bid loaded whole with what applies to its choice; IncompleteBid lists what is missing."""
    bid = queries.load_bid(bid)
    scope = applicable(bid)
    problems = missing(bid, scope)
    if problems:
        raise rules.IncompleteBid(problems)
    return bid, scope


def _lock(bid: Bid) -> None:
    """SELECT ... FOR UPDATE on the bid's row; consuming the row refreshes the bid under the lock."""
    db.session.execute(
        sa.select(Bid).where(Bid.id == bid.id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one()


def _new_submission(
    bid: Bid, scope: Applicable, period: rules.Period, *, user: User, now: datetime
) -> BidSubmission:
    version = _next_version(bid)
    content = frozen_content(bid, scope, version)
    return BidSubmission(
        bid_id=bid.id,
        version=version,
        status=SubmissionStatus.SUBMITTED,
        admission_window_id=period.window.id if period.window is not None else None,
        submitted_at=now,
        submitted_by_id=user.id,
        signatory_name=content["signatory"]["name"],
        signatory_function=content["signatory"]["function"],
        content=content,
        sha256=canonical.digest(content),
    )


def _insert_or_existing(
    submission: BidSubmission, bid: Bid, idempotency_key: str, now: datetime
) -> BidSubmission:
    """The new submission, or the one a concurrent submit stored first (same key or same version)."""
    try:
        with db.session.begin_nested():
            db.session.add(submission)
    except IntegrityError:
        found = _existing_submission(bid, idempotency_key, now)
        if found is None:
            raise
        return found
    return submission


def _stamp(bid: Bid, status: BidStatus, user: User, now: datetime) -> None:
    bid.status = status
    bid.updated_at = now
    bid.updated_by_id = user.id


def _next_version(bid: Bid) -> int:
    latest = db.session.scalar(
        sa.select(sa.func.max(BidSubmission.version)).where(BidSubmission.bid_id == bid.id)
    )
    return (latest or 0) + 1


def frozen_content(bid: Bid, scope: Applicable, version: int) -> dict[str, Any]:
    """The canonical content: the choice, the answers that apply to it, the registered signatory."""
    result_levels, municipalities, lots = queries.labels(bid.tender)
    content = canonical.bid_content(
        bid,
        result_levels=result_levels,
        municipalities=municipalities,
        lots=lots,
        requirements=scope.requirements,
        criteria=scope.criteria,
        signatory={"name": bid.organisation.signatory_name, "function": bid.organisation.signatory_function},
    )
    content["version"] = version
    return content


def _existing_submission(bid: Bid, idempotency_key: str, now: datetime) -> BidSubmission | None:
    same_key = db.session.scalar(
        sa.select(BidSubmission).where(BidSubmission.idempotency_key == idempotency_key)
    )
    if same_key is not None:
        if same_key.bid_id != bid.id or same_key.withdrawn_at is not None:
            # another bid's key, or the form of a version since withdrawn (back button): never reuse it
            raise rules.NotOfThisBid(
                _l("Dit formulier is verlopen. Laad de pagina opnieuw en dien opnieuw in.")
            )
        return same_key
    if bid.status is BidStatus.SUBMITTED:
        period = rules.open_period(bid.tender, now=now)
        if period is None or not _may_extend(bid, period):
            return latest_submission(bid)
    return None


def latest_submission(bid: Bid) -> BidSubmission | None:
    return db.session.scalar(
        sa.select(BidSubmission)
        .where(BidSubmission.bid_id == bid.id)
        .order_by(BidSubmission.version.desc())
        .limit(1)
    )


def withdraw(bid: Bid, *, user: User, now: datetime) -> BidSubmission:
    """Withdraw the current submission before the deadline; it is kept, marked withdrawn."""
    _lock(bid)
    current = latest_submission(bid)
    if bid.status is not BidStatus.SUBMITTED or current is None or current.withdrawn_at is not None:
        raise rules.BidRefused(_l("Er is geen ingediende inschrijving om in te trekken."))
    rules.check_open(bid.tender, now=now)
    current.withdrawn_at = now
    current.withdrawn_by_id = user.id
    current.status = SubmissionStatus.WITHDRAWN
    _stamp(bid, BidStatus.WITHDRAWN, user, now)
    db.session.flush()
    audit.record("bids.withdraw", current, bid_id=bid.id, version=current.version)
    return current
