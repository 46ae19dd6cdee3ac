"""Raamovereenkomst: the contract, its versions, the template, numbering and bulk generation jobs."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, enum_column, link_table, utcnow
from portal.models.enums import AgreementStatus, JobStatus
from portal.models.organisation import Municipality, Organisation

agreement_municipality = link_table(
    "agreement_municipality",
    "agreement_id=agreement",
    "municipality_id=municipality",
    linked_ondelete="RESTRICT",
)


class ContractNumberSequence(Base):
    """The last contract number handed out per year; locked row by row, so numbers have no gaps."""

    __tablename__ = "contract_number_sequence"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(default=0)


class ContractTemplate(Base):
    """The general terms and prestatieafspraken as text with placeholders; every edit is a new version."""

    __tablename__ = "contract_template"
    __table_args__ = (sa.UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int]
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))


class Agreement(Base):
    __tablename__ = "agreement"
    __table_args__ = (
        sa.UniqueConstraint("tender_id", "organisation_id"),
        sa.UniqueConstraint("year", "sequence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(20), unique=True)  # NMD-<year>-<sequence>
    year: Mapped[int]
    sequence: Mapped[int]
    tender_id: Mapped[int] = mapped_column(sa.ForeignKey("tender.id", ondelete="RESTRICT"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="RESTRICT"))
    status: Mapped[AgreementStatus] = mapped_column(
        enum_column(AgreementStatus), default=AgreementStatus.DRAFT
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    municipalities: Mapped[list[Municipality]] = relationship(secondary=agreement_municipality)
    versions: Mapped[list[AgreementVersion]] = relationship(
        back_populates="agreement", order_by="AgreementVersion.version", cascade="all, delete-orphan"
    )


class AgreementVersion(Base):
    """One version of a contract: its frozen content, the PDF's hash, acceptance and signature."""

    __tablename__ = "agreement_version"
    __table_args__ = (sa.UniqueConstraint("agreement_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreement.id", ondelete="CASCADE"))
    version: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    change_summary: Mapped[str] = mapped_column(sa.Text, default="")
    content: Mapped[dict] = mapped_column(sa.JSON)
    # The version's last day (the ending date when ended early, else the end of the term), from
    # `content`: stored beside it so the register need not read the content.
    ends_on: Mapped[date | None]
    template_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contract_template.id", ondelete="RESTRICT")
    )
    pdf_stored_name: Mapped[str | None] = mapped_column(sa.String(64))
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    accepted_name: Mapped[str | None] = mapped_column(sa.String(200))
    accepted_function: Mapped[str | None] = mapped_column(sa.String(200))
    accepted_ip: Mapped[str | None] = mapped_column(sa.String(45))
    signed_at: Mapped[datetime | None]
    signed_recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )

    agreement: Mapped[Agreement] = relationship(back_populates="versions")


class GenerationJob(Base):
    """A bulk generation of contracts for a tender; resumable, failures retried on their own."""

    __tablename__ = "generation_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(sa.ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    status: Mapped[JobStatus] = mapped_column(enum_column(JobStatus), default=JobStatus.QUEUED)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    finished_at: Mapped[datetime | None]

    items: Mapped[list[GenerationJobItem]] = relationship(back_populates="job", cascade="all, delete-orphan")


class GenerationJobItem(Base):
    __tablename__ = "generation_job_item"
    __table_args__ = (sa.UniqueConstraint("job_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(sa.ForeignKey("generation_job.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"))
    status: Mapped[JobStatus] = mapped_column(enum_column(JobStatus), default=JobStatus.QUEUED)
    error: Mapped[str | None] = mapped_column(sa.Text)
    agreement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agreement.id", ondelete="SET NULL"))

    job: Mapped[GenerationJob] = relationship(back_populates="items")


def last_day(content: dict | None) -> date | None:
    term = (content or {}).get("term") or {}
    value = term.get("ended_on") or term.get("end")
    return date.fromisoformat(value) if value else None


@sa.event.listens_for(AgreementVersion, "before_insert")
def _derive_ends_on(_mapper: object, _connection: object, version: AgreementVersion) -> None:
    if version.ends_on is None:
        version.ends_on = last_day(version.content)
