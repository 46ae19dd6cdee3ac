"""Objects the assessment routes need in the authorization matrix: an opened aanbesteding with a bid
of the own organisation, the world's assessor appointed (no conflict), a clarification and a sent decision."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from portal import uploads
from portal.bids.content import SubmittedContent
from portal.extensions import db
from portal.models import (
    AssessorAppointment,
    Clarification,
    ConflictDeclaration,
    Decision,
    DecisionOutcome,
    EvidenceFile,
    Law,
    Lot,
    Opening,
    Procedure,
    Result,
    ResultLevel,
    Role,
    Tender,
)
from tests import factories


def _tender(world, now: datetime) -> Tender:
    """An aanbesteding whose deadline passed, re-using the world's municipalities (the factory's CBS
    code sequence has room for 1000 per run: the matrix builds a world per case)."""
    tender = factories.TenderFactory(
        procedure=Procedure.COMPETITIVE, submission_deadline=now - timedelta(days=2)
    )
    tender.municipalities = list(world.tender.municipalities)
    domain = factories.DomainFactory()
    with db.session.no_autoflush:
        lot = Lot(name="Perceel A")
        tender.lots = [lot]
        result = Result(domain=domain, code="A1", name="Resultaat A", law=Law.JEUGDWET)
        result.levels = [ResultLevel(level=4, lot=lot)]
        tender.results = [result]
    db.session.commit()
    return tender


def extend(world) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    tender = _tender(world, now)
    requirement = factories.RequirementFactory(tender=tender)
    factories.RequirementFactory(tender=tender, knockout=True, evidence_required=True)
    criterion = factories.AwardCriterionFactory(tender=tender, weight=Decimal(100))
    db.session.refresh(tender)
    submission = factories.submitted_bid(tender, world.own_org)
    buyer, assessor = world.users["buyer"], world.users["assessor"]
    second = factories.user_with_role(Role.BUYER)
    db.session.add_all(
        [
            Opening(
                tender_id=tender.id,
                first_by_id=buyer.id,
                first_at=now - timedelta(days=1, minutes=5),
                second_by_id=second.id,
                second_at=now - timedelta(days=1),
                opened_at=now - timedelta(days=1),
            ),
            AssessorAppointment(tender_id=tender.id, user_id=assessor.id),
            ConflictDeclaration(tender_id=tender.id, user_id=assessor.id),
        ]
    )
    clarification = Clarification(
        submission_id=submission.id,
        requirement_id=requirement.id,
        question="Kunt u de VOG sturen?",
        response_deadline=now + timedelta(days=3),
    )
    stored = "a" * 32
    uploads.path_of(stored).write_bytes(b"%PDF-1.4 proef")
    decision = Decision(
        submission_id=submission.id,
        lot_id=tender.lots[0].id,
        outcome=DecisionOutcome.ADMITTED,
        motivation="Toegelaten.",
        drafted_by_id=second.id,
        approved_by_id=buyer.id,
        approved_at=now,
        sent_at=now,
        letter_stored_name=stored,
        letter_sha256="0" * 64,
    )
    db.session.add_all([clarification, decision])
    db.session.commit()
    world.extra.update(
        assessment_tender=tender,
        assessed_submission=submission,
        assessment_criterion=criterion,
        assessment_requirement=requirement,
        own_clarification=clarification,
        own_decision=decision,
        submitted_evidence_id=_evidence_on_disk(submission),
    )


def _evidence_on_disk(submission) -> int:
    """The submission's evidence file, its bytes written where uploads keeps them."""
    content = SubmittedContent.from_json(submission.content)
    evidence = db.session.get(EvidenceFile, next(e.id for a in content.requirements for e in a.evidence))
    uploads.path_of(evidence.stored_name).write_bytes(b"%PDF-1.4 bewijs")
    return evidence.id
