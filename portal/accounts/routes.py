"""Log-in, log-out, registration, e-mail confirmation, passwords and the own account page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from portal import access, audit, clock, sessions, web
from portal.accounts import bp, enrolment, factor_service, second_factor, service, tokens
from portal.accounts.forms import (
    AccessRequestForm,
    ChangePasswordForm,
    EmailOnlyForm,
    LoginForm,
    NewPasswordForm,
    OrganisationForm,
    ProfileForm,
    RegistrationForm,
    add_error,
    text,
)
from portal.accounts.ratelimit import LoginThrottle, login_ip_limit, login_limits
from portal.accounts.rules import FieldRefused, safe_next
from portal.models import AuditOutcome
from portal.web import Page, show_refusal

__all__ = ["safe_next"]  # the language switch uses it too


def refuse(form: FlaskForm, refusal: FieldRefused, template: str, **context: object) -> tuple[str, int]:
    """Show a domain refusal next to its field; 422 (the request's changes are rolled back)."""
    show_refusal(form, refusal)
    return render_template(template, form=form, **context), 422


def invalid_form(template: str, form: FlaskForm, **context: object) -> tuple[str, int]:
    return render_template(template, form=form, **context), 422 if request.method == "POST" else 200


# --- log-in and log-out ------------------------------------------------------------------------------


@bp.route("/inloggen", methods=["GET", "POST"])
@login_ip_limit
def login() -> Page:
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return invalid_form("accounts/login.html", form)
    throttle = LoginThrottle(text(form.email))
    wait = throttle.wait(now=clock.now())
    if wait:
        return _slowed_down(form, wait)
    try:
        user = service.authenticate(text(form.email), text(form.password))
    except service.EmailNotConfirmed:
        add_error(form.email, _("Bevestig eerst uw e-mailadres met de link in de e-mail die wij u stuurden."))
        return render_template("accounts/login.html", form=form, unconfirmed=True), 422
    except service.LoginRefused:
        throttle.failed()
        add_error(
            form.password,
            _("Dit e-mailadres en wachtwoord horen niet bij een actief account. Controleer wat u invulde."),
        )
        return render_template("accounts/login.html", form=form), 422
    throttle.succeeded()
    return second_factor.continue_login(user, safe_next(form.next.data))


def _slowed_down(form: LoginForm, wait: timedelta) -> tuple[str, int]:
    """Refused without checking the password: after five failures in a row each try waits longer."""
    audit.record("accounts.login", None, outcome=AuditOutcome.REFUSED, reason="slowed_down")
    add_error(
        form.password,
        _(
            "Er is te vaak een verkeerd wachtwoord ingevuld voor dit e-mailadres. Probeer het over %(wait)s opnieuw.",
            wait=format_timedelta(wait, granularity="second", threshold=1, add_direction=False),
        ),
    )
    return render_template("accounts/login.html", form=form), 429


@bp.post("/uitloggen")
def logout() -> Response:
    if current_user.is_authenticated:
        user = web.current_user()
        audit.record("accounts.logout", user)
        sessions.end(user)
        flash(_("U bent uitgelogd."), "success")
    return redirect(url_for("accounts.login"))


# --- registration ----------------------------------------------------------------------------------


def registration_of(
    form: OrganisationForm, *, kvk: str, password: str = "", confirm: str = ""
) -> enrolment.Registration:
    """The registration a form holds; the KvK number from the form or from eHerkenning."""
    return enrolment.Registration(
        organisation_name=text(form.organisation_name),
        kvk_number=kvk,
        agb_code=form.agb_code.data,
        street=text(form.street),
        postcode=text(form.postcode),
        city=text(form.city),
        signatory_name=text(form.signatory_name),
        signatory_function=text(form.signatory_function),
        name=text(form.name),
        email=text(form.email),
        password=password,
        confirm=confirm,
    )


@bp.route("/aanmelden", methods=["GET", "POST"])
@login_limits  # every registration sends a mail: no mail bombing through this form
def register() -> Page:
    """The same answer whether or not the address or KvK number is registered (enrolment.py mails the rest)."""
    form = RegistrationForm()
    if not form.validate_on_submit():
        return invalid_form("accounts/register.html", form)
    try:
        enrolment.register_provider(
            registration_of(
                form, kvk=text(form.kvk_number), password=text(form.password), confirm=text(form.confirm)
            )
        )
    except FieldRefused as refusal:
        return refuse(form, refusal, "accounts/register.html")
    flash(_("Bijna klaar: wij stuurden u een e-mail. Volg de link daarin om verder te gaan."))
    return redirect(url_for("accounts.registered"))


@bp.get("/aanmelden/verstuurd")
def registered() -> str:
    return render_template("accounts/registered.html")


@bp.route("/aanmelden/toegang-vragen", methods=["GET", "POST"])
@login_limits
def request_access() -> Page:
    """The same answer whether or not the KvK number or the address has an account."""
    form = AccessRequestForm(kvk_number=request.args.get("kvk", ""))
    if not form.validate_on_submit():
        return invalid_form("accounts/request_access.html", form)
    try:
        enrolment.request_access(
            kvk=text(form.kvk_number),
            name=text(form.name),
            email=text(form.email),
            message=text(form.message),
        )
    except FieldRefused as refusal:
        return refuse(form, refusal, "accounts/request_access.html")
    flash(
        _(
            "Wij hebben uw verzoek ontvangen. U krijgt binnen enkele minuten een e-mail over hoe het verder gaat."
        )
    )
    return redirect(url_for("dashboard.home"))


# --- e-mail confirmation ---------------------------------------------------------------------------


def _token_problem(error: Exception, purpose: str) -> tuple[str, int]:
    return render_template(
        "accounts/token_problem.html", expired=isinstance(error, tokens.TokenExpired), purpose=purpose
    ), 400


@bp.route("/bevestigen/<token>", methods=["GET", "POST"])
def confirm_email(token: str) -> Page:
    """GET shows a button, POST confirms: a mail scanner that opens the link changes nothing."""
    form = FlaskForm()
    try:
        user = service.user_for_token(tokens.CONFIRM, token)
        if form.validate_on_submit():
            service.confirm_email(token, now=clock.now())
            flash(_("Uw e-mailadres is bevestigd. U kunt nu inloggen."), "success")
            return redirect(url_for("accounts.login"))
    except (tokens.TokenExpired, tokens.TokenInvalid) as error:
        return _token_problem(error, tokens.CONFIRM)
    return render_template("accounts/confirm_email.html", form=form, user=user)


@bp.route("/bevestigen/opnieuw", methods=["GET", "POST"])
@login_limits
def resend_confirmation() -> Page:
    return _email_only_page(
        "accounts/resend_confirmation.html",
        service.resend_confirmation,
        _l(
            "Heeft dit adres een account dat nog niet bevestigd is? Dan ontvangt u binnen enkele minuten een nieuwe link."
        ),
    )


def _email_only_page(template: str, act: Callable[[str], None], done: object) -> Page:
    """A public form of one e-mail address that always answers the same (no enumeration)."""
    form = EmailOnlyForm()
    if not form.validate_on_submit():
        return invalid_form(template, form)
    act(text(form.email))
    flash(str(done))
    return redirect(url_for("accounts.login"))


# --- passwords --------------------------------------------------------------------------------------


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@login_limits
def forgot_password() -> Page:
    return _email_only_page(
        "accounts/forgot_password.html",
        service.request_password_reset,
        _l(
            "Als dit e-mailadres bij een account hoort, ontvangt u binnen enkele minuten een e-mail met een link om een nieuw wachtwoord te kiezen."
        ),
    )


def _set_password_page(purpose: str, token: str, template: str) -> Page:
    form = NewPasswordForm()
    try:
        user = service.user_for_token(purpose, token)
        if not form.validate_on_submit():
            return invalid_form(template, form, user=user)
        service.set_password_by_token(
            purpose, token, text(form.password), text(form.confirm), now=clock.now()
        )
    except (tokens.TokenExpired, tokens.TokenInvalid) as error:
        return _token_problem(error, purpose)
    except FieldRefused as refusal:
        return refuse(form, refusal, template, user=user)
    if current_user.is_authenticated:
        sessions.end(None)
    flash(_("Uw wachtwoord is opgeslagen. Log in met uw nieuwe wachtwoord."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Page:
    return _set_password_page(tokens.RESET, token, "accounts/reset_password.html")


@bp.route("/uitnodiging/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> Page:
    return _set_password_page(tokens.INVITE, token, "accounts/accept_invitation.html")


@bp.route("/account/wachtwoord", methods=["GET", "POST"])
@access.guard("accounts.own_account")
def change_password() -> Page:
    user = web.current_user()
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return invalid_form("accounts/change_password.html", form)
    try:
        service.change_password(
            user, text(form.current_password), text(form.password), text(form.confirm), now=clock.now()
        )
    except FieldRefused as refusal:
        return refuse(form, refusal, "accounts/change_password.html")
    sessions.start(user)  # this browser continues with the new token; every other session has ended
    flash(_("Uw wachtwoord is gewijzigd. Op andere apparaten bent u uitgelogd."), "success")
    return redirect(url_for("accounts.profile"))


# --- the own account ----------------------------------------------------------------------------------


@bp.route("/account", methods=["GET", "POST"])
@access.guard("accounts.own_account")
def profile() -> Page:
    user = web.current_user()
    form = ProfileForm(obj=user)
    if not form.validate_on_submit():
        factor = factor_service.has_factor(user)
        codes_left = factor_service.unused_recovery_codes(user) if factor else 0
        return invalid_form("accounts/profile.html", form, user=user, factor=factor, codes_left=codes_left)
    service.update_profile(user, name=text(form.name), locale=text(form.locale))
    session["locale"] = user.locale
    flash(_("Uw gegevens zijn opgeslagen."), "success")
    return redirect(url_for("accounts.profile"))
