from flask import Blueprint

bp = Blueprint("accounts", __name__)

from portal.accounts import broker_routes, colleague_routes, factor_routes, links, routes  # noqa: E402, F401 - routes register themselves on bp
