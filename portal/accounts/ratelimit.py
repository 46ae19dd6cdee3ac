"""Log-in rate limits per account (the e-mail address tried) and per IP address (Flask-Limiter).

The same limits guard the other public forms that send mail (registration, access request,
new confirmation link, forgotten password); each form counts on its own.
"""

from __future__ import annotations

from flask import current_app, request

from portal.extensions import limiter


def _account_key() -> str:
    return "login-account:" + (request.form.get("email", "").strip().lower() or "-")


def _only_posts() -> bool:
    return request.method != "POST"


def _per_account() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


def _per_ip() -> str:
    return current_app.config["LOGIN_LIMIT_PER_IP"]


def login_limits(view):  # type: ignore[no-untyped-def]
    view = limiter.limit(_per_account, key_func=_account_key, exempt_when=_only_posts)(view)
    return limiter.limit(_per_ip, exempt_when=_only_posts)(view)
