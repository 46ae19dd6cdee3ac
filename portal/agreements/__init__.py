from flask import Blueprint

bp = Blueprint("agreements", __name__, url_prefix="/overeenkomsten")

from portal.agreements import routes  # noqa: E402, F401 - routes register themselves on bp
