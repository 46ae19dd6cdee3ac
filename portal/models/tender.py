"""Inkooptraject with its resultatenmatrix, percelen, requirements, criteria, documents and questions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, enum_column, level_range, link_table, utcnow
from portal.models.enums import AnswerType, Law, Procedure, RequirementKind, TenderStatus
from portal.models.organisation import Municipality

tender_municipality = link_table(
    "tender_municipality", "tender_id=tender", "municipality_id=municipality", linked_ondelete="RESTRICT"
)
requirement_lot = link_table("requirement_lot", "requirement_id=requirement", "lot_id=lot")
criterion_lot = link_table("criterion_lot", "criterion_id=award_criterion", "lot_id=lot")


class Tender(Base):
    """Inkooptraject: one procurement procedure with its own rules and dates."""

    __tablename__ = "tender"
    __table_args__ = (sa.CheckConstraint("term_months > 0", name="term_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(40), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    procedure: Mapped[Procedure] = mapped_column(enum_column(Procedure))
    law: Mapped[Law] = mapped_column(enum_column(Law))
    status: Mapped[TenderStatus] = mapped_column(enum_column(TenderStatus), default=TenderStatus.DRAFT)
    publication_at: Mapped[datetime | None]
    question_deadline: Mapped[datetime | None]
    submission_deadline: Mapped[datetime | None]  # aanbesteding/subsidie; open house uses windows
    contract_start: Mapped[date | None]
    term_months: Mapped[int] = mapped_column(default=36)
    extension_count: Mapped[int] = mapped_column(default=0)
    extension_months: Mapped[int] = mapped_column(default=12)
    tie_break_rule: Mapped[str] = mapped_column(sa.String(40), default="earliest_submission")
    standstill_days: Mapped[int] = mapped_column(default=20)
    published_at: Mapped[datetime | None]
    archived_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    copied_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tender.id", ondelete="SET NULL"))

    municipalities: Mapped[list[Municipality]] = relationship(
        secondary=tender_municipality, order_by=Municipality.name
    )
    windows: Mapped[list[AdmissionWindow]] = relationship(
        back_populates="tender", cascade="all, delete-orphan", order_by="AdmissionWindow.opens_at"
    )
    lots: Mapped[list[Lot]] = relationship(
        back_populates="tender", cascade="all, delete-orphan", order_by="Lot.position"
    )
    results: Mapped[list[Result]] = relationship(
        back_populates="tender", cascade="all, delete-orphan", order_by="Result.code"
    )
    levels: Mapped[list[Level]] = relationship(
        back_populates="tender", cascade="all, delete-orphan", order_by="Level.number"
    )
    requirements: Mapped[list[Requirement]] = relationship(
        back_populates="tender", cascade="all, delete-orphan", order_by="Requirement.position"
    )
    criteria: Mapped[list[AwardCriterion]] = relationship(
        back_populates="tender", cascade="all, delete-orphan", order_by="AwardCriterion.position"
    )
    documents: Mapped[list[TenderDocument]] = relationship(
        back_populates="tender", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Tender {self.reference}>"


class AdmissionWindow(Base):
    """Toelatingsronde of an open-house tender: bids received in it are assessed after it closes."""

    __tablename__ = "admission_window"
    __table_args__ = (sa.CheckConstraint("closes_at > opens_at", name="window_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(sa.ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]

    tender: Mapped[Tender] = relationship(back_populates="windows")


class Domain(Base):
    """Domein of the resultatenmatrix: Veilig, Zelfredzaam, Meedoen, Gezond."""

    __tablename__ = "domain"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60), unique=True)
    position: Mapped[int] = mapped_column(default=0)


class Level(Base):
    """Interventieniveau 4..8 of a tender's matrix, with its general description."""

    __tablename__ = "level"
    __table_args__ = (
        sa.UniqueConstraint("tender_id", "number"),
        level_range("number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(sa.ForeignKey("tender.id", ondelete="CASCADE"))
    number: Mapped[int]
    description: Mapped[str] = mapped_column(sa.String(300), default="")

    tender: Mapped[Tender] = relationship(back_populates="levels")


class Lot(Base):
    """Perceel: a group of result-levels a provider bids on."""

    __tablename__ = "lot"
    __table_args__ = (
        sa.UniqueConstraint("tender_id", "name"),
        sa.CheckConstraint("max_providers IS NULL OR max_providers > 0", name="max_providers_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(sa.ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    max_providers: Mapped[int | None]
    position: Mapped[int] = mapped_column(default=0)

    tender: Mapped[Tender] = relationship(back_populates="lots")
    result_levels: Mapped[list[ResultLevel]] = relationship(back_populates="lot")


class Result(Base):
    """Hoofdresultaat of the matrix, with its law and product code."""

    __tablename__ = "result"
    __table_args__ = (sa.UniqueConstraint("tender_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(sa.ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    domain_id: Mapped[int] = mapped_column(sa.ForeignKey("domain.id", ondelete="RESTRICT"))
    code: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(200))
    law: Mapped[Law] = mapped_column(enum_column(Law))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    product_code: Mapped[str] = mapped_column(sa.String(20), default="")
    # iStandaarden (iWmo/iJw): productcategorie (2 digits), eenheid (WJ756) and frequentie (WJ757) codes;
    # checked against the reference list in portal/standards (empty: not yet given)
    product_category: Mapped[str] = mapped_column(sa.String(2), default="", server_default="")
    unit: Mapped[str] = mapped_column(sa.String(2), default="", server_default="")
    frequency: Mapped[str] = mapped_column(sa.String(2), default="", server_default="")

    tender: Mapped[Tender] = relationship(back_populates="results")
    domain: Mapped[Domain] = relationship()
    levels: Mapped[list[ResultLevel]] = relationship(
        back_populates="result", cascade="all, delete-orphan", order_by="ResultLevel.level"
    )


class ResultLevel(Base):
    """One result at one interventieniveau; belongs to at most one perceel."""

    __tablename__ = "result_level"
    __table_args__ = (
        sa.UniqueConstraint("result_id", "level"),
        level_range("level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(sa.ForeignKey("result.id", ondelete="CASCADE"))
    level: Mapped[int]
    description: Mapped[str] = mapped_column(sa.String(300), default="")
    lot_id: Mapped[int | None] = mapped_column(sa.ForeignKey("lot.id", ondelete="SET NULL"), index=True)

    result: Mapped[Result] = relationship(back_populates="levels")
    lot: Mapped[Lot | None] = relationship(back_populates="result_levels")
    tariffs: Mapped[list[Tariff]] = relationship(back_populates="result_level", cascade="all, delete-orphan")


class Tariff(Base):
    """Euro amount for a result-level in a municipality, valid from a date (until the next one)."""

    __tablename__ = "tariff"
    __table_args__ = (
        sa.UniqueConstraint("result_level_id", "municipality_id", "valid_from"),
        sa.CheckConstraint("amount >= 0", name="amount_non_negative"),
        sa.CheckConstraint("valid_until IS NULL OR valid_until > valid_from", name="period_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    result_level_id: Mapped[int] = mapped_column(sa.ForeignKey("result_level.id", ondelete="CASCADE"))
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id", ondelete="RESTRICT"))
    valid_from: Mapped[date]
    valid_until: Mapped[date | None]
    amount: Mapped[Decimal]
    unit: Mapped[str] = mapped_column(sa.String(40), default="per maand")

    result_level: Mapped[ResultLevel] = relationship(back_populates="tariffs")
    municipality: Mapped[Municipality] = relationship()


class RequirementTemplate(Base):
    """The library of requirements a buyer can pick from (seed 004 §5.2 and §3.1 are in it)."""

    __tablename__ = "requirement_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RequirementKind] = mapped_column(enum_column(RequirementKind))
    text: Mapped[str] = mapped_column(sa.Text)
    answer_type: Mapped[AnswerType] = mapped_column(enum_column(AnswerType))
    evidence_required: Mapped[bool] = mapped_column(default=False)
    knockout: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(sa.String(200), default="")


class Requirement(Base):
    """Kwaliteitseis or geschiktheidseis of one tender. No lots linked means: all lots."""

    __tablename__ = "requirement"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(sa.ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    kind: Mapped[RequirementKind] = mapped_column(enum_column(RequirementKind))
    text: Mapped[str] = mapped_column(sa.Text)
    answer_type: Mapped[AnswerType] = mapped_column(enum_column(AnswerType))
    evidence_required: Mapped[bool] = mapped_column(default=False)
    knockout: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    template_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("requirement_template.id", ondelete="SET NULL")
    )

    tender: Mapped[Tender] = relationship(back_populates="requirements")
    lots: Mapped[list[Lot]] = relationship(secondary=requirement_lot)


class AwardCriterion(Base):
    """Gunningscriterium: a question assessors score on the tender's scale.

    `scale` is a list of {"score": "6", "label": "Voldoende"} steps, scores as decimal strings.
    """

    __tablename__ = "award_criterion"
    __table_args__ = (
        sa.CheckConstraint("weight >= 0 AND weight <= 100", name="weight_range"),
        sa.CheckConstraint("word_limit IS NULL OR word_limit > 0", name="word_limit_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(sa.ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(sa.Text)
    guidance: Mapped[str] = mapped_column(sa.Text, default="")
    weight: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2))
    scale: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON)
    word_limit: Mapped[int | None]
    minimum_score: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    position: Mapped[int] = mapped_column(default=0)

    tender: Mapped[Tender] = relationship(back_populates="criteria")
    lots: Mapped[list[Lot]] = relationship(secondary=criterion_lot)


class TenderDocument(Base):
    """A tender document providers download; stored outside static/ under a generated name."""

    __tablename__ = "tender_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(sa.ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    tender: Mapped[Tender] = relationship(back_populates="documents")


class Rectification(Base):
    """A published change to a tender after publication: what changed, why, when."""

    __tablename__ = "rectification"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(sa.ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    what: Mapped[str] = mapped_column(sa.Text)
    why: Mapped[str] = mapped_column(sa.Text)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))


class TenderFollow(Base):
    """An organisation follows a tender: it is mailed on answers and rectifications."""

    __tablename__ = "tender_follow"
    __table_args__ = (sa.UniqueConstraint("tender_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(sa.ForeignKey("tender.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"))
    followed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Nota(Base):
    """Nota van Inlichtingen: a numbered, published batch of answers and announcements."""

    __tablename__ = "nota"
    __table_args__ = (sa.UniqueConstraint("tender_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(sa.ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    announcements: Mapped[str] = mapped_column(sa.Text, default="")
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    questions: Mapped[list[Question]] = relationship(back_populates="nota", order_by="Question.number")


class Question(Base):
    """Vraag of a provider about a tender; its answer is published without the asker's identity."""

    __tablename__ = "question"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(sa.ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="RESTRICT"))
    asked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tender_document.id", ondelete="SET NULL"))
    requirement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("requirement.id", ondelete="SET NULL"))
    criterion_id: Mapped[int | None] = mapped_column(sa.ForeignKey("award_criterion.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(sa.Text)
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    answer: Mapped[str | None] = mapped_column(sa.Text)
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("question.id", ondelete="SET NULL"))
    nota_id: Mapped[int | None] = mapped_column(sa.ForeignKey("nota.id", ondelete="SET NULL"))
    number: Mapped[int | None]  # its number in the Nota

    nota: Mapped[Nota | None] = relationship(back_populates="questions")
