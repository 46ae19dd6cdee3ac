"""AuditEvent: who did what to which object, when, from where, and whether it was allowed."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, enum_column, utcnow
from portal.models.enums import AuditOutcome


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_event_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(80), index=True)
    object_type: Mapped[str | None] = mapped_column(sa.String(60))
    object_id: Mapped[int | None]
    outcome: Mapped[AuditOutcome] = mapped_column(enum_column(AuditOutcome))
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    detail: Mapped[dict] = mapped_column(sa.JSON, default=dict)
