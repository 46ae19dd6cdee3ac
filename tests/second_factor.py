"""The second factor as the tests' log-in gives it: a code computed with pyotp, checked by the portal.

Staff (and providers who set one up) log in with a TOTP code. `give_factor` enrols a factor through
the feature's own functions when the user has none yet, and then lets the portal check a fresh code
(a later time step than the last one used: codes are single-use), so the login helper proves the
factor the same way the code page does.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pyotp

from portal.accounts import factor_service, totp
from portal.extensions import db
from portal.models import User


def code_for(secret: str, step: int) -> str:
    return pyotp.TOTP(secret, interval=totp.STEP_SECONDS).generate_otp(step)


def enrol(user: User, *, now: datetime | None = None) -> str:
    """A confirmed factor for `user` (its first code from the step before now); returns the secret."""
    now = now or datetime.now(UTC)
    secret = factor_service.start_enrolment(user)
    previous = totp.step_at(now - timedelta(seconds=totp.STEP_SECONDS))
    factor_service.confirm_enrolment(user, code_for(secret, previous), now=now)
    db.session.commit()
    return secret


def next_code(user: User, *, now: datetime | None = None) -> str:
    """A code the portal has not seen yet for this user: this step's, or the next one's."""
    factor = factor_service.factor_of(user)
    assert factor is not None, f"{user} has no second factor"
    assert factor.confirmed_at is not None, f"{user} has not confirmed the second factor"
    step = max(totp.step_at(now or datetime.now(UTC)), factor.last_step + 1)
    return code_for(factor.secret, step)


def give_factor(user: User) -> bool:
    """Checks a valid code for a user who needs the factor; False for a provider without one."""
    if not user.is_staff and not factor_service.has_factor(user):
        return False
    if not factor_service.has_factor(user):
        enrol(user)
    # A code is single-use: a test that logs the same user in again within one 30-second step types
    # the next step's code at the next step's time (the portal's `now=`), as a person would wait for it.
    factor = factor_service.factor_of(user)
    assert factor is not None
    assert factor.confirmed_at is not None
    step = max(totp.step_at(datetime.now(UTC)), factor.last_step + 1)
    at = datetime.fromtimestamp(step * totp.STEP_SECONDS, UTC)
    factor_service.verify(user, code_for(factor.secret, step), now=at)
    db.session.commit()
    return True


_BROWSER_FACTORS: dict[str, tuple[str, int]] = {}  # e-mail → (secret read off the page, last step used)


def browser_factor(page, email: str) -> None:  # type: ignore[no-untyped-def]  # a Playwright page
    """After the password in a real browser: set the factor up (the key read off the page, as a person
    types it into the app) or type the code of the factor set up earlier; providers pass straight on."""
    from playwright.sync_api import expect

    expect(page).not_to_have_url(re.compile(r"/inloggen(\?|$)"))  # the password was taken
    path = urlsplit(page.url).path
    now = totp.step_at(datetime.now(UTC))
    if path.endswith("/account/tweede-factor"):  # set up: in Dutch or English, the same page
        secret, step = page.locator("main code").inner_text().replace(" ", ""), now
    elif path.endswith("/inloggen/code"):
        secret, last = _BROWSER_FACTORS[email]
        step = max(now, last + 1)
    else:
        return
    page.locator("main input[name=code]").fill(code_for(secret, step))
    page.locator("main button[type=submit]").click()
    _BROWSER_FACTORS[email] = (secret, step)
