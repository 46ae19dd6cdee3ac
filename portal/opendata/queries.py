"""The reads the OCDS export needs: public tenders and what was published about them, in a few queries.

Only what is public is read: tenders as the public pages show them (tenders.queries.PUBLIC_STATUSES,
publication date passed), rectifications, Nota's, decisions (the builder uses only sent ones), and
contracts that were sent to the provider. Never a bid's content.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models import (
    Agreement,
    AgreementStatus,
    AuditEvent,
    Bid,
    BidSubmission,
    Decision,
    Nota,
    Organisation,
    Rectification,
    Result,
    ResultLevel,
    Tender,
)
from portal.tenders.queries import PUBLIC_STATUSES


@dataclass(frozen=True)
class SentDecision:
    """A decision as the award needs it: perceel, outcome, when sent, the window and the organisation."""

    lot_id: int
    admitted: bool
    sent_at: datetime | None
    window_id: int | None
    organisation: Organisation


@dataclass
class TenderData:
    tender: Tender
    rectifications: list[Rectification] = field(default_factory=list)
    notas: list[Nota] = field(default_factory=list)
    decisions: list[SentDecision] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)
    sent_at: dict[int, datetime] = field(default_factory=dict)  # agreement id → when it was sent
    document_owner: dict[int, int] = field(default_factory=dict)  # document id → rectification id


def _public(now: datetime) -> sa.Select:
    return (
        sa.select(Tender)
        .where(Tender.status.in_(PUBLIC_STATUSES), Tender.publication_at <= now)
        .options(
            selectinload(Tender.municipalities),
            selectinload(Tender.windows),
            selectinload(Tender.lots),
            selectinload(Tender.documents),
            selectinload(Tender.results).selectinload(Result.levels).selectinload(ResultLevel.tariffs),
        )
        .order_by(Tender.id)
    )


def public_list(*, now: datetime) -> list[sa.Row]:
    """(id, reference, title) of every public tender, for the index page: no relations loaded."""
    return list(
        db.session.execute(
            sa.select(Tender.id, Tender.reference, Tender.title)
            .where(Tender.status.in_(PUBLIC_STATUSES), Tender.publication_at <= now)
            .order_by(Tender.id)
        )
    )


def public_tender(tender_id: int, *, now: datetime) -> TenderData | None:
    tender = db.session.scalar(_public(now).where(Tender.id == tender_id))
    return _load([tender])[0] if tender is not None else None


def public_tenders(*, now: datetime) -> list[TenderData]:
    return _load(list(db.session.scalars(_public(now))))


def _load(tenders: list[Tender]) -> list[TenderData]:
    found = {t.id: TenderData(t) for t in tenders}
    ids = list(found)
    if not ids:
        return []
    for rectification in db.session.scalars(
        sa.select(Rectification).where(Rectification.tender_id.in_(ids)).order_by(Rectification.id)
    ):
        found[rectification.tender_id].rectifications.append(rectification)
    for nota in db.session.scalars(sa.select(Nota).where(Nota.tender_id.in_(ids)).order_by(Nota.number)):
        found[nota.tender_id].notas.append(nota)
    rows = db.session.execute(
        sa.select(Decision, BidSubmission.admission_window_id, Bid.tender_id, Organisation)
        .join(BidSubmission, Decision.submission_id == BidSubmission.id)
        .join(Bid, BidSubmission.bid_id == Bid.id)
        .join(Organisation, Bid.organisation_id == Organisation.id)
        .where(Bid.tender_id.in_(ids))
        .order_by(Decision.id)
    )
    for decision, window_id, tender_id, organisation in rows:
        found[tender_id].decisions.append(
            SentDecision(
                decision.lot_id,
                decision.outcome.value == "admitted",
                decision.sent_at,
                window_id,
                organisation,
            )
        )
    _load_agreements(found)
    _load_document_owners(found)
    return list(found.values())


def _load_document_owners(found: dict[int, TenderData]) -> None:
    """Which rectification each document came with, from the order of the audit trail (its ids).

    After publication a document is only added with a rectification (tenders.service.add_document), in
    the same request after it: a document audited after a rectification belongs to the latest one
    before it. Documents of the set-up, and any without an audit event, belong to the publication.
    """
    documents = {d.id: d.tender_id for data in found.values() for d in data.tender.documents}
    if not documents:
        return
    events = db.session.execute(
        sa.select(AuditEvent.action, AuditEvent.object_id, AuditEvent.detail)
        .where(
            sa.or_(
                sa.and_(
                    AuditEvent.action == "tenders.rectify",
                    AuditEvent.object_type == "Tender",
                    AuditEvent.object_id.in_(list(found)),
                ),
                sa.and_(
                    AuditEvent.action == "tenders.add_document",
                    AuditEvent.object_type == "TenderDocument",
                    AuditEvent.object_id.in_(list(documents)),
                ),
            )
        )
        .order_by(AuditEvent.id)
    )
    latest: dict[int, int] = {}
    for action, object_id, detail in events:
        if action == "tenders.rectify":
            latest[object_id] = int((detail or {}).get("rectification_id", 0))
        elif documents[object_id] in latest:
            found[documents[object_id]].document_owner[object_id] = latest[documents[object_id]]


def _load_agreements(found: dict[int, TenderData]) -> None:
    agreements = list(
        db.session.scalars(
            sa.select(Agreement)
            .where(Agreement.tender_id.in_(list(found)), Agreement.status != AgreementStatus.DRAFT)
            .options(selectinload(Agreement.versions), selectinload(Agreement.organisation))
            .order_by(Agreement.id)
        )
    )
    sent: dict[int, datetime] = {}
    if agreements:
        sent_rows = db.session.execute(
            sa.select(AuditEvent.object_id, sa.func.min(AuditEvent.at))
            .where(
                AuditEvent.action == "agreements.sent",
                AuditEvent.object_type == "Agreement",
                AuditEvent.object_id.in_([a.id for a in agreements]),
            )
            .group_by(AuditEvent.object_id)
        )
        sent = {object_id: _aware(at) for object_id, at in sent_rows if object_id is not None}
    by_tender: dict[int, list[Agreement]] = defaultdict(list)
    for agreement in agreements:
        by_tender[agreement.tender_id].append(agreement)
        # The sending is audited; a contract without that event counts as sent with its first version.
        found[agreement.tender_id].sent_at[agreement.id] = (
            sent.get(agreement.id) or agreement.versions[0].created_at
        )
    for tender_id, items in by_tender.items():
        found[tender_id].agreements = items


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
