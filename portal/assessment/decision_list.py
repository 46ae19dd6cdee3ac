"""The decisions page at scale: filtered (outcome, perceel, approved / to approve / sent) and paged in
SQL, read as columns; the same filter selects what a second buyer approves in bulk."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa

from portal.assessment.checklist import PAGE_SIZE, one_of, positive
from portal.extensions import db
from portal.models import Bid, BidSubmission, Decision, DecisionOutcome, Organisation, Tender

STATUSES = ("te_keuren", "goedgekeurd", "verzonden")
OUTCOMES = tuple(o.value for o in DecisionOutcome)


@dataclass(frozen=True)
class Filter:
    outcome: str = ""
    lot_id: int | None = None
    status: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filter:
        outcome, status = one_of(args, "besluit", OUTCOMES), one_of(args, "status", STATUSES)
        return cls(outcome, positive(args.get("perceel")), status, positive(args.get("pagina")) or 1)

    def args(self, **changes: object) -> dict[str, Any]:
        flt = replace(self, **changes)  # type: ignore[arg-type]  # changes are Filter's own fields
        found = {"besluit": flt.outcome, "perceel": flt.lot_id, "status": flt.status}
        found["pagina"] = flt.page if flt.page > 1 else None
        return {k: v for k, v in found.items() if v}


def _status_condition(status: str) -> sa.ColumnElement[bool]:
    return {
        "te_keuren": Decision.approved_at.is_(None),
        "goedgekeurd": sa.and_(Decision.approved_at.is_not(None), Decision.sent_at.is_(None)),
        "verzonden": Decision.sent_at.is_not(None),
    }[status]


def _filtered(query: sa.Select, tender: Tender, flt: Filter) -> sa.Select:
    query = (
        query.join(BidSubmission, BidSubmission.id == Decision.submission_id)
        .join(Bid, Bid.id == BidSubmission.bid_id)
        .where(Bid.tender_id == tender.id)
    )
    if flt.outcome:
        query = query.where(Decision.outcome == DecisionOutcome(flt.outcome))
    if flt.lot_id:
        query = query.where(Decision.lot_id == flt.lot_id)
    if flt.status:
        query = query.where(_status_condition(flt.status))
    return query


def listing(tender: Tender, flt: Filter) -> tuple[list[sa.Row], int]:
    """One page of decisions (by perceel, then order of receipt) and how many the filter matches."""
    total = db.session.scalar(_filtered(sa.select(sa.func.count()).select_from(Decision), tender, flt)) or 0
    columns = sa.select(
        Decision.id,
        Decision.submission_id,
        Decision.lot_id,
        Decision.outcome,
        Decision.motivation,
        Decision.drafted_by_id,
        Decision.approved_by_id,
        Decision.approved_at,
        Decision.sent_at,
        Organisation.name.label("organisation_name"),
    ).select_from(Decision)
    query = _filtered(columns, tender, flt).join(Organisation, Organisation.id == Bid.organisation_id)
    query = query.order_by(Decision.lot_id, BidSubmission.submitted_at, Decision.id)
    rows = db.session.execute(query.limit(PAGE_SIZE).offset((flt.page - 1) * PAGE_SIZE)).all()
    return list(rows), total


def matching_ids(tender: Tender, flt: Filter) -> list[int]:
    """Every decision the filter shows, over all its pages."""
    return list(db.session.scalars(_filtered(sa.select(Decision.id).select_from(Decision), tender, flt)))


@dataclass(frozen=True)
class Progress:
    total: int
    approved: int
    sent: int


def progress(tender: Tender) -> Progress:
    """How many decisions the tender has, how many are approved, how many sent: one query."""
    query = _filtered(
        sa.select(
            sa.func.count(), sa.func.count(Decision.approved_at), sa.func.count(Decision.sent_at)
        ).select_from(Decision),
        tender,
        Filter(),
    )
    total, approved, sent = db.session.execute(query).one()
    return Progress(total=total, approved=approved, sent=sent)
