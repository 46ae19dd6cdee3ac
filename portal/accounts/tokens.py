"""Signed, expiring links for e-mail confirmation, password reset and invitations (itsdangerous).

Each purpose has its own salt, so a token for one purpose is worthless for another. A token carries
a fingerprint of the user's current session token: once it is rotated (password set, account
deactivated), every link sent earlier stops working, so a link works once.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

CONFIRM = "confirm-email"
RESET = "reset-password"
INVITE = "invite"


class TokenExpired(Exception):
    pass


class TokenInvalid(Exception):
    pass


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"portal-{purpose}")


def fingerprint(session_token: str) -> str:
    return hashlib.sha256(session_token.encode()).hexdigest()[:16]


def make(purpose: str, user_id: int, session_token: str) -> str:
    return _serializer(purpose).dumps({"u": user_id, "f": fingerprint(session_token)})


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
