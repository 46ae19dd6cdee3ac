"""The reads of the admin pages: users with filters, the audit trail."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal import sealed
from portal.extensions import db
from portal.models import AuditEvent, AuditOutcome, Role, User, UserRole

PAGE_SIZE = 100


def users(*, q: str = "", kind: str = "", role: str = "", status: str = "") -> list[User]:
    query = sa.select(User).options(selectinload(User.role_rows), selectinload(User.organisation))
    if q:
        pattern = f"%{q.strip().lower()}%"
        query = query.where(sa.or_(sa.func.lower(User.name).like(pattern), User.email.like(pattern)))
    if kind == "staff":
        query = query.where(User.organisation_id.is_(None))
    elif kind == "provider":
        query = query.where(User.organisation_id.is_not(None))
    if role in {r.value for r in Role}:
        query = query.where(User.role_rows.any(UserRole.role == Role(role)))
    if status in ("active", "inactive"):
        query = query.where(User.is_active.is_(status == "active"))
    return list(db.session.scalars(query.order_by(User.name).limit(500)))


def audit_events(*, now: datetime, action: str = "", outcome: str = "", page: int = 1) -> list[AuditEvent]:
    """A page of the audit trail, without the events that would tell who bids on a sealed tender."""
    query = sa.select(AuditEvent).where(sa.not_(sealed.audit_event_sealed(now)))
    if action:
        query = query.where(AuditEvent.action.startswith(action.strip(), autoescape=True))
    if outcome in {o.value for o in AuditOutcome}:
        query = query.where(AuditEvent.outcome == AuditOutcome(outcome))
    query = query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    return list(db.session.scalars(query.limit(PAGE_SIZE + 1).offset((max(page, 1) - 1) * PAGE_SIZE)))


def actors(events: list[AuditEvent]) -> dict[int, User]:
    ids = {e.actor_id for e in events if e.actor_id is not None}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}
