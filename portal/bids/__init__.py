from flask import Blueprint

bp = Blueprint("bids", __name__, url_prefix="/inschrijvingen")

from portal.bids import answers, routes  # noqa: E402, F401 - routes register themselves on bp
