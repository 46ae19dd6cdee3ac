"""The submissions an opened vault released: which they are, their neutral codes, their percelen.

`of(tender)` computes the set once; a page builds it once and passes it to what needs it (the neutral
codes, the result lists, the assessor's list). Nothing is cached behind the caller's back, so opening a
vault needs no clean-up: the next page simply computes the set again.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import defer, selectinload

from portal.assessment import queries, rules
from portal.extensions import db
from portal.models import Bid, BidSubmission, Opening, Organisation, SubmissionStatus, Tender


@dataclass(frozen=True)
class OpenedSubmissions:
    """The tender's released submissions by order of receipt, as rows of (id, bid_id, status, submitted_at,
    admission_window_id, lot_ids, organisation_id, organisation_name): no content, no ORM objects."""

    tender: Tender
    rows: tuple[sa.Row, ...]

    @cached_property
    def ids(self) -> list[int]:
        return [row.id for row in self.rows]

    @cached_property
    def codes(self) -> dict[int, str]:
        return rules.neutral_codes((r.id, r.submitted_at) for r in self.rows)

    @cached_property
    def submissions(self) -> list[BidSubmission]:
        """The same submissions as objects, with bid and organisation, without the content (~90 kB each,
        read for one submission only)."""
        if not self.rows:
            return []
        found = db.session.scalars(
            sa.select(BidSubmission)
            .where(BidSubmission.id.in_(self.ids))
            .options(
                defer(BidSubmission.content), selectinload(BidSubmission.bid).selectinload(Bid.organisation)
            )
        )
        by_id = {s.id: s for s in found}
        return [by_id[i] for i in self.ids]

    def for_assessor(self, user_id: int) -> list[BidSubmission]:
        """The submissions this assessor may see: never those of organisations he named."""
        excluded = queries.conflicted(self.tender, user_id)
        return [s for s in self.submissions if s.bid.organisation_id not in excluded]

    def bids_per_lot(self) -> dict[int, int]:
        """Perceel id → how many released submissions chose it."""
        counts = {lot.id: 0 for lot in self.tender.lots}
        for row in self.rows:
            for lot_id in queries.lot_ids(row):
                if lot_id in counts:
                    counts[lot_id] += 1
        return counts


def of(tender: Tender) -> OpenedSubmissions:
    """Per opening (the deadline, or one admission window) the last version of each bid it covers counts,
    unless that version was withdrawn; an earlier version superseded within the same period does not."""
    opened = [o for o in queries.openings(tender) if o.opened_at is not None]
    if not opened:
        return OpenedSubmissions(tender, ())
    found: dict[int, sa.Row] = {}
    every = _all_rows(tender)
    for opening in opened:
        latest: dict[int, sa.Row] = {}  # per bid, the last version this opening covers
        for row in every:
            if _covered(row, tender, opening):
                latest[row.bid_id] = row
        found.update({r.id: r for r in latest.values() if r.status is SubmissionStatus.SUBMITTED})
    return OpenedSubmissions(tender, tuple(sorted(found.values(), key=lambda r: (r.submitted_at, r.id))))


def submission_or_404(submission_id: int) -> tuple[BidSubmission, str]:
    """An opened submission and its neutral code; anything else (unknown, not yet opened, superseded)
    answers 404."""
    submission = db.session.get(BidSubmission, submission_id)
    if submission is None:
        abort(404)
    code = of(submission.bid.tender).codes.get(submission.id)
    if code is None:
        abort(404)
    return submission, code


def _all_rows(tender: Tender) -> list[sa.Row]:
    """Every submission of the tender as the few columns the opening rules and the result lists read."""
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


def _covered(submission: sa.Row, tender: Tender, opening: Opening) -> bool:
    if opening.admission_window_id is None:
        deadline = tender.submission_deadline
        return deadline is not None and submission.submitted_at <= deadline
    if submission.admission_window_id == opening.admission_window_id:
        return True
    window = next((w for w in tender.windows if w.id == opening.admission_window_id), None)
    return (
        submission.admission_window_id is None
        and window is not None
        and window.opens_at <= submission.submitted_at <= window.closes_at
    )
