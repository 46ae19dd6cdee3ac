from flask import Blueprint

bp = Blueprint("tenders", __name__, url_prefix="/inkooptrajecten")

from portal.tenders import routes  # noqa: E402, F401 - routes register themselves on bp
