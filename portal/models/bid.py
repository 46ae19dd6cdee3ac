"""Inschrijving: the organisation's bid on a tender, its choices, answers, evidence and submissions.

A Bid is the organisation's working copy for a tender (one per organisation per tender). Every
submission freezes it into an immutable BidSubmission with a canonical content and its SHA-256.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, enum_column, link_table, utcnow
from portal.models.enums import BidStatus, ScanStatus, SubmissionStatus
from portal.models.organisation import Organisation
from portal.models.tender import Tender

answer_evidence = link_table(
    "answer_evidence", "answer_id=requirement_answer", "evidence_id=evidence_file", linked_ondelete="RESTRICT"
)


class Bid(Base):
    __tablename__ = "bid"
    __table_args__ = (sa.UniqueConstraint("tender_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(sa.ForeignKey("tender.id", ondelete="RESTRICT"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="RESTRICT"))
    status: Mapped[BidStatus] = mapped_column(enum_column(BidStatus), default=BidStatus.DRAFT)
    choice_version: Mapped[int] = mapped_column(default=0)  # optimistic lock of the choice section
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    tender: Mapped[Tender] = relationship()
    organisation: Mapped[Organisation] = relationship()
    lines: Mapped[list[BidLine]] = relationship(back_populates="bid", cascade="all, delete-orphan")
    requirement_answers: Mapped[list[RequirementAnswer]] = relationship(
        back_populates="bid", cascade="all, delete-orphan"
    )
    criterion_answers: Mapped[list[CriterionAnswer]] = relationship(
        back_populates="bid", cascade="all, delete-orphan"
    )
    submissions: Mapped[list[BidSubmission]] = relationship(
        back_populates="bid", order_by="BidSubmission.version"
    )


class BidLine(Base):
    """One chosen result-level in one municipality (the perceel follows from the result-level)."""

    __tablename__ = "bid_line"
    __table_args__ = (sa.UniqueConstraint("bid_id", "result_level_id", "municipality_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(sa.ForeignKey("bid.id", ondelete="CASCADE"), index=True)
    lot_id: Mapped[int] = mapped_column(sa.ForeignKey("lot.id", ondelete="RESTRICT"))
    result_level_id: Mapped[int] = mapped_column(sa.ForeignKey("result_level.id", ondelete="RESTRICT"))
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id", ondelete="RESTRICT"))

    bid: Mapped[Bid] = relationship(back_populates="lines")


class EvidenceFile(Base):
    """An uploaded evidence file, owned by the organisation so it can be attached again later."""

    __tablename__ = "evidence_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    scan_status: Mapped[ScanStatus] = mapped_column(enum_column(ScanStatus))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    # Set by `flask uploads-cleanup` when it first finds the file attached to no answer, cleared when it
    # is attached again; a day later the file is removed (portal/bids/cleanup.py).
    unattached_since: Mapped[datetime | None]


class RequirementAnswer(Base):
    __tablename__ = "requirement_answer"
    __table_args__ = (sa.UniqueConstraint("bid_id", "requirement_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(sa.ForeignKey("bid.id", ondelete="CASCADE"), index=True)
    requirement_id: Mapped[int] = mapped_column(sa.ForeignKey("requirement.id", ondelete="RESTRICT"))
    declaration: Mapped[bool | None]
    text: Mapped[str] = mapped_column(sa.Text, default="")
    answer_date: Mapped[date | None]
    version: Mapped[int] = mapped_column(default=0)  # optimistic lock
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    bid: Mapped[Bid] = relationship(back_populates="requirement_answers")
    evidence: Mapped[list[EvidenceFile]] = relationship(secondary=answer_evidence)


class CriterionAnswer(Base):
    __tablename__ = "criterion_answer"
    __table_args__ = (sa.UniqueConstraint("bid_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(sa.ForeignKey("bid.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("award_criterion.id", ondelete="RESTRICT"))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    version: Mapped[int] = mapped_column(default=0)  # optimistic lock
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    bid: Mapped[Bid] = relationship(back_populates="criterion_answers")


class BidSubmission(Base):
    """An immutable submitted version of a bid: canonical content, its SHA-256 and the receipt."""

    __tablename__ = "bid_submission"
    __table_args__ = (sa.UniqueConstraint("bid_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(sa.ForeignKey("bid.id", ondelete="RESTRICT"), index=True)
    version: Mapped[int]
    status: Mapped[SubmissionStatus] = mapped_column(
        enum_column(SubmissionStatus), default=SubmissionStatus.SUBMITTED
    )
    admission_window_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("admission_window.id", ondelete="RESTRICT")
    )
    submitted_at: Mapped[datetime]
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    signatory_name: Mapped[str] = mapped_column(sa.String(200))
    signatory_function: Mapped[str] = mapped_column(sa.String(200))
    content: Mapped[dict] = mapped_column(sa.JSON)
    # The percelen of `content`, stored beside it so lists of submissions need not load the content.
    lot_ids: Mapped[list[int]] = mapped_column(sa.JSON, server_default=sa.text("'[]'"))
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    bid: Mapped[Bid] = relationship(back_populates="submissions")


@sa.event.listens_for(BidSubmission, "before_insert")
def _derive_lot_ids(_mapper: object, _connection: object, submission: BidSubmission) -> None:
    if not submission.lot_ids:
        from portal.bids.content import SubmittedContent  # the bids feature owns the content's shape

        submission.lot_ids = SubmittedContent.from_json(submission.content).lot_ids
