"""`flask bench-data` builds a whole (here: tiny) region in an empty database: every step, to contracts."""

from __future__ import annotations

import sqlalchemy as sa

from portal.benchdata import REFERENCE, RUSH_REFERENCE
from portal.bids import canonical
from portal.bids.content import SubmittedContent
from portal.extensions import db
from portal.models import Agreement, Bid, BidSubmission, Decision, DecisionOutcome, Score, Tender


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_bench_data_builds_a_small_region_through_to_numbered_contracts(app):
    result = app.test_cli_runner().invoke(args=["bench-data", "--scale", "0.005"])
    assert result.exit_code == 0, result.output
    assert "Done in" in result.output

    tender = db.session.scalar(sa.select(Tender).where(Tender.reference == REFERENCE))
    rush = db.session.scalar(sa.select(Tender).where(Tender.reference == RUSH_REFERENCE))
    assert len(tender.lots) == 8
    assert sum(len(result.levels) for result in tender.results) == 160
    submissions = db.session.scalars(
        sa.select(BidSubmission).join(Bid).where(Bid.tender_id == tender.id)
    ).all()
    assert len(submissions) == 2
    assert all(canonical.digest(s.content) == s.sha256 for s in submissions)
    assert all(
        len(SubmittedContent.from_json(s.content).choice) >= 150 for s in submissions
    )  # 50-120 result-levels × 3-5 municipalities
    assert _count(Score) == 2 * 6 * 4  # three assessors and the consensus, six criteria
    assert (
        _count(Decision, Decision.outcome == DecisionOutcome.ADMITTED, Decision.approved_at.is_not(None)) > 0
    )
    assert _count(Agreement, Agreement.tender_id == tender.id) == 2
    assert _count(Bid, Bid.tender_id == rush.id) == 2  # complete drafts for the deadline rush
