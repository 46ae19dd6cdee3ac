"""What the public verification page may say about a hash: the kind of document, its public reference,
its date and whether it is the current version. Never a provider's name, an outcome or any content."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.bids import queries as bids
from portal.extensions import db
from portal.models import (
    Agreement,
    AgreementVersion,
    Bid,
    BidSubmission,
    Decision,
    IssuedDocument,
    Lot,
    Nota,
    Tender,
)


@dataclass(frozen=True)
class Verified:
    kind: str
    label: object
    reference: str
    detail: object
    dated: datetime
    current: bool


def by_hash(sha256: str) -> Verified | None:
    """The document the portal made with exactly this SHA-256 (a PDF's bytes, or a bid's content)."""
    finders: list[Callable[[str], Verified | None]] = [_issued, _decision_letter, _agreement, _bid]
    for finder in finders:
        found = finder(sha256)
        if found is not None:
            return found
    return None


def _issued(sha256: str) -> Verified | None:
    issued = db.session.scalar(sa.select(IssuedDocument).where(IssuedDocument.sha256 == sha256))
    if issued is None:
        return None
    return _receipt(issued.object_id) if issued.kind == "receipt" else _nota(issued.object_id)


def _receipt(submission_id: int) -> Verified | None:
    row = db.session.execute(
        sa.select(BidSubmission, Tender.reference)
        .join(Bid, Bid.id == BidSubmission.bid_id)
        .join(Tender, Tender.id == Bid.tender_id)
        .where(BidSubmission.id == submission_id)
    ).first()
    if row is None:
        return None
    submission, reference = row
    latest = _latest(BidSubmission.version, BidSubmission.bid_id == submission.bid_id)
    current = submission.withdrawn_at is None and submission.version == latest
    detail = _l("versie %(version)s", version=submission.version)
    return Verified(
        "receipt",
        _l("Ontvangstbewijs van een inschrijving"),
        reference,
        detail,
        submission.submitted_at,
        current,
    )


def _nota(nota_id: int) -> Verified | None:
    row = db.session.execute(
        sa.select(Nota, Tender.reference).join(Tender, Tender.id == Nota.tender_id).where(Nota.id == nota_id)
    ).first()
    if row is None:
        return None
    nota, reference = row
    latest = _latest(Nota.number, Nota.tender_id == nota.tender_id)
    detail = _l("Nota %(number)s", number=nota.number)
    return Verified(
        "nota", _l("Nota van Inlichtingen"), reference, detail, nota.published_at, nota.number == latest
    )


def _decision_letter(sha256: str) -> Verified | None:
    row = db.session.execute(
        sa.select(Decision.sent_at, Decision.drafted_at, Tender.reference, Lot.name)
        .join(Lot, Lot.id == Decision.lot_id)
        .join(Tender, Tender.id == Lot.tender_id)
        .where(Decision.letter_sha256 == sha256)
    ).first()
    if row is None:
        return None
    sent_at, drafted_at, reference, lot = row
    return Verified("decision", _l("Besluitbrief"), reference, lot, sent_at or drafted_at, True)


def _agreement(sha256: str) -> Verified | None:
    row = db.session.execute(
        sa.select(AgreementVersion, Agreement.number, Tender.reference)
        .join(Agreement, Agreement.id == AgreementVersion.agreement_id)
        .join(Tender, Tender.id == Agreement.tender_id)
        .where(AgreementVersion.pdf_sha256 == sha256)
    ).first()
    if row is None:
        return None
    version, number, reference = row
    latest = _latest(AgreementVersion.version, AgreementVersion.agreement_id == version.agreement_id)
    detail = _l("%(number)s, versie %(version)s", number=number, version=version.version)
    return Verified(
        "agreement", _l("Raamovereenkomst"), reference, detail, version.created_at, version.version == latest
    )


def _bid(sha256: str) -> Verified | None:
    """The hash printed on a receipt ('Hash van de inschrijving') is the bid's, not the PDF's."""
    found = bids.verify_hash(sha256)
    if found is None:
        return None
    detail = _l("versie %(version)s", version=found.version)
    return Verified(
        "bid", _l("Inschrijving"), found.tender_reference, detail, found.submitted_at, not found.withdrawn
    )


def _latest(column: Any, condition: Any) -> int | None:
    """The highest version (or number) among the document's siblings: the current one."""
    latest: int | None = db.session.scalar(sa.select(sa.func.max(column)).where(condition))
    return latest
