from flask import Blueprint

bp = Blueprint("tenders", __name__, url_prefix="/inkooptrajecten")

# The route modules register themselves on bp; their shared helpers are in pages.py.
from portal.tenders import (  # noqa: E402, F401
    routes,
    routes_matrix,
    routes_public,
    routes_questions,
    routes_requirements,
)
