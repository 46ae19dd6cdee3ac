"""Per-system API tokens: created and revoked by an admin, stored as their SHA-256, shown once."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

import sqlalchemy as sa
from flask import g, request
from flask_babel import lazy_gettext as _l

from portal import audit, clock
from portal.extensions import db
from portal.models import ApiToken, User
from portal.refusals import DomainRefusal

PREFIX = "nmd_"
TOUCH_EVERY = timedelta(minutes=5)  # last_used_at is written at most this often per token


class TokenRefused(DomainRefusal):
    pass


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(name: str, *, by: User, now: datetime) -> tuple[ApiToken, str]:
    """A new token for a system: (its row, the token itself - which is never stored and shown once)."""
    name = name.strip()
    if not name:
        raise TokenRefused(_l("Geef het systeem een naam."), "name")
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(name=name, token_hash=digest(token), hint=token[:8], created_at=now, created_by_id=by.id)
    db.session.add(row)
    db.session.flush()
    audit.record("api.create_token", row, actor=by, name=name)
    return row, token


def revoke(row: ApiToken, *, by: User, now: datetime) -> None:
    if row.revoked_at is None:
        row.revoked_at = now
        audit.record("api.revoke_token", row, actor=by, name=row.name)


def active(token: str) -> ApiToken | None:
    return db.session.scalar(
        sa.select(ApiToken).where(ApiToken.token_hash == digest(token), ApiToken.revoked_at.is_(None))
    )


def bearer() -> str:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header[:7].lower() == "bearer " else ""


def token_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """The API's own gate: a valid, unrevoked token in 'Authorization: Bearer ...', else 401."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        from portal.api.problems import problem

        row = active(bearer())
        if row is None:
            return problem(401, _l("Geen geldige API-sleutel (Authorization: Bearer ...)."))
        g.api_token = row
        _touch(row, clock.now())
        return view(*args, **kwargs)

    return wrapped


def _touch(row: ApiToken, now: datetime) -> None:
    if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
        row.last_used_at = now


def rate_key() -> str:
    """Rate limits count per token (its hint), or per address for requests without one."""
    token = bearer()
    return f"token:{digest(token)[:16]}" if token else f"ip:{request.remote_addr}"
