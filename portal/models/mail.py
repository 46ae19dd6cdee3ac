"""Outbox of e-mails: written in the request's transaction, delivered after the commit."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, utcnow


class OutgoingMail(Base):
    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    attachment_name: Mapped[str | None] = mapped_column(sa.String(255))
    attachment_path: Mapped[str | None] = mapped_column(sa.String(500))
    # The attachment is still being made after the request (a background task): not delivered yet.
    attachment_pending: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    # A failed try waits until then (back-off, portal/mail_rules.py); None: due now.
    next_attempt_at: Mapped[datetime | None] = mapped_column()
    # Given up (cannot be built, or the last try failed): shown to the administrator, delivered no more.
    failed_at: Mapped[datetime | None] = mapped_column(index=True)
