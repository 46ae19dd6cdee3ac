"""The one clock of the portal. Rules take `now` as an argument; routes ask this module for it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def now() -> datetime:
    """The current time in UTC, timezone-aware, to the second (deadlines are exact to the second)."""
    return datetime.now(UTC).replace(microsecond=0)


def to_local(value: datetime) -> datetime:
    return value.astimezone(AMSTERDAM)


def from_local(value: datetime) -> datetime:
    """A naive wall-clock time entered in Europe/Amsterdam, as aware UTC."""
    if value.tzinfo is not None:
        return value.astimezone(UTC)
    return value.replace(tzinfo=AMSTERDAM).astimezone(UTC)
