"""Pure decisions of the accounts feature: no database, no Flask request."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from stdnum.exceptions import ValidationError
from stdnum.nl import postcode as nl_postcode

from portal.refusals import DomainRefusal

_EIGHT_DIGITS = re.compile(r"^[0-9]{8}$")
FREE_LOGIN_FAILURES = 5
MAX_LOGIN_DELAY = timedelta(minutes=15)


class FieldRefused(DomainRefusal):
    """A refusal that belongs next to one field of a form: `field` is the form field's name."""

    def __init__(self, field: str, message: object) -> None:
        super().__init__(message, field)


class ActionRefused(DomainRefusal):
    """A refusal of a button (no field): shown at the top of the page."""


def safe_next(target: str | None) -> str | None:
    """Only a path on this host: no scheme, no other host, no protocol-relative `//evil`, no `/\\evil`."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    return target


def compact_digits(value: str | None) -> str:
    return re.sub(r"[\s.\-]", "", value or "")


def check_kvk(value: str | None) -> str:
    """A KvK number is exactly 8 digits (spaces and dots are ignored)."""
    kvk = compact_digits(value)
    if not _EIGHT_DIGITS.match(kvk):
        raise FieldRefused("kvk_number", _l("Een KvK-nummer bestaat uit precies 8 cijfers."))
    return kvk


def check_agb(value: str | None) -> str | None:
    """An AGB code is optional; when given it is exactly 8 digits."""
    agb = compact_digits(value)
    if not agb:
        return None
    if not _EIGHT_DIGITS.match(agb):
        raise FieldRefused("agb_code", _l("Een AGB-code bestaat uit precies 8 cijfers."))
    return agb


def check_postcode(value: str | None) -> str:
    """A Dutch postcode, stored as `1234 AB` (python-stdnum knows which letter pairs do not exist)."""
    try:
        return nl_postcode.validate(value or "")
    except ValidationError:
        raise FieldRefused(
            "postcode", _l("Vul een Nederlandse postcode in: 4 cijfers en 2 letters, bijvoorbeeld 9401 AA.")
        ) from None


def may_deactivate(*, target_is_admin: bool, target_is_active: bool, active_admins: int) -> bool:
    """The last active admin of an organisation cannot be deactivated: someone must be able to manage it."""
    return not (target_is_admin and target_is_active and active_admins <= 1)


def may_change_own_roles(*, is_self: bool, keeps_admin: bool) -> bool:
    """An admin cannot take away his own admin role (nobody would be left to give it back)."""
    return keeps_admin or not is_self


def login_delay(failures: int) -> timedelta:
    """How long an account waits after its `failures`-th failed log-in in a row.

    The first four failures cost nothing (a typo); from the fifth the next attempt waits 1 s, then
    2 s, 4 s, ... doubling up to 15 minutes: guessing slows to a crawl while the owner, who knows
    the password, is never locked out for long. Successful log-ins clear the count.
    """
    if failures < FREE_LOGIN_FAILURES:
        return timedelta(0)
    exponent = min(failures - FREE_LOGIN_FAILURES, 20)  # 2**20 s is far past the cap already
    return min(timedelta(seconds=2**exponent), MAX_LOGIN_DELAY)


def login_wait(allowed_from: datetime | None, *, now: datetime) -> timedelta:
    """How long until the next log-in attempt is allowed (zero when it is allowed now)."""
    if allowed_from is None or allowed_from <= now:
        return timedelta(0)
    return allowed_from - now
