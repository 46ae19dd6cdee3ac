"""The sealed period: until the bids of a tender are opened, nobody at the municipality learns who bids.

One rule, `bidders_visible`, and the reads built on it. Staff pages that name, count or hash bidders
(the audit trail, the conflict-of-interest declaration) ask here; the content of a bid has its own,
stricter rule (portal.bids.rules.content_visible).

The period ends when the vault is opened (Opening.opened_at): for an aanbesteding or subsidie the
two-person opening after the deadline, for open house the opening of its first admission window. A
rectification cannot move a deadline once an opening exists (portal.tenders.publication).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from portal.extensions import db
from portal.models import AuditEvent, Bid, BidSubmission, Nota, Opening, OutgoingMail, Rectification, Tender


def bidders_visible(opened_at: datetime | None, *, now: datetime) -> bool:
    """Whether who bids on a tender may be shown to people: only once its bids have been opened."""
    return opened_at is not None and opened_at <= now


def opened_at(tender: Tender) -> datetime | None:
    """When the tender's bids were first opened (None while sealed)."""
    return db.session.scalar(
        sa.select(sa.func.min(Opening.opened_at)).where(
            Opening.tender_id == tender.id, Opening.opened_at.is_not(None)
        )
    )


def tender_bidders_visible(tender: Tender, *, now: datetime) -> bool:
    return bidders_visible(opened_at(tender), now=now)


def _opened_tenders(now: datetime) -> sa.Select:
    return sa.select(Opening.tender_id).where(Opening.opened_at.is_not(None), Opening.opened_at <= now)


def _detail_id(key: str) -> sa.ColumnElement:
    """An id kept in the event's detail (as text), as an integer; NULL when it is not a plain number."""
    value = AuditEvent.detail[key].as_string()
    return sa.case((value.regexp_match("^[0-9]{1,9}$"), sa.cast(value, sa.Integer)))


def audit_event_tender() -> sa.ColumnElement:
    """The tender an audit event is about, as an SQL expression (NULL when it names none).

    Bid events name their bid as the object or as `bid_id` in the detail; tender events name the tender
    as the object or as `tender_id` in the detail (both as the feature records them).
    """
    bid_tender = sa.select(Bid.tender_id).where(Bid.id == _audit_event_bid()).correlate(AuditEvent)
    return sa.case(
        (AuditEvent.object_type == "Tender", AuditEvent.object_id),
        else_=sa.func.coalesce(_detail_id("tender_id"), bid_tender.scalar_subquery()),
    )


def _audit_event_bid() -> sa.ColumnElement:
    """The bid an audit event is about: its object (a bid or a submission) or `bid_id` in the detail."""
    submission_bid = (
        sa.select(BidSubmission.bid_id)
        .where(BidSubmission.id == AuditEvent.object_id)
        .correlate(AuditEvent)  # two levels deep: auto-correlation reaches one level only
    )
    return sa.case(
        (AuditEvent.object_type == "Bid", AuditEvent.object_id),
        (AuditEvent.object_type == "BidSubmission", submission_bid.scalar_subquery()),
        else_=_detail_id("bid_id"),
    )


def audit_event_sealed(now: datetime) -> sa.ColumnElement[bool]:
    """True for an event that would tell a person who bids on a tender whose bids are still sealed.

    Any event of the bids feature (bid start, drafts, evidence, submit with its hash, withdraw, refused
    attempts) and any event caused by a provider organisation (following, asking) on such a tender. A
    provider's bid event that names no tender cannot be placed after an opening, so it stays hidden
    from people; staff's own refused attempts that name no tender stay visible (they name no bidder).
    """
    tender_id = audit_event_tender()
    is_bid_event = AuditEvent.action.startswith("bids.", autoescape=True)
    by_provider = AuditEvent.organisation_id.is_not(None)
    return sa.or_(
        sa.and_(is_bid_event, by_provider, tender_id.is_(None)),
        sa.and_(
            sa.or_(is_bid_event, by_provider),
            tender_id.is_not(None),  # NULL NOT IN (...) is NULL, and NOT NULL would hide the event
            tender_id.not_in(_opened_tenders(now)),
        ),
    )


def outgoing_mail_sealed(now: datetime) -> sa.ColumnElement[bool]:
    """True for a queued message that would tell who bids on a sealed tender, for an outbox page.

    A bid receipt (to the bidder), and a rectification or Nota of such a tender (to its drafters and
    followers), placed by the dedupe key their feature gives them.
    """
    opened = _opened_tenders(now)
    receipt = _keyed("bids.receipt:", BidSubmission.id, ":")
    return sa.or_(
        sa.exists().where(BidSubmission.bid_id == Bid.id, Bid.tender_id.not_in(opened), receipt),
        sa.exists().where(
            Rectification.tender_id.not_in(opened), _keyed("rectification-", Rectification.id, "-")
        ),
        sa.exists().where(Nota.tender_id.not_in(opened), _keyed("nota-", Nota.id, "-")),
    )


def _keyed(prefix: str, key_id: orm.QueryableAttribute[int], separator: str) -> sa.ColumnElement[bool]:
    """The message's dedupe key is `prefix`, the id and `separator`, then anything."""
    return OutgoingMail.dedupe_key.like(sa.literal(prefix) + sa.cast(key_id, sa.String) + f"{separator}%")
