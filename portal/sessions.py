"""Log-in sessions: the cookie carries the user's session token; idle and absolute time-outs.

Server-side invalidation: log-out and password change rotate `User.session_token`, so every
cookie that carried the old token stops working at once.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, logout_user
from werkzeug.wrappers import Response

from portal import clock
from portal.extensions import db
from portal.models import User

SESSION_STARTED = "_started_at"
SESSION_SEEN = "_seen_at"


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def configure_login_manager(login_manager: LoginManager) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Log in om deze pagina te bekijken.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load(token: str) -> User | None:
        user = db.session.scalar(sa.select(User).where(User.session_token == token))
        return user if user is not None and user.is_active else None


def start(user: User) -> None:
    """Called right after the password was checked: a fresh session for a fresh log-in."""
    from flask_login import login_user

    language = session.get("locale")  # the language chosen before logging in is kept
    session.clear()  # a new session at log-in: nothing else of the anonymous session survives
    if language:
        session["locale"] = language
    login_user(user)
    now = clock.now().timestamp()
    session[SESSION_STARTED] = now
    session[SESSION_SEEN] = now
    session.permanent = True
    user.last_login_at = clock.now()


def end(user: User | None) -> None:
    """Log out everywhere: rotate the token, then drop this cookie's session."""
    if user is not None:
        user.session_token = new_session_token()
    logout_user()
    session.clear()


def register(app: Flask) -> None:
    app.before_request(_enforce_timeouts)


def _enforce_timeouts() -> Response | None:
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = clock.now().timestamp()
    expired = _expiry(now)
    if expired is None:
        session[SESSION_SEEN] = now
        return None
    logout_user()
    session.clear()
    flash(expired, "warning")
    return redirect(url_for("accounts.login", next=request.full_path if request.method == "GET" else None))


def _expiry(now: float) -> LazyString | None:
    """Why this session has ended (too long idle, or past its absolute limit); None while it lasts."""
    started = session.get(SESSION_STARTED, now)
    seen = session.get(SESSION_SEEN, now)
    if now - started > current_app.config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds():
        return _l("Uw sessie is na 12 uur verlopen. Log opnieuw in; wat u had opgeslagen is bewaard.")
    if now - seen > current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds():
        return _l("U was te lang niet actief. Log opnieuw in; wat u had opgeslagen is bewaard.")
    return None
