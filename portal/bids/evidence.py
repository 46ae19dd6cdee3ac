"""Evidence files: upload (checked by portal.uploads), re-use of the organisation's earlier files, detach.

An EvidenceFile belongs to the organisation, not to one bid, so its VOG policy or insurance certificate
can be attached again to a later bid without uploading it again.
"""

from __future__ import annotations

from datetime import datetime
from typing import IO

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal import audit, uploads
from portal.bids.service import NotOfThisBid, ensure_editable
from portal.extensions import db
from portal.models import Bid, EvidenceFile, Requirement, RequirementAnswer, ScanStatus, User


def _answer_for(bid: Bid, requirement: Requirement, user: User, now: datetime) -> RequirementAnswer:
    answer = db.session.scalar(
        sa.select(RequirementAnswer).where(
            RequirementAnswer.bid_id == bid.id, RequirementAnswer.requirement_id == requirement.id
        )
    )
    if answer is None:
        answer = RequirementAnswer(
            bid_id=bid.id, requirement_id=requirement.id, version=1, updated_at=now, updated_by_id=user.id
        )
        db.session.add(answer)
    return answer


def attach(
    bid: Bid, requirement: Requirement, stream: IO[bytes], name: str | None, *, user: User, now: datetime
) -> EvidenceFile:
    """Upload (type by content, size, virus scan, archive-bomb check) and attach to the requirement."""
    ensure_editable(bid, now=now)
    if requirement.tender_id != bid.tender_id:
        raise NotOfThisBid(_l("Deze eis hoort niet bij dit inkooptraject."))
    stored = uploads.store(stream, name, allowed=uploads.EVIDENCE_TYPES)
    evidence = EvidenceFile(
        organisation_id=bid.organisation_id,
        original_name=stored.original_name,
        stored_name=stored.stored_name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        scan_status=ScanStatus.CLEAN,
        uploaded_at=now,
        uploaded_by_id=user.id,
    )
    db.session.add(evidence)
    answer = _answer_for(bid, requirement, user, now)
    answer.evidence.append(evidence)
    db.session.flush()
    audit.record("bids.upload_evidence", evidence, bid_id=bid.id, requirement_id=requirement.id)
    return evidence


def reuse(bid: Bid, requirement: Requirement, evidence_id: int, *, user: User, now: datetime) -> EvidenceFile:
    """Attach an evidence file the organisation uploaded earlier (another organisation's id is refused)."""
    ensure_editable(bid, now=now)
    if requirement.tender_id != bid.tender_id:
        raise NotOfThisBid(_l("Deze eis hoort niet bij dit inkooptraject."))
    evidence = db.session.get(EvidenceFile, evidence_id)
    if evidence is None or evidence.organisation_id != bid.organisation_id:
        raise NotOfThisBid(_l("Dit bewijsstuk is niet van uw organisatie."))
    answer = _answer_for(bid, requirement, user, now)
    if evidence not in answer.evidence:
        answer.evidence.append(evidence)
    db.session.flush()
    audit.record("bids.reuse_evidence", evidence, bid_id=bid.id, requirement_id=requirement.id)
    return evidence


def detach(bid: Bid, requirement: Requirement, evidence_id: int, *, user: User, now: datetime) -> None:
    ensure_editable(bid, now=now)
    answer = db.session.scalar(
        sa.select(RequirementAnswer).where(
            RequirementAnswer.bid_id == bid.id, RequirementAnswer.requirement_id == requirement.id
        )
    )
    if answer is None:
        return
    answer.evidence = [e for e in answer.evidence if e.id != evidence_id]
    db.session.flush()
    audit.record("bids.detach_evidence", bid, requirement_id=requirement.id, evidence_id=evidence_id)
