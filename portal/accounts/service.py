"""State changes of accounts: plain functions, no request inside. Callers commit."""

from __future__ import annotations

import sqlalchemy as sa

from portal import audit, sessions
from portal.accounts.passwords import hash_password, needs_rehash, verify_password
from portal.extensions import db
from portal.models import AuditOutcome, Role, User, UserRole


class LoginRefused(Exception):
    """Wrong e-mail or password, or an account that may not log in: one message for all (no enumeration)."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def authenticate(email: str, password: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active or user.email_confirmed_at is None:
        audit.record("accounts.login", user, outcome=AuditOutcome.REFUSED, actor=user)
        raise LoginRefused
    if needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    audit.record("accounts.login", user, actor=user)
    return user


def create_user(
    *,
    email: str,
    name: str,
    password: str | None,
    roles: list[Role],
    organisation_id: int | None = None,
    confirmed_at: object = None,
    function: str = "",
) -> User:
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        password_hash=hash_password(password) if password else None,
        organisation_id=organisation_id,
        session_token=sessions.new_session_token(),
        email_confirmed_at=confirmed_at,
        function=function,
    )
    user.role_rows = [UserRole(role=role) for role in roles]
    db.session.add(user)
    db.session.flush()
    return user
