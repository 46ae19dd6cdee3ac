"""Opening, assessors, requirement checks, clarifications, scores and decisions."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, enum_column, link_table, utcnow
from portal.models.enums import DecisionOutcome, RequirementOutcome, ScoreKind

if TYPE_CHECKING:
    from portal.models.organisation import Organisation

conflict_organisation = link_table(
    "conflict_organisation", "declaration_id=conflict_declaration", "organisation_id=organisation"
)


class Opening(Base):
    """Opening of the vault: for an aanbesteding two buyers confirm within 10 minutes of each other."""

    __tablename__ = "opening"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(sa.ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    admission_window_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("admission_window.id", ondelete="CASCADE")
    )
    first_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="RESTRICT"))
    first_at: Mapped[datetime]
    second_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="RESTRICT"))
    second_at: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]


class AssessorAppointment(Base):
    """An assessor appointed for a tender, optionally for one criterion only."""

    __tablename__ = "assessor_appointment"
    __table_args__ = (sa.UniqueConstraint("tender_id", "user_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(sa.ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    criterion_id: Mapped[int | None] = mapped_column(sa.ForeignKey("award_criterion.id", ondelete="CASCADE"))
    appointed_at: Mapped[datetime] = mapped_column(default=utcnow)
    appointed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))


class ConflictDeclaration(Base):
    """An assessor's declaration per tender: no conflict of interest, or the organisations concerned."""

    __tablename__ = "conflict_declaration"
    __table_args__ = (sa.UniqueConstraint("tender_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(sa.ForeignKey("tender.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    declared_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(sa.Text, default="")

    organisations: Mapped[list[Organisation]] = relationship(secondary=conflict_organisation)


class RequirementCheck(Base):
    """The assessment of one requirement of one submission: met, not met, or clarification needed."""

    __tablename__ = "requirement_check"
    __table_args__ = (sa.UniqueConstraint("submission_id", "requirement_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("bid_submission.id", ondelete="CASCADE"))
    requirement_id: Mapped[int] = mapped_column(sa.ForeignKey("requirement.id", ondelete="CASCADE"))
    outcome: Mapped[RequirementOutcome] = mapped_column(enum_column(RequirementOutcome))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))


class Clarification(Base):
    """A question to the provider about a submitted bid; the answer is added, never changing the bid."""

    __tablename__ = "clarification"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("bid_submission.id", ondelete="CASCADE"))
    requirement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("requirement.id", ondelete="SET NULL"))
    question: Mapped[str] = mapped_column(sa.Text)
    response_deadline: Mapped[datetime]
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    asked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    answer: Mapped[str | None] = mapped_column(sa.Text)
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))


class Score(Base):
    """Beoordeling: one assessor's score of one criterion of one submission, or the consensus.

    For a consensus, `assessor_id` is the buyer who recorded it; at most one consensus per pair.
    """

    __tablename__ = "score"
    __table_args__ = (
        sa.UniqueConstraint("submission_id", "criterion_id", "assessor_id", "kind"),
        sa.Index(
            "uq_score_consensus",
            "submission_id",
            "criterion_id",
            unique=True,
            sqlite_where=sa.text("kind = 'consensus'"),
            postgresql_where=sa.text("kind = 'consensus'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("bid_submission.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("award_criterion.id", ondelete="CASCADE"))
    assessor_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="RESTRICT"))
    kind: Mapped[ScoreKind] = mapped_column(enum_column(ScoreKind))
    value: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2))
    motivation: Mapped[str] = mapped_column(sa.Text)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)


class Decision(Base):
    """Besluit per submission and perceel: admitted or rejected, approved by a second buyer."""

    __tablename__ = "decision"
    __table_args__ = (sa.UniqueConstraint("submission_id", "lot_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("bid_submission.id", ondelete="RESTRICT"))
    lot_id: Mapped[int] = mapped_column(sa.ForeignKey("lot.id", ondelete="RESTRICT"))
    outcome: Mapped[DecisionOutcome] = mapped_column(enum_column(DecisionOutcome))
    motivation: Mapped[str] = mapped_column(sa.Text)
    drafted_at: Mapped[datetime] = mapped_column(default=utcnow)
    drafted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime | None]
    letter_stored_name: Mapped[str | None] = mapped_column(sa.String(64))
    letter_sha256: Mapped[str | None] = mapped_column(sa.String(64))
