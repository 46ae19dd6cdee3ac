"""The contract term: monitoring actions per contracted provider, client stops, and sent reminders.

Seed 000 kader 13 and the audit (seed 004, chapter 5): accountgesprekken, signals, verbeterplannen,
cliëntenstops, suspension and termination, evaluations. Every action keeps its history as events.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, enum_column, utcnow
from portal.models.enums import LabelledEnum
from portal.models.organisation import Organisation


class MonitoringEnum(LabelledEnum):
    """An enum of this module: its labels are in MONITORING_LABELS below, not in enums.py."""

    @property
    def label(self) -> str:
        return str(MONITORING_LABELS[self])


class ActionKind(MonitoringEnum):
    ACCOUNT_MEETING = "account_meeting"
    SIGNAL = "signal"
    IMPROVEMENT_PLAN = "improvement_plan"
    CLIENT_STOP = "client_stop"
    SUSPENSION = "suspension"
    TERMINATION = "termination"
    INTERIM_EVALUATION = "interim_evaluation"
    FINAL_EVALUATION = "final_evaluation"


class ActionStatus(MonitoringEnum):
    PLANNED = "planned"
    OPEN = "open"
    REQUESTED = "requested"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    IN_FORCE = "in_force"
    LIFTED = "lifted"
    DONE = "done"
    CANCELLED = "cancelled"


class DocumentKind(MonitoringEnum):
    VOG = "vog"
    LIABILITY_INSURANCE = "liability_insurance"
    QUALITY_MARK = "quality_mark"


MONITORING_LABELS: dict[enum.Enum, object] = {
    DocumentKind.VOG: _l("Verklaring omtrent het gedrag (VOG)"),
    DocumentKind.LIABILITY_INSURANCE: _l("Aansprakelijkheidsverzekering"),
    DocumentKind.QUALITY_MARK: _l("Keurmerk of certificaat"),
    ActionKind.ACCOUNT_MEETING: _l("Accountgesprek"),
    ActionKind.SIGNAL: _l("Signaal of klacht"),
    ActionKind.IMPROVEMENT_PLAN: _l("Verbeterplan"),
    ActionKind.CLIENT_STOP: _l("Cliëntenstop"),
    ActionKind.SUSPENSION: _l("Opschorting"),
    ActionKind.TERMINATION: _l("Beëindiging"),
    ActionKind.INTERIM_EVALUATION: _l("Tussentijdse evaluatie"),
    ActionKind.FINAL_EVALUATION: _l("Eindevaluatie"),
    ActionStatus.PLANNED: _l("Gepland"),
    ActionStatus.OPEN: _l("Open"),
    ActionStatus.REQUESTED: _l("Gevraagd"),
    ActionStatus.SUBMITTED: _l("Ingediend"),
    ActionStatus.ACCEPTED: _l("Goedgekeurd"),
    ActionStatus.REJECTED: _l("Afgewezen"),
    ActionStatus.IN_FORCE: _l("Van kracht"),
    ActionStatus.LIFTED: _l("Opgeheven"),
    ActionStatus.DONE: _l("Afgerond"),
    ActionStatus.CANCELLED: _l("Vervallen"),
}


class MonitoringAction(Base):
    """One action of the quality team or contract manager with a contracted provider."""

    __tablename__ = "monitoring_action"
    __table_args__ = (sa.Index("ix_monitoring_action_org_status", "organisation_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="RESTRICT"))
    agreement_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agreement.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[ActionKind] = mapped_column(enum_column(ActionKind))
    status: Mapped[ActionStatus] = mapped_column(enum_column(ActionStatus), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    agreements_made: Mapped[str] = mapped_column(sa.Text, default="")
    happens_on: Mapped[date | None]  # the meeting or evaluation; the start of a stop or suspension
    due_on: Mapped[date | None]  # the verbeterplan's deadline; the last day of a stop; the contract's end
    provider_response: Mapped[str] = mapped_column(sa.Text, default="")
    responded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    events: Mapped[list[ActionEvent]] = relationship(
        back_populates="action", order_by="ActionEvent.id", cascade="all, delete-orphan"
    )
    stop_lines: Mapped[list[ClientStopLine]] = relationship(cascade="all, delete-orphan")


class ActionEvent(Base):
    """The history of an action: who moved it from which status to which, when, with what note."""

    __tablename__ = "monitoring_action_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(
        sa.ForeignKey("monitoring_action.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    from_status: Mapped[str | None] = mapped_column(sa.String(32))
    to_status: Mapped[str] = mapped_column(sa.String(32))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    action: Mapped[MonitoringAction] = relationship(back_populates="events")


class ClientStopLine(Base):
    """A cliëntenstop covers municipality × result pairs; the action holds its dates and reason."""

    __tablename__ = "client_stop_line"

    action_id: Mapped[int] = mapped_column(
        sa.ForeignKey("monitoring_action.id", ondelete="CASCADE"), primary_key=True
    )
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="RESTRICT"), primary_key=True
    )
    result_id: Mapped[int] = mapped_column(sa.ForeignKey("result.id", ondelete="RESTRICT"), primary_key=True)


class SentReminder(Base):
    """A reminder the scheduler sent, by a key naming what it is about: each is sent once."""

    __tablename__ = "sent_reminder"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class StoredUpload:
    """The columns of an uploaded file kept in the upload store (portal/uploads.py): what monitoring's
    dossier and action documents both hold."""

    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(64))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))


class DossierDocument(StoredUpload, Base):
    """A document of the provider's dossier with its expiry date; the newest per kind is the current one."""

    __tablename__ = "dossier_document"
    __table_args__ = (sa.Index("ix_dossier_document_org_kind", "organisation_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="RESTRICT"))
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind))
    expires_on: Mapped[date]


class IndicatorReport(Base):
    """A provider's half-yearly report on the prestatieafspraken (kader 9): a number per indicator."""

    __tablename__ = "indicator_report"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="RESTRICT"))
    period: Mapped[str] = mapped_column(sa.String(7))  # "2027-H1"
    values: Mapped[dict] = mapped_column(sa.JSON)  # indicator code -> the number as text (Decimal)
    explanation: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))


class ActionDocument(StoredUpload, Base):
    """A document attached to a monitoring action (a report of a meeting, a plan, an evaluation)."""

    __tablename__ = "monitoring_action_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(
        sa.ForeignKey("monitoring_action.id", ondelete="CASCADE"), index=True
    )
