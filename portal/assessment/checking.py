"""Requirement checks at scale: answers copied out of the opened submissions once, knock-outs proposed
"not met" with their reason, and "met" for a whole selection in one request.

Each function validates, mutates, flushes and audits; the request boundary commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from portal import audit
from portal.assessment import checklist, opened, queries, rules
from portal.assessment.service import AssessmentRefused
from portal.bids.content import RequirementAnswer, SubmittedContent
from portal.extensions import db
from portal.models import BidSubmission, Requirement, RequirementCheck, RequirementOutcome, Tender, User
from portal.models.assessment import SubmittedAnswer

BATCH = 50  # contents read at a time (~90 kB each)
MET = RequirementOutcome.MET


def index_answers(tender: Tender, released: opened.OpenedSubmissions, *, now: datetime) -> int:
    """Copy the requirement answers of released submissions not copied yet, and propose every knock-out
    answered "nee" (or without its required document) "not met". Safe to run again: returns how many
    submissions it copied (0 once done)."""
    done = checklist.indexed(released.ids)
    missing = [i for i in released.ids if i not in done]
    flags = 0
    for start in range(0, len(missing), BATCH):
        flags += _index_batch(tender, missing[start : start + BATCH], now=now)
    if missing:
        db.session.flush()
        audit.record("assessment.index_answers", tender, submissions=len(missing), proposals=flags)
    return len(missing)


def _index_batch(tender: Tender, ids: list[int], *, now: datetime) -> int:
    checked = checklist.checked_pairs(ids)
    flags = 0
    for submission in db.session.scalars(sa.select(BidSubmission).where(BidSubmission.id.in_(ids))):
        content = SubmittedContent.from_json(submission.content)
        for requirement in queries.requirements_of(submission, tender):
            answer = content.requirement(requirement.id)
            db.session.add(_answer_row(submission.id, requirement.id, answer))
            reason = _flag(requirement, answer)
            if reason and (submission.id, requirement.id) not in checked:
                db.session.add(_proposal(submission.id, requirement.id, reason, now=now))
                flags += 1
    return flags


def _answer_row(submission_id: int, requirement_id: int, answer: RequirementAnswer | None) -> SubmittedAnswer:
    evidence = [{"id": e.id, "name": e.name, "sha256": e.sha256} for e in answer.evidence] if answer else []
    return SubmittedAnswer(
        submission_id=submission_id,
        requirement_id=requirement_id,
        declaration=answer.declaration if answer else None,
        explanation=answer.explanation if answer else "",
        evidence=evidence,
    )


def _flag(requirement: Requirement, answer: RequirementAnswer | None) -> str | None:
    return rules.knockout_flag(
        knockout=requirement.knockout,
        evidence_required=requirement.evidence_required,
        declaration=answer.declaration if answer else None,
        evidence_count=len(answer.evidence) if answer else 0,
    )


def _proposal(submission_id: int, requirement_id: int, reason: str, *, now: datetime) -> RequirementCheck:
    return RequirementCheck(
        submission_id=submission_id,
        requirement_id=requirement_id,
        outcome=RequirementOutcome.NOT_MET,
        note="",
        checked_at=now,
        checked_by_id=None,
        proposed=True,
        flag_reason=reason,
    )


def mark_met(
    tender: Tender, requirement: Requirement, submission_ids: Iterable[int], *, by: User, now: datetime
) -> tuple[int, int]:
    """ "Met" for every chosen submission this requirement applies to, in one request. Proposals ("nee" on
    a knock-out), "not met", clarifications and submissions with a decision are left alone: they need a
    buyer one by one. Returns (marked, left alone)."""
    if requirement.tender_id != tender.id:
        raise AssessmentRefused(_("Deze eis hoort niet bij dit inkooptraject."))
    chosen = checklist.answered(requirement.id, set(submission_ids) & set(opened.of(tender).ids))
    if not chosen:
        raise AssessmentRefused(_("Kies ten minste één inschrijving."))
    existing = checklist.checks_of_requirement(requirement.id, chosen)
    blocked = checklist.decided(chosen) | {
        s for s, c in existing.items() if c.proposed or c.outcome is not MET
    }
    marked = sorted(chosen - blocked)
    for submission_id in marked:
        check = existing.get(submission_id) or RequirementCheck(
            submission_id=submission_id, requirement_id=requirement.id
        )
        check.outcome, check.note, check.checked_at, check.checked_by_id = MET, "", now, by.id
        db.session.add(check)
    db.session.flush()
    audit.record("assessment.check_requirements", requirement, actor=by, met=len(marked), submissions=marked)
    return len(marked), len(blocked)
