"""Rate limits of the public forms, and the slow-down of an account after failed log-ins.

Log-in: only failed attempts count. Per IP address Flask-Limiter counts the failed ones
(`login_ip_limit`); per account (the e-mail address typed, whether or not it has an account, so
the slow-down reveals nothing) `LoginThrottle` counts failures in a row and makes the next attempt
wait as `rules.login_delay` says; a successful log-in clears the count. Both live in the limiter's
storage: Redis in production (REDIS_URL), shared by every web process; memory in development. The
storage, not the database, because a failed log-in's request is rolled back (it answers 422).

The other public forms that send mail (registration, access request, new confirmation link,
forgotten password) keep a fixed limit per address and per IP (`login_limits`); each form counts
on its own.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app, request
from limits.storage import Storage
from werkzeug.wrappers import Response

from portal.accounts import rules
from portal.extensions import limiter

log = logging.getLogger(__name__)
FAILURE_MEMORY = timedelta(days=1)  # a series of failures is forgotten a day after it began


def _account_key() -> str:
    return "login-account:" + (request.form.get("email", "").strip().lower() or "-")


def _only_posts() -> bool:
    return request.method != "POST"


def _per_account() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


def _per_ip() -> str:
    return current_app.config["LOGIN_LIMIT_PER_IP"]


def _failed(response: Response) -> bool:
    return response.status_code >= 400


def login_limits(view: Callable[..., Any]) -> Callable[..., Any]:
    view = limiter.limit(_per_account, key_func=_account_key, exempt_when=_only_posts)(view)
    return limiter.limit(_per_ip, exempt_when=_only_posts)(view)


def login_ip_limit(view: Callable[..., Any]) -> Callable[..., Any]:
    """Failed log-ins per IP address: an office of fifty behind one address logs in at nine freely."""
    return limiter.limit(_per_ip, exempt_when=_only_posts, deduct_when=_failed)(view)


class LoginThrottle:
    """Failed log-ins in a row of one e-mail address, in the limiter's storage (none when it is off)."""

    def __init__(self, email: str) -> None:
        digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()  # no addresses in Redis
        self._failures = f"login-failures:{digest}"
        self._blocked = f"login-blocked:{digest}"
        self._storage: Storage | None = limiter.storage if limiter.enabled else None

    def wait(self, *, now: datetime) -> timedelta:
        """How long before this address may try again (zero: now)."""
        storage = self._storage
        if storage is None:
            return timedelta(0)
        try:
            if not storage.get(self._blocked):
                return timedelta(0)
            allowed_from = datetime.fromtimestamp(math.ceil(storage.get_expiry(self._blocked)), UTC)
        except storage.base_exceptions:
            log.exception("login throttle storage unavailable; the attempt is not slowed down")
            return timedelta(0)
        return rules.login_wait(allowed_from, now=now)

    def failed(self) -> None:
        """One more failure; from the fifth the next attempt waits (rules.login_delay)."""
        storage = self._storage
        if storage is None:
            return
        try:
            failures = storage.incr(self._failures, int(FAILURE_MEMORY.total_seconds()))
            delay = rules.login_delay(failures)
            if delay:
                storage.clear(self._blocked)
                storage.incr(self._blocked, int(delay.total_seconds()))
        except storage.base_exceptions:
            log.exception("login throttle storage unavailable; the failure is not counted")

    def succeeded(self) -> None:
        storage = self._storage
        if storage is None:
            return
        try:
            storage.clear(self._failures)
            storage.clear(self._blocked)
        except storage.base_exceptions:
            log.exception("login throttle storage unavailable; the count is not cleared")
