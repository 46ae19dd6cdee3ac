"""Errors of the API as RFC 9457 problem details (application/problem+json), never an HTML page."""

from __future__ import annotations

from flask import Response, json
from werkzeug.exceptions import HTTPException

from portal.api import bp


def problem(status: int, detail: object) -> Response:
    body = {"status": status, "title": _TITLES.get(status, "Error"), "detail": str(detail)}
    return Response(json.dumps(body), status=status, mimetype="application/problem+json")


_TITLES = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 429: "Too Many Requests"}


@bp.errorhandler(HTTPException)
def _http(error: HTTPException) -> Response:
    return problem(error.code or 500, error.description or "")
