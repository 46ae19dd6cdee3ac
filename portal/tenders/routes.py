"""Routes of tenders."""

from portal.tenders import bp  # noqa: F401
