"""A read-only JSON API for the municipalities' systems (toegang, declaraties): contracts, contracted
products per provider and coverage, behind per-system tokens, described by an OpenAPI 3 document."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__)
PREFIX = "/api/v1"

from portal.api import routes, routes_admin  # noqa: E402, F401 - registers the routes on bp
