"""Scenario builders of the assessment tests: an aanbesteding whose deadline passed, with bids."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from portal.assessment import service
from portal.extensions import db
from portal.models import AwardCriterion, BidSubmission, Procedure, Requirement, Role, Tender, User
from tests import factories

SCALE = [{"score": str(s), "label": f"Score {s}"} for s in (0, 2, 4, 6, 8, 10)]


@dataclass
class Scenario:
    tender: Tender
    buyers: list[User]
    assessors: list[User]
    criteria: list[AwardCriterion]
    knockout: Requirement
    submissions: list[BidSubmission] = field(default_factory=list)

    @property
    def deadline(self) -> datetime:
        return self.tender.submission_deadline

    def open(self, now: datetime | None = None) -> None:
        now = now or self.deadline + timedelta(hours=1)
        service.confirm_opening(self.tender, self.buyers[0], now=now)
        service.confirm_opening(self.tender, self.buyers[1], now=now + timedelta(minutes=1))
        db.session.commit()

    def appoint(self) -> None:
        for assessor in self.assessors:
            service.appoint_assessor(self.tender, assessor, criterion=None, by=self.buyers[0])
        db.session.commit()

    def appoint_and_declare(self, conflicts: dict[int, list] | None = None) -> None:
        """Declaring needs the bids opened (the sealed period): call `open` first."""
        self.appoint()
        for assessor in self.assessors:
            orgs = (conflicts or {}).get(assessor.id, [])
            service.declare_conflicts(
                self.tender, assessor, orgs, note="", now=self.deadline + timedelta(hours=2)
            )
        db.session.commit()

    def score_all(self, values: dict[int, list[int]], consensus: bool = True) -> None:
        """values: submission id → a score per criterion (every assessor gives the same)."""
        now = self.deadline + timedelta(hours=2)
        for submission in self.submissions:
            for criterion, value in zip(self.criteria, values[submission.id], strict=True):
                for assessor in self.assessors:
                    service.submit_score(
                        submission, criterion, assessor, str(value), "Goed onderbouwd", now=now
                    )
                if consensus:
                    service.record_consensus(
                        submission, criterion, self.buyers[0], str(value), "Eens met de beoordelaars", now=now
                    )
        db.session.commit()

    def check_all(self, not_met: set[int] = frozenset()) -> None:
        from portal.models import RequirementOutcome

        for submission in self.submissions:
            outcome = RequirementOutcome.NOT_MET if submission.id in not_met else RequirementOutcome.MET
            service.check_requirement(
                submission,
                self.knockout,
                outcome,
                note="VOG ontbreekt" if submission.id in not_met else "",
                by=self.buyers[0],
                now=self.deadline + timedelta(hours=2),
            )
        db.session.commit()


def build_scenario(
    *, bids: int = 3, max_providers: int | None = 2, procedure=Procedure.COMPETITIVE
) -> Scenario:
    deadline = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
    tender = factories.tender_with_matrix(procedure=procedure, submission_deadline=deadline, lots=1)
    tender.lots[0].max_providers = max_providers
    knockout = factories.RequirementFactory(tender=tender, knockout=True, evidence_required=True)
    criteria = [
        factories.AwardCriterionFactory(
            tender=tender,
            question="Hoe stelt u de inwoner centraal?",
            weight=Decimal(60),
            scale=SCALE,
            position=1,
        ),
        factories.AwardCriterionFactory(
            tender=tender,
            question="Hoe werkt u samen in de wijk?",
            weight=Decimal(40),
            scale=SCALE,
            position=2,
        ),
    ]
    db.session.refresh(tender)
    scenario = Scenario(
        tender=tender,
        buyers=[factories.user_with_role(Role.BUYER) for _ in range(2)],
        assessors=[factories.user_with_role(Role.ASSESSOR) for _ in range(2)],
        criteria=criteria,
        knockout=knockout,
    )
    for i in range(bids):
        organisation = factories.OrganisationFactory(name=f"Zorggroep Noorderzon {i} B.V.")
        factories.user_with_role(Role.PROVIDER_ADMIN, organisation)
        scenario.submissions.append(
            factories.submitted_bid(tender, organisation, submitted_at=deadline - timedelta(hours=10 - i))
        )
    return scenario


@pytest.fixture
def scenario(app) -> Scenario:
    return build_scenario()
