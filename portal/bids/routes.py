"""Routes of bids."""

from portal.bids import bp  # noqa: F401
