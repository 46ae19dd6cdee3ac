from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/beheer")

from portal.admin import outbox, routes  # noqa: E402, F401 - routes register themselves on bp
