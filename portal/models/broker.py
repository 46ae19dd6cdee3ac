"""Log-in through an eHerkenning broker (OpenID Connect): which broker identity is which account."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, utcnow


class BrokerIdentity(Base):
    """The broker's pseudonym (`sub`) of a person acting for an organisation, linked to one account."""

    __tablename__ = "broker_identity"
    __table_args__ = (sa.UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(sa.String(300))
    subject: Mapped[str] = mapped_column(sa.String(300))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    kvk_number: Mapped[str] = mapped_column(sa.String(8))
    branch_number: Mapped[str | None] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
