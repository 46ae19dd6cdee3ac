"""Friendly error pages in the portal's layout, with a reference code and never a traceback."""

from __future__ import annotations

import logging
import secrets

from flask import Flask, current_app, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from portal.extensions import db

log = logging.getLogger(__name__)

PAGES = {400, 403, 404, 405, 409, 413, 422, 429}


def register(app: Flask) -> None:
    app.register_error_handler(401, _unauthorized)
    app.register_error_handler(CSRFError, _csrf)
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(Exception, _unexpected)


def _unauthorized(_error: HTTPException) -> Response:
    return redirect(url_for("accounts.login", next=request.full_path if request.method == "GET" else None))


def _csrf(error: CSRFError) -> tuple[str, int]:
    db.session.rollback()
    return render_template("errors/csrf.html", reference=_reference()), 400


def _http(error: HTTPException) -> HTTPException | tuple[str, int]:
    if error.code not in PAGES:
        return error  # redirects and the like pass through: the exception is its own response
    template = f"errors/{error.code}.html" if error.code in (403, 404, 413, 429) else "errors/generic.html"
    return render_template(template, error=error, reference=_reference()), error.code


def _unexpected(error: Exception) -> tuple[str, int]:
    db.session.rollback()
    if current_app.testing and not current_app.config.get("RENDER_500_IN_TESTS"):
        raise error  # tests see the real exception
    reference = _reference()
    log.exception("unexpected error, reference %s", reference)
    return render_template("errors/500.html", reference=reference), 500


def _reference() -> str:
    return secrets.token_hex(4).upper()
