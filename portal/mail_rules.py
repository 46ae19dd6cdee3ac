"""Rules of the outbox, pure: when a failed message is tried again or given up; header-safe text.

A message that fails is tried again after 1 minute, 5 minutes, 30 minutes, 2 hours and 12 hours (six
tries in all, spread over a night in which an SMTP server may be down); after the last it is failed
and shown to the functional administrator. A message that cannot be built fails at once: trying the
same values again gives the same error. A failed or waiting message never holds up the ones behind it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1  # the first try and one per delay
ERROR_LENGTH = 500

# Control characters (C0, DEL, C1) and Unicode's own line and paragraph separators.
_BREAKING = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
# Bidirectional overrides and isolates: they reorder what a reader sees; dropped.
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r" {2,}")


@dataclass(frozen=True)
class AfterFailure:
    next_attempt_at: datetime | None  # when to try again; None when given up
    failed_at: datetime | None  # when it was given up; None while it is retried


def after_failure(attempts: int, *, now: datetime, permanent: bool = False) -> AfterFailure:
    """What follows a failed try; `attempts` counts the tries made, the failed one included."""
    if permanent or attempts >= MAX_ATTEMPTS:
        return AfterFailure(next_attempt_at=None, failed_at=now)
    return AfterFailure(next_attempt_at=now + RETRY_DELAYS[max(attempts, 1) - 1], failed_at=None)


def single_line(value: object, limit: int | None = None) -> str:
    """Any value as one line fit for a mail header: line breaks and control characters become a space.

    The one place every header value (Subject, To, From, attachment name) passes through, so no value a
    user typed (an organisation name, a tender title) can end a header or start another.
    """
    text = _BIDI.sub("", _BREAKING.sub(" ", str(value)))
    text = _SPACES.sub(" ", text).strip()
    return text[:limit].rstrip() if limit is not None else text


def error_reason(error: BaseException) -> str:
    """The reason stored with a failed message and shown to the administrator: one line, bounded."""
    return single_line(f"{type(error).__name__}: {error}", ERROR_LENGTH)
