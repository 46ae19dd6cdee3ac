"""The reads the accounts pages need."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models import AccessRequest, Role, User, UserRole


def colleagues(organisation_id: int) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.organisation_id == organisation_id)
            .options(selectinload(User.role_rows))
            .order_by(User.is_active.desc(), User.name)
        )
    )


def open_access_requests(organisation_id: int) -> list[AccessRequest]:
    return list(
        db.session.scalars(
            sa.select(AccessRequest)
            .where(AccessRequest.organisation_id == organisation_id, AccessRequest.handled_at.is_(None))
            .order_by(AccessRequest.created_at)
        )
    )


def provider_admins(organisation_id: int) -> list[User]:
    """Whom a reminder or request goes to: the provider's active administrators."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(
                User.organisation_id == organisation_id,
                User.is_active,
                UserRole.role == Role.PROVIDER_ADMIN,
            )
            .order_by(User.id)
        )
    )
