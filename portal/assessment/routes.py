"""Routes of assessment."""

from portal.assessment import bp  # noqa: F401
