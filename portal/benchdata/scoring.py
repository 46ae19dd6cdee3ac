"""Opening, three assessors' scores and consensus, requirement checks and approved decisions."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from portal.assessment import deciding
from portal.assessment import service as assessment
from portal.benchdata.region import Staff, existing
from portal.extensions import db
from portal.models import Bid, BidSubmission, RequirementCheck, RequirementOutcome, Score, ScoreKind, Tender

MOTIVATIONS = {
    "4": "Het antwoord is algemeen en mist een concreet voorbeeld uit de eigen praktijk.",
    "6": "Voldoende: de werkwijze is beschreven, de borging in de organisatie blijft wat vaag.",
    "8": "Goed: concreet, met een voorbeeld en afspraken over meten en verbeteren.",
    "10": "Uitstekend: overtuigend, onderbouwd met resultaten en aantoonbaar verbeterd.",
}
STEPS = [Decimal(s) for s in MOTIVATIONS]


def build(staff: Staff, rng: random.Random) -> None:
    open_vault(staff)
    assess(staff, rng)


def _opened_at(tender: Tender) -> datetime:
    return tender.windows[0].closes_at + timedelta(days=1)


def open_vault(staff: Staff) -> None:
    """The buyer opens the closed admission window; three assessors are appointed and declare."""
    tender = staff.tender()
    first_buyer = staff.users(staff.buyer_ids)[0]
    opened_at = _opened_at(tender)
    assessment.confirm_opening(tender, first_buyer, window=tender.windows[0], now=opened_at)
    for assessor in staff.users(staff.assessor_ids):
        assessment.appoint_assessor(tender, assessor, criterion=None, by=first_buyer)
        assessment.declare_conflicts(tender, assessor, [], note="", now=opened_at)


def assess(staff: Staff, rng: random.Random) -> None:
    """Checks, scores and consensus of every submission not assessed yet; decisions drafted and approved."""
    tender = staff.tender()
    opened_at = _opened_at(tender)
    first_buyer, second_buyer = staff.users(staff.buyer_ids)
    submission_ids = _unchecked_submissions(tender)
    _all_requirements_met(tender, submission_ids, first_buyer.id, at=opened_at + timedelta(days=3))
    db.session.execute(sa.insert(Score), score_rows(tender, staff, submission_ids, rng, opened_at))
    decided_at = opened_at + timedelta(days=10)
    deciding.draft_decisions(tender, first_buyer, now=decided_at)
    deciding.approve_all(tender, second_buyer, now=decided_at + timedelta(hours=2))


def _unchecked_submissions(tender: Tender) -> list[int]:
    checked = sa.select(RequirementCheck.submission_id)
    return list(
        db.session.scalars(
            sa.select(BidSubmission.id)
            .join(Bid)
            .where(Bid.tender_id == tender.id, BidSubmission.id.not_in(checked))
            .order_by(BidSubmission.id)
        )
    )


def _all_requirements_met(tender: Tender, submission_ids: list[int], buyer_id: int, *, at: datetime) -> None:
    db.session.execute(
        sa.insert(RequirementCheck),
        [
            {
                "submission_id": s,
                "requirement_id": r.id,
                "outcome": RequirementOutcome.MET,
                "note": "",
                "checked_at": at,
                "checked_by_id": buyer_id,
            }
            for s in submission_ids
            for r in tender.requirements
        ],
    )


Row = dict[str, Any]


def score_rows(
    tender: Tender, staff: Staff, submission_ids: list[int], rng: random.Random, opened_at: datetime
) -> list[Row]:
    """Three individual scores per criterion of each bid (mostly close together) and their consensus."""
    rows = []
    for submission_id in submission_ids:
        quality = rng.choice([1, 2, 2, 3])  # index in STEPS around which this provider scores
        for criterion in tender.criteria:
            rows.extend(_criterion_scores(staff, submission_id, criterion.id, quality, rng, opened_at))
    return rows


def _criterion_scores(
    staff: Staff, submission_id: int, criterion_id: int, quality: int, rng: random.Random, opened_at: datetime
) -> list[Row]:
    """Each assessor's score near the provider's quality, and the step nearest their mean as consensus."""
    values = [STEPS[min(3, max(0, quality + rng.choice([-1, 0, 0, 0, 1])))] for _ in staff.assessor_ids]
    at = opened_at + timedelta(days=rng.randint(2, 6), minutes=rng.randint(0, 600))
    key = (submission_id, criterion_id)
    individual = [
        _score(*key, assessor_id, ScoreKind.INDIVIDUAL, value, at)
        for assessor_id, value in zip(staff.assessor_ids, values, strict=True)
    ]
    consensus = _nearest_step(sum(values, start=Decimal(0)) / len(values))
    return [
        *individual,
        _score(*key, staff.buyer_ids[0], ScoreKind.CONSENSUS, consensus, at + timedelta(days=2)),
    ]


def _nearest_step(mean: Decimal) -> Decimal:
    return min(STEPS, key=lambda step: abs(step - mean))


def _score(
    submission_id: int, criterion_id: int, assessor_id: int, kind: ScoreKind, value: Decimal, at: datetime
) -> Row:
    return {
        "submission_id": submission_id,
        "criterion_id": criterion_id,
        "assessor_id": assessor_id,
        "kind": kind,
        "value": value,
        "motivation": MOTIVATIONS[str(value)],
        "submitted_at": at,
    }


def number_contracts(staff: Staff) -> int:
    """A numbered contract with its content for every admitted provider (the PDFs: agreements-generate)."""
    from portal import clock
    from portal.agreements import queries as agreement_queries
    from portal.agreements import service as agreements
    from portal.models import Organisation

    tender = staff.tender()
    admitted = agreement_queries.admissions(tender.id)
    for admission in admitted:
        organisation = existing(Organisation, admission.organisation_id)
        agreements.create_agreement(tender, organisation, now=clock.now())
    return len(admitted)
