"""The second factor in the session: the log-in waits for it, and sensitive actions ask it again.

After the password a user with a factor (and every staff member) is only *pending*: nothing is
logged in until the code is given (staff without a factor first set one up). The session then keeps
when the factor was last given; `recent_required` asks for it again before a sensitive action when
that is longer ago than SECOND_FACTOR_RECENT (15 minutes).
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from datetime import datetime, timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from portal import audit, clock, sessions
from portal.accounts import bp, factor_service
from portal.accounts.rules import safe_next
from portal.extensions import db
from portal.models import User

VERIFIED_AT = "_factor_at"
PENDING_USER = "_factor_pending"
PENDING_AT = "_factor_pending_at"
PENDING_NEXT = "_factor_next"
PENDING_LIFETIME = timedelta(minutes=5)
# What a staff member whose session lacks the factor may still reach (the gate below).
OPEN_ENDPOINTS = frozenset({"static", "accounts.login", "accounts.logout", "accounts.second_factor"})


def continue_login(user: User, next_url: str | None) -> Response:
    """After the right password: ask the factor, set one up (staff), or log in (providers without)."""
    if factor_service.has_factor(user):
        _begin_pending(user, next_url)
        return redirect(url_for("accounts.second_factor"))
    if user.is_staff:
        _begin_pending(user, next_url)
        flash(_("Medewerkers van de gemeenten loggen in met een tweede factor. Stel die nu in."), "info")
        return redirect(url_for("accounts.enrol_factor"))
    sessions.start(user)
    flash(_("U bent ingelogd."), "success")
    return redirect(next_url or url_for("dashboard.home"))


def _begin_pending(user: User, next_url: str | None) -> None:
    language = session.get("locale")  # the language chosen before logging in is kept (sessions.start)
    session.clear()  # nothing else of the anonymous session survives, as at a full log-in
    if language:
        session["locale"] = language
    session[PENDING_USER] = user.session_token
    session[PENDING_AT] = clock.now().timestamp()
    session[PENDING_NEXT] = next_url or ""


def pending_user() -> User | None:
    """The user who gave the right password a moment ago and still owes the factor."""
    token, at = session.get(PENDING_USER), session.get(PENDING_AT)
    if not token or at is None or clock.now().timestamp() - at > PENDING_LIFETIME.total_seconds():
        return None
    user = db.session.scalar(sa.select(User).where(User.session_token == token))
    return user if user is not None and user.is_active else None


def acting_user() -> tuple[User | None, bool]:
    """(user, pending): the pending user at log-in, else the logged-in user (a step-up), else None."""
    if current_user.is_authenticated:
        return current_user._get_current_object(), False
    return pending_user(), True


def mark_verified(store: MutableMapping[str, Any], *, now: datetime) -> None:
    store[VERIFIED_AT] = now.timestamp()


def factor_given(user: User, method: str, *, pending: bool) -> Response:
    """The code was right: finish the log-in, or note the fresh factor; then on to where the user was."""
    now = clock.now()
    next_url = safe_next(session.get(PENDING_NEXT) if pending else request.args.get("next"))
    if pending:
        sessions.start(user)
        flash(_("U bent ingelogd."), "success")
    mark_verified(session, now=now)
    audit.record("accounts.second_factor", user, actor=user, method=method)
    if method == "recovery_code":
        left = factor_service.unused_recovery_codes(user)
        flash(_("U gebruikte een herstelcode. U heeft er nog %(n)s over.", n=left), "warning")
    return redirect(next_url or url_for("dashboard.home"))


def is_recent(*, now: datetime) -> bool:
    at = session.get(VERIFIED_AT)
    recent: timedelta = current_app.config["SECOND_FACTOR_RECENT"]
    return at is not None and now.timestamp() - at <= recent.total_seconds()


def recent_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """For sensitive actions: a POST asks the factor again when it was given too long ago."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if request.method in ("GET", "HEAD") or not current_user.is_authenticated:
            return view(*args, **kwargs)
        if is_recent(now=clock.now()) or not _needs_factor(current_user):
            return view(*args, **kwargs)
        audit.record("accounts.second_factor_asked", None, endpoint=request.endpoint or "")
        flash(_("Bevestig dit met de code uit uw app. Doe het daarna opnieuw."), "info")
        return redirect(url_for("accounts.second_factor", next=_came_from()))

    return wrapped


def _needs_factor(user: Any) -> bool:
    return bool(user.is_staff) or factor_service.has_factor(user)


def _came_from() -> str | None:
    """The page the form was on (same host only), to return to after the code."""
    parts = urlsplit(request.referrer or "")
    if parts.netloc != request.host:
        return None
    return safe_next(parts.path + (f"?{parts.query}" if parts.query else ""))


@bp.before_app_request
def _staff_session_needs_factor() -> Response | None:
    """A staff session without the factor (from before it was required) ends: log in again."""
    if request.endpoint in OPEN_ENDPOINTS or not current_user.is_authenticated:
        return None
    if not current_user.is_staff or VERIFIED_AT in session:
        return None
    logout_user()
    session.clear()
    flash(_("Log opnieuw in: medewerkers loggen in met een tweede factor."), "warning")
    return redirect(url_for("accounts.login"))
