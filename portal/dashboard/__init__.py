from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from portal.dashboard import routes  # noqa: E402, F401 - routes register themselves on bp
