"""Evidence files: upload (checked by portal.uploads), re-use of the organisation's earlier files, detach.

An EvidenceFile belongs to the organisation, not to one bid, so its VOG policy or insurance certificate
can be attached again to a later bid without uploading it again. An organisation stores at most
UPLOAD_RATE_PER_HOUR files an hour and UPLOAD_QUOTA_MB megabytes in all; a file attached to no answer
is removed a day later by `flask uploads-cleanup` (portal/bids/cleanup.py).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import IO

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal import audit, clock, uploads
from portal.bids.rules import NotOfThisBid
from portal.bids.service import ensure_editable
from portal.bids.versioned import ensure_answerable
from portal.extensions import db
from portal.models import Bid, EvidenceFile, Organisation, Requirement, RequirementAnswer, ScanStatus, User

HOUR = timedelta(hours=1)
MB = 1024 * 1024


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
    ensure_answerable(bid, requirement, now=now)
    stored = _store_within_limits(bid.organisation_id, stream, name, now=now)
    evidence = EvidenceFile(
        organisation_id=bid.organisation_id, **asdict(stored), scan_status=ScanStatus.CLEAN
    )
    evidence.uploaded_at, evidence.uploaded_by_id = now, user.id
    db.session.add(evidence)
    answer = _answer_for(bid, requirement, user, now)
    answer.evidence.append(evidence)
    db.session.flush()
    audit.record("bids.upload_evidence", evidence, bid_id=bid.id, requirement_id=requirement.id)
    return evidence


def _store_within_limits(
    organisation_id: int, stream: IO[bytes], name: str | None, *, now: datetime
) -> uploads.StoredFile:
    """The checked file on disk, within the organisation's hourly rate and storage quota."""
    _lock_organisation(organisation_id)  # colleagues' uploads queue, so the limits below are exact
    check_upload_rate(organisation_id, now=now)
    received = uploads.receive(stream, name, allowed=uploads.EVIDENCE_TYPES)
    check_storage_quota(organisation_id, len(received.data))
    return uploads.save(received)


def _lock_organisation(organisation_id: int) -> None:
    db.session.execute(sa.select(Organisation.id).where(Organisation.id == organisation_id).with_for_update())


def check_upload_rate(organisation_id: int, *, now: datetime) -> None:
    """At most UPLOAD_RATE_PER_HOUR evidence files stored by one organisation in any hour."""
    limit = current_app.config["UPLOAD_RATE_PER_HOUR"]
    recent = list(
        db.session.scalars(
            sa.select(EvidenceFile.uploaded_at)
            .where(EvidenceFile.organisation_id == organisation_id, EvidenceFile.uploaded_at > now - HOUR)
            .order_by(EvidenceFile.uploaded_at.desc())
            .limit(limit)
        )
    )
    if len(recent) >= limit:
        raise uploads.UploadRefused(_rate_reached(limit, again=recent[-1] + HOUR))


def _rate_reached(limit: int, *, again: datetime) -> str:
    return _(
        "Uw organisatie heeft het afgelopen uur al %(count)s bestanden geüpload; meer kan "
        "niet binnen een uur. U kunt weer uploaden vanaf %(time)s, of nu een eerder "
        "geüpload bewijsstuk koppelen.",
        count=limit,
        time=clock.to_local(again).strftime("%H:%M"),
    )


def check_storage_quota(organisation_id: int, size: int) -> None:
    """The organisation's stored evidence files, this one included, fit in UPLOAD_QUOTA_MB."""
    quota = current_app.config["UPLOAD_QUOTA_MB"] * MB
    used = (
        db.session.scalar(
            sa.select(sa.func.sum(EvidenceFile.size)).where(EvidenceFile.organisation_id == organisation_id)
        )
        or 0
    )
    if used + size > quota:
        raise uploads.UploadRefused(_quota_full(used, size))


def _quota_full(used: int, size: int) -> str:
    return _(
        "De opslagruimte van uw organisatie is vol: %(used)s van %(quota)s MB in gebruik, "
        "en dit bestand is %(size)s MB. Koppel een eerder geüpload bewijsstuk in plaats van "
        "het opnieuw te uploaden; bestanden die aan geen inschrijving meer gekoppeld zijn, "
        "worden na een dag verwijderd.",
        used=format_decimal(used / MB, format="#,##0.0"),
        quota=current_app.config["UPLOAD_QUOTA_MB"],
        size=format_decimal(size / MB, format="#,##0.0"),
    )


def reuse(bid: Bid, requirement: Requirement, evidence_id: int, *, user: User, now: datetime) -> EvidenceFile:
    """Attach an evidence file the organisation uploaded earlier (another organisation's id is refused)."""
    ensure_answerable(bid, requirement, now=now)
    evidence = db.session.get(EvidenceFile, evidence_id)
    if evidence is None or evidence.organisation_id != bid.organisation_id:
        raise NotOfThisBid(_l("Dit bewijsstuk is niet van uw organisatie."))
    answer = _answer_for(bid, requirement, user, now)
    if evidence not in answer.evidence:
        answer.evidence.append(evidence)
    evidence.unattached_since = None  # in use again: uploads-cleanup starts counting afresh
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
