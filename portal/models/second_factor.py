"""The second factor of a log-in: a TOTP secret (RFC 6238) and its single-use recovery codes."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, utcnow


class SecondFactor(Base):
    """One authenticator per user. Unconfirmed while the user has not yet typed a code from it.

    `last_step` is the last 30-second time step whose code was accepted: a code is used only once.
    """

    __tablename__ = "second_factor"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), unique=True, index=True
    )
    secret: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    last_step: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class RecoveryCode(Base):
    """A single-use code for when the authenticator is lost; only a salted SHA-256 of it is stored."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(100))
    used_at: Mapped[datetime | None]
