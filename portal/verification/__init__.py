"""One public verification page for every PDF the portal makes: upload it or paste its SHA-256, and see
what it is, its date and whether it is the current version; nothing confidential."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("verification", __name__)

from portal.verification import routes  # noqa: E402, F401 - registers the routes on bp
