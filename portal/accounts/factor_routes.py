"""Pages of the second factor: the code at log-in (and again before a sensitive action), setting up
the authenticator app with its recovery codes, and the reset of a lost factor by an administrator."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import format_timedelta
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal import access, clock
from portal.accounts import bp, factor_service, second_factor, totp
from portal.accounts.factor_service import CodeRefused
from portal.accounts.forms import ButtonForm, CodeForm, add_error, text
from portal.accounts.ratelimit import LoginThrottle, login_ip_limit
from portal.accounts.rules import FieldRefused
from portal.models import User
from portal.web import Page, show_refusal


def _log_in_first() -> Response:
    flash(_("Log in om verder te gaan."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/inloggen/code", methods=["GET", "POST"], endpoint="second_factor")
@login_ip_limit
def code_page() -> Page:
    """The code at log-in (pending) or before a sensitive action (logged in); throttled per user."""
    user, pending = second_factor.acting_user()
    if user is None:
        return _log_in_first()
    if not factor_service.has_factor(user):
        return redirect(url_for("accounts.enrol_factor"))
    form = CodeForm()
    if not form.validate_on_submit():
        return _code_form(form, pending, 422 if form.is_submitted() else 200)
    return _check_code(user, form, pending)


def _check_code(user: User, form: CodeForm, pending: bool) -> Page:
    """Slowed down after wrong codes in a row (as the password is, LoginThrottle), counted per user."""
    throttle = LoginThrottle(f"second-factor:{user.id}")
    wait = throttle.wait(now=clock.now())
    if wait:
        add_error(
            form.code, _("Te vaak een verkeerde code. Probeer het over %(wait)s opnieuw.", wait=_in(wait))
        )
        return _code_form(form, pending, 429)
    try:
        method = factor_service.verify(user, text(form.code), now=clock.now())
    except CodeRefused as refusal:
        throttle.failed()
        show_refusal(form, refusal)
        return _code_form(form, pending, 422)
    throttle.succeeded()
    return second_factor.factor_given(user, method, pending=pending)


def _in(wait: timedelta) -> str:
    return format_timedelta(wait, granularity="second", threshold=1, add_direction=False)


def _code_form(form: CodeForm, pending: bool, status: int) -> tuple[str, int]:
    return render_template("accounts/second_factor.html", form=form, pending=pending), status


@bp.route("/account/tweede-factor", methods=["GET", "POST"])
def enrol_factor() -> Page:
    """A new QR code on each visit (shown once); the first code from the app confirms it."""
    user, pending = second_factor.acting_user()
    if user is None:
        return _log_in_first()
    if factor_service.has_factor(user):
        flash(_("U heeft de tweede factor al ingesteld."), "info")
        return redirect(url_for("accounts.second_factor" if pending else "accounts.profile"))
    form = CodeForm()
    if not form.validate_on_submit():
        secret = factor_service.start_enrolment(user)
        return _enrol_form(user, secret, form, 422 if form.is_submitted() else 200)
    try:
        codes = factor_service.confirm_enrolment(user, text(form.code), now=clock.now())
    except FieldRefused as refusal:
        show_refusal(form, refusal)
        return _enrol_form(user, factor_service.unconfirmed_secret(user), form, 422)
    second_factor.factor_given(user, "app", pending=pending)  # logged in; the codes are shown here, once
    return render_template("accounts/recovery_codes.html", codes=codes)


def _enrol_form(user: User, secret: str, form: CodeForm, status: int) -> tuple[str, int]:
    uri = totp.provisioning_uri(secret, account=user.email, issuer=current_app.config["SECOND_FACTOR_ISSUER"])
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return render_template(
        "accounts/enrol_factor.html", form=form, qr=totp.qr_data_uri(uri), secret=grouped
    ), status


@bp.post("/beheer/gebruikers/<int:user_id>/tweede-factor/verwijderen")
@second_factor.recent_required
def reset_factor(user_id: int) -> Page:
    user = access.get_or_404(User, user_id, "admin.manage_users")
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("admin.edit_user", user_id=user.id))
    factor_service.reset(user, now=clock.now())
    flash(
        _(
            "De tweede factor van %(name)s is verwijderd. Bij de volgende keer inloggen stelt hij of zij een nieuwe in.",
            name=user.name,
        ),
        "success",
    )
    return redirect(url_for("admin.edit_user", user_id=user.id))
