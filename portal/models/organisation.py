"""Municipalities, provider organisations, users and their roles."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, enum_column, utcnow
from portal.models.enums import PROVIDER_ROLES, STAFF_ROLES, Role


class Municipality(Base):
    """Gemeente, identified by its CBS code (GM + 4 digits)."""

    __tablename__ = "municipality"
    __table_args__ = (sa.CheckConstraint("length(cbs_code) = 6", name="cbs_code_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cbs_code: Mapped[str] = mapped_column(sa.String(6), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    signatory_name: Mapped[str] = mapped_column(sa.String(200), default="")
    signatory_function: Mapped[str] = mapped_column(sa.String(200), default="")
    is_active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Municipality {self.cbs_code} {self.name}>"


# What a provider is known by in a contract and in the demo data: identity, address and who signs.
ORGANISATION_DETAILS = (
    "name",
    "kvk_number",
    "agb_code",
    "street",
    "postcode",
    "city",
    "signatory_name",
    "signatory_function",
)


class Organisation(Base):
    """Zorgaanbieder: the provider, one per KvK number."""

    __tablename__ = "organisation"
    __table_args__ = (
        sa.CheckConstraint("length(kvk_number) = 8", name="kvk_number_length"),
        sa.CheckConstraint("agb_code IS NULL OR length(agb_code) = 8", name="agb_code_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kvk_number: Mapped[str] = mapped_column(sa.String(8), unique=True)
    agb_code: Mapped[str | None] = mapped_column(sa.String(8))
    street: Mapped[str] = mapped_column(sa.String(200))
    postcode: Mapped[str] = mapped_column(sa.String(7))
    city: Mapped[str] = mapped_column(sa.String(100))
    signatory_name: Mapped[str] = mapped_column(sa.String(200), default="")
    signatory_function: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    is_active: Mapped[bool] = mapped_column(default=True)

    users: Mapped[list[User]] = relationship(back_populates="organisation")

    def __repr__(self) -> str:
        return f"<Organisation {self.kvk_number} {self.name}>"


class User(Base):
    """A person who logs in. Provider users belong to exactly one organisation; staff to none.

    Accounts are deactivated, never deleted. `session_token` is what the session cookie carries:
    rotating it (log-out, password change) invalidates every session of the user server-side.
    """

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    function: Mapped[str] = mapped_column(sa.String(200), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    email_confirmed_at: Mapped[datetime | None]
    session_token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    password_changed_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    locale: Mapped[str] = mapped_column(sa.String(5), default="nl")

    organisation: Mapped[Organisation | None] = relationship(back_populates="users")
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return self.session_token

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(r.role for r in self.role_rows)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_staff(self) -> bool:
        return bool(self.roles & STAFF_ROLES)

    @property
    def is_provider(self) -> bool:
        return self.organisation_id is not None and bool(self.roles & PROVIDER_ROLES)

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class UserRole(Base):
    __tablename__ = "user_role"
    __table_args__ = (sa.UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="role_rows")


class AccessRequest(Base):
    """Someone asks an existing organisation's admin for an account (the KvK was already registered)."""

    __tablename__ = "access_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254))
    message: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    handled_at: Mapped[datetime | None]
    handled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    granted: Mapped[bool | None]
