"""Pure parts of the second factor: TOTP codes (RFC 6238, pyotp), recovery codes, the QR code.

No database and no request here: the state lives in accounts/second_factor.py.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

import pyotp
import segno

STEP_SECONDS = 30  # RFC 6238's default, what every authenticator app uses
DRIFT_STEPS = 1  # a code of the previous or next step is accepted too (clock drift, typing time)
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read from paper
_RECOVERY_GROUPS = 4  # four groups of four: 16 characters of 31 symbols, about 79 bits
_SIX_DIGITS = re.compile(r"^[0-9]{6}$")


def new_secret() -> str:
    """A 160-bit secret in base32, as RFC 4226 recommends."""
    return pyotp.random_base32(length=32)


def step_at(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def matching_step(secret: str, code: str, *, now: datetime, after: int) -> int | None:
    """The time step whose code this is (within the drift), only if later than `after` (no replay)."""
    code = re.sub(r"\s", "", code or "")
    if not _SIX_DIGITS.match(code):
        return None
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    current = step_at(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if step > after and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    return pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(name=account, issuer_name=issuer)


def qr_data_uri(uri: str) -> str:
    """The QR code as an SVG data URI: an <img>, so the strict CSP needs no inline style or script."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4)


def new_recovery_codes() -> list[str]:
    return ["-".join(_group() for _ in range(_RECOVERY_GROUPS)) for _ in range(RECOVERY_CODES)]


def _group() -> str:
    return "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(4))


def normalise_recovery_code(code: str) -> str:
    return re.sub(r"[^a-z0-9]", "", (code or "").lower())


def hash_recovery_code(code: str, salt: str | None = None) -> str:
    """`salt$sha256(salt + code)`: a random 64-bit salt per code (ASVS 2.6.2: under 112 bits, salted)."""
    salt = salt or secrets.token_hex(8)
    digest = hashlib.sha256((salt + normalise_recovery_code(code)).encode()).hexdigest()
    return f"{salt}${digest}"


def recovery_code_matches(code: str, stored: str) -> bool:
    salt, _, _digest = stored.partition("$")
    return hmac.compare_digest(hash_recovery_code(code, salt), stored)
