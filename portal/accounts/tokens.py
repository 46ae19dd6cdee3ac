"""Signed, expiring links for e-mail confirmation, password reset and invitations (itsdangerous).

Each purpose has its own salt, so a token for one purpose is worthless for another. A token carries
a fingerprint of the user's e-mail address and password hash: once a password is set through a
link, every link sent earlier stops working, so a reset or invitation link works once. Log-outs
elsewhere do not spoil a link; a deactivated account's links are refused by the service.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from portal.models import User

CONFIRM = "confirm-email"
RESET = "reset-password"
INVITE = "invite"


class TokenExpired(Exception):
    pass


class TokenInvalid(Exception):
    pass


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"portal-{purpose}")


def fingerprint(user: User) -> str:
    return hashlib.sha256(f"{user.email}|{user.password_hash or ''}".encode()).hexdigest()[:16]


def make(purpose: str, user: User) -> str:
    return _serializer(purpose).dumps({"u": user.id, "f": fingerprint(user)})


def max_age(purpose: str) -> timedelta:
    key = "PASSWORD_RESET_MAX_AGE" if purpose == RESET else "EMAIL_TOKEN_MAX_AGE"
    return current_app.config[key]


def read(purpose: str, token: str, max_age_seconds: float | None = None) -> tuple[int, str]:
    """Returns (user id, fingerprint); raises TokenExpired or TokenInvalid."""
    seconds = max_age_seconds if max_age_seconds is not None else max_age(purpose).total_seconds()
    try:
        data = _serializer(purpose).loads(token, max_age=int(seconds))
    except SignatureExpired:
        raise TokenExpired from None
    except BadSignature:
        raise TokenInvalid from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("f"), str):
        raise TokenInvalid
    return data["u"], data["f"]
