from flask import Blueprint

bp = Blueprint("assessment", __name__, url_prefix="/beoordeling")

from portal.assessment import routes, routes_checks, routes_provider, routes_scoring  # noqa: E402, F401 - routes register themselves on bp
