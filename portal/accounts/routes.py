"""Log-in and log-out. Registration, confirmation and password reset live beside them."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal import audit, sessions
from portal.accounts import bp, service
from portal.accounts.forms import LoginForm
from portal.accounts.ratelimit import login_limits


def safe_next(target: str | None) -> str | None:
    """Only a path on this host: no scheme, no other host, no protocol-relative `//evil`."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


@bp.route("/inloggen", methods=["GET", "POST"])
@login_limits
def login() -> Response | str | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return render_template("accounts/login.html", form=form), 422 if request.method == "POST" else 200
    try:
        user = service.authenticate(form.email.data, form.password.data)
    except service.LoginRefused:
        form.password.errors.append(
            _("Dit e-mailadres en wachtwoord horen niet bij een actief account. Controleer wat u invulde.")
        )
        return render_template("accounts/login.html", form=form), 422
    sessions.start(user)
    flash(_("U bent ingelogd."), "success")
    return redirect(safe_next(form.next.data) or url_for("dashboard.home"))


@bp.post("/uitloggen")
def logout() -> Response:
    if current_user.is_authenticated:
        user = current_user._get_current_object()  # type: ignore[attr-defined]
        audit.record("accounts.logout", user)
        sessions.end(user)
        flash(_("U bent uitgelogd."), "success")
    return redirect(url_for("accounts.login"))
