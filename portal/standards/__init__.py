"""Open standards for exchange: the iStandaarden (iWmo/iJw) reference list an admin keeps current, and
the contract export per municipality for its toegang and declaration systems."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("standards", __name__)

from portal.standards import routes  # noqa: E402, F401 - registers the routes on bp
