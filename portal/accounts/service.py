"""State changes of accounts: plain functions, no request inside. Callers commit (flush only here)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal import audit, mail, sessions
from portal.accounts import tokens
from portal.accounts.passwords import check_password, hash_password, needs_rehash, verify_password
from portal.accounts.rules import FieldRefused
from portal.extensions import db
from portal.models import AuditOutcome, Organisation, Role, User, UserRole
from portal.refusals import DomainRefusal


class LoginRefused(DomainRefusal):
    """Wrong e-mail or password, or an account that may not log in: one message for all (no enumeration)."""


class EmailNotConfirmed(LoginRefused):
    """The right password, but the e-mail address is not confirmed yet (this reveals nothing new)."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_email(email: str | None, field: str = "email") -> str:
    """A syntactically valid address (email-validator, no DNS lookup), stored in lower case."""
    try:
        validate_email(email or "", check_deliverability=False)
    except EmailNotValidError:
        raise FieldRefused(
            field, _l("Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl.")
        ) from None
    return normalise_email(email or "")


def check_email_free(email: str, field: str = "email") -> str:
    email = check_email(email, field)
    if db.session.scalar(sa.select(User.id).where(User.email == email)):
        raise FieldRefused(
            field, _l("Dit e-mailadres heeft al een account. Log in, of vraag een nieuw wachtwoord aan.")
        )
    return email


def user_by_email(email: str | None) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email or "")))


# --- log-in ------------------------------------------------------------------------------------


def authenticate(email: str, password: str) -> User:
    user = user_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    if user is not None and ok and user.is_active and user.email_confirmed_at is None:
        audit.record("accounts.login", user, outcome=AuditOutcome.REFUSED, actor=user, reason="unconfirmed")
        raise EmailNotConfirmed
    if user is None or not ok or not user.is_active or user.email_confirmed_at is None:
        audit.record("accounts.login", user, outcome=AuditOutcome.REFUSED, actor=user)
        raise LoginRefused
    if needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    audit.record("accounts.login", user, actor=user)
    return user


def create_user(
    *,
    email: str,
    name: str,
    password: str | None,
    roles: list[Role],
    organisation_id: int | None = None,
    confirmed_at: object = None,
    function: str = "",
) -> User:
    """A new account; a password given here (seeded accounts) meets the same rule as one chosen in a form."""
    if password:
        organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
        check_password(password, email=email, organisation_name=organisation.name if organisation else "")
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        password_hash=hash_password(password) if password else None,
        organisation_id=organisation_id,
        session_token=sessions.new_session_token(),
        email_confirmed_at=confirmed_at,
        function=function,
    )
    user.role_rows = [UserRole(role=role) for role in roles]
    db.session.add(user)
    db.session.flush()
    return user


# --- registration (enrolment.py) ---------------------------------------------------------------


def create_provider_user(email: str, name: str, role: Role, organisation_id: int) -> User:
    """A colleague or the registering admin of a provider: no password yet (a link sets it)."""
    return create_user(email=email, name=name, password=None, roles=[role], organisation_id=organisation_id)


def organisation_by_kvk(kvk: str) -> Organisation | None:
    return db.session.scalar(sa.select(Organisation).where(Organisation.kvk_number == kvk))


def _mail_link(user: User, purpose: str, subject: str, template: str, **context: Any) -> None:
    """A mail with a link of `purpose` for `user`, saying for how many hours it works."""
    hours = int(tokens.max_age(purpose).total_seconds() // 3600)
    token = tokens.make(purpose, user)
    mail.queue(user.email, subject, template, user=user, token=token, hours=hours, **context)


def send_confirmation(user: User) -> None:
    subject = _("Bevestig uw e-mailadres voor het Inkoopportaal Jeugd & Wmo")
    _mail_link(user, tokens.CONFIRM, subject, "accounts_confirm")


def resend_confirmation(email: str) -> None:
    """Sends a new link when the address has an unconfirmed account; says nothing either way."""
    user = user_by_email(email)
    if user is not None and user.is_active and user.email_confirmed_at is None:
        send_confirmation(user)
        audit.record("accounts.confirmation_resent", user, actor=user)


def user_for_token(purpose: str, token: str, max_age_seconds: float | None = None) -> User:
    """The active user a link belongs to; raises tokens.TokenExpired / tokens.TokenInvalid."""
    user_id, fingerprint = tokens.read(purpose, token, max_age_seconds)
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or tokens.fingerprint(user) != fingerprint:
        raise tokens.TokenInvalid
    return user


def confirm_email(token: str, *, now: datetime) -> User:
    user = user_for_token(tokens.CONFIRM, token)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now
        audit.record("accounts.confirm_email", user, actor=user)
    return user


# --- passwords -----------------------------------------------------------------------------------


def request_password_reset(email: str) -> None:
    """The same work for every address: one queued mail and one audit event, never an early return.

    An active account gets the reset link; any other address a note that it has no (active) account
    here. The mail is only queued: delivery happens after the response, so the time the request
    takes does not tell the two apart.
    """
    user = user_by_email(email)
    if user is not None and user.is_active:
        mail.queue(
            user.email,
            _("Nieuw wachtwoord voor het Inkoopportaal Jeugd & Wmo"),
            "accounts_reset",
            user=user,
            token=tokens.make(tokens.RESET, user),
            minutes=int(tokens.max_age(tokens.RESET).total_seconds() // 60),
        )
        audit.record("accounts.password_reset_requested", user, actor=user)
        return
    address = user.email if user is not None else normalise_email(email)
    mail.queue(address, _("Nieuw wachtwoord voor het Inkoopportaal Jeugd & Wmo"), "accounts_reset_no_account")
    audit.record("accounts.password_reset_requested", user, known="no")


def _set_password(user: User, password: str, *, now: datetime) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = now
    user.session_token = sessions.new_session_token()  # every session and every earlier link ends


def _check_new_password(user: User, password: str, confirm: str) -> None:
    organisation = user.organisation.name if user.organisation else ""
    check_password(password, confirm, email=user.email, organisation_name=organisation)


def tell_password_changed(user: User, *, now: datetime) -> None:
    """After every change of a password the account's address hears of it (was it not you? reset it)."""
    mail.queue(
        user.email,
        _("Uw wachtwoord voor het Inkoopportaal Jeugd & Wmo is gewijzigd"),
        "accounts_password_changed",
        user=user,
        at=now,
    )


def set_password_by_token(purpose: str, token: str, password: str, confirm: str, *, now: datetime) -> User:
    """Reset and invitation: the link proves the address, so it also confirms the e-mail."""
    user = user_for_token(purpose, token)
    _check_new_password(user, password, confirm)
    had_password = user.password_hash is not None
    _set_password(user, password, now=now)
    if had_password:
        tell_password_changed(user, now=now)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now
    action = "accounts.accept_invitation" if purpose == tokens.INVITE else "accounts.reset_password"
    audit.record(action, user, actor=user)
    return user


def change_password(user: User, current: str, password: str, confirm: str, *, now: datetime) -> None:
    if not verify_password(user.password_hash, current):
        audit.record("accounts.change_password", user, outcome=AuditOutcome.REFUSED, reason="wrong_current")
        raise FieldRefused("current_password", _l("Dit is niet uw huidige wachtwoord."))
    _check_new_password(user, password, confirm)
    _set_password(user, password, now=now)
    tell_password_changed(user, now=now)
    audit.record("accounts.change_password", user)


def send_invitation(user: User, inviter: User) -> None:
    subject = _("Uitnodiging voor het Inkoopportaal Jeugd & Wmo")
    _mail_link(user, tokens.INVITE, subject, "accounts_invite", inviter=inviter)


def update_profile(user: User, *, name: str, locale: str) -> None:
    user.name = name.strip()
    user.locale = locale if locale in ("nl", "en") else "nl"
    audit.record("accounts.update_profile", user, locale=user.locale)


def set_active(user: User, active: bool) -> None:
    """Accounts are deactivated, never deleted; deactivation ends every session at once."""
    user.is_active = active
    if not active:
        user.session_token = sessions.new_session_token()
    audit.record("accounts.reactivate" if active else "accounts.deactivate", user)
