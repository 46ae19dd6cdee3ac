"""Routes of admin."""

from portal.admin import bp  # noqa: F401
