"""The bench's staff log in as staff do: password, then a TOTP code of the factor that `flask bench-data`
enrolled for them (portal/benchdata/region.py). The secret is read from the bench database, the code
computed with pyotp. A code is single-use, so each member of staff logs in once per run and every client
acting for that person shares the session (`SESSIONS`)."""

from __future__ import annotations

import time

import pyotp
import sqlalchemy as sa
from flask.testing import FlaskClient

from portal.accounts import totp

SECRETS: dict[str, str] = {}  # e-mail → TOTP secret (staff only)
_LAST_STEP: dict[str, int] = {}


def load_secrets(connection: sa.Connection) -> None:
    rows = connection.execute(
        sa.text(
            "SELECT u.email, f.secret FROM second_factor f JOIN user_account u ON u.id = f.user_id "
            "WHERE f.confirmed_at IS NOT NULL"
        )
    )
    SECRETS.update({email: secret for email, secret in rows})


def next_code(email: str) -> str:
    """A code this person has not typed before: the step after the last one this process used, or now's
    when that was long ago, or the next one when this process used none (another process of the run may
    have used now's); waiting when that step is more than one ahead of the clock (one step of drift)."""
    now = int(time.time()) // totp.STEP_SECONDS
    step = max(_LAST_STEP.get(email, now) + 1, now)  # an old last step: now's code is fresh
    while step > int(time.time()) // totp.STEP_SECONDS + 1:
        time.sleep(1)
    _LAST_STEP[email] = step
    return pyotp.TOTP(SECRETS[email], interval=totp.STEP_SECONDS).generate_otp(step)


def log_in_test_client(client: FlaskClient, email: str, password: str) -> None:
    """The same log-in for the in-process measures (Flask's test client, CSRF off)."""
    if email not in SECRETS:
        from portal.extensions import db

        with client.application.app_context():
            load_secrets(db.session.connection())
            db.session.remove()
    response = client.post("/inloggen", data={"email": email, "password": password})
    if response.status_code != 302:
        raise RuntimeError(f"log-in of {email} failed: {response.status_code}")
    if response.headers.get("location", "").endswith("/inloggen/code"):
        response = client.post("/inloggen/code", data={"code": next_code(email)})
        if response.status_code != 302 or response.headers.get("location", "").endswith("/inloggen"):
            raise RuntimeError(f"second factor of {email} failed: {response.status_code}")
