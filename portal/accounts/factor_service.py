"""State changes of the second factor: enrolment, checking a code, reset by an administrator.

Plain functions, no request inside; callers commit. The codes themselves are checked in totp.py.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal import audit, mail, sessions
from portal.accounts import totp
from portal.accounts.rules import FieldRefused
from portal.extensions import db
from portal.models import AuditOutcome, RecoveryCode, SecondFactor, User


class CodeRefused(FieldRefused):
    """A code that is wrong, already used or too old: one message for all."""

    def __init__(self) -> None:
        super().__init__(
            "code",
            _l("Deze code klopt niet of is al gebruikt. Vul de code in die uw app nu laat zien."),
        )


def factor_of(user: User) -> SecondFactor | None:
    return db.session.scalar(sa.select(SecondFactor).where(SecondFactor.user_id == user.id))


def has_factor(user: User) -> bool:
    factor = factor_of(user)
    return factor is not None and factor.confirmed_at is not None


def start_enrolment(user: User) -> str:
    """A new, unconfirmed secret: each visit of the enrolment page shows a new QR code (shown once)."""
    factor = factor_of(user)
    if factor is None:
        factor = SecondFactor(user_id=user.id, last_step=0)
        db.session.add(factor)
    if factor.confirmed_at is not None:
        raise FieldRefused("code", _l("U heeft de tweede factor al ingesteld."))
    factor.secret = totp.new_secret()
    db.session.flush()
    return factor.secret


def unconfirmed_secret(user: User) -> str:
    """The secret of the QR code shown a moment ago (a wrong first code does not change it)."""
    factor = factor_of(user)
    if factor is None or factor.confirmed_at is not None:
        return start_enrolment(user)
    return factor.secret


def confirm_enrolment(user: User, code: str, *, now: datetime) -> list[str]:
    """The first code from the app proves it holds the secret; returns the ten recovery codes (once)."""
    factor = factor_of(user)
    if factor is None or factor.confirmed_at is not None:
        raise CodeRefused
    step = totp.matching_step(factor.secret, code, now=now, after=factor.last_step)
    if step is None:
        audit.record("accounts.second_factor_enrol", user, outcome=AuditOutcome.REFUSED, actor=user)
        raise CodeRefused
    factor.confirmed_at, factor.last_step = now, step
    codes = new_recovery_codes(user)
    audit.record("accounts.second_factor_enrol", user, actor=user)
    return codes


def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh single-use codes; the earlier ones stop working. Only their hashes are stored."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = totp.new_recovery_codes()
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=totp.hash_recovery_code(c)) for c in codes)
    db.session.flush()
    return codes


def verify(user: User, code: str, *, now: datetime) -> str:
    """Checks a code of the app (used once) or an unused recovery code; returns which kind it was."""
    factor = factor_of(user)
    if factor is None or factor.confirmed_at is None:
        raise CodeRefused
    step = totp.matching_step(factor.secret, code, now=now, after=factor.last_step)
    if step is not None:
        factor.last_step = step
        return "app"
    if _use_recovery_code(user, code, now=now):
        return "recovery_code"
    audit.record("accounts.second_factor", user, outcome=AuditOutcome.REFUSED, actor=user)
    raise CodeRefused


def _use_recovery_code(user: User, code: str, *, now: datetime) -> bool:
    unused = db.session.scalars(
        sa.select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )
    found = next((row for row in unused if totp.recovery_code_matches(code, row.code_hash)), None)
    if found is None:
        return False
    found.used_at = now
    audit.record("accounts.recovery_code_used", user, actor=user)
    return True


def unused_recovery_codes(user: User) -> int:
    query = sa.select(sa.func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
    )
    return db.session.scalar(query) or 0


def reset(user: User, *, now: datetime) -> None:
    """A lost factor: the administrator removes it; the user sets up a new one at the next log-in."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(sa.delete(SecondFactor).where(SecondFactor.user_id == user.id))
    user.session_token = sessions.new_session_token()  # every session of the user ends
    audit.record("accounts.second_factor_reset", user)
    mail.queue(
        user.email,
        _("Uw tweede factor voor het Inkoopportaal Jeugd & Wmo is verwijderd"),
        "accounts_second_factor_reset",
        user=user,
        at=now,
    )
