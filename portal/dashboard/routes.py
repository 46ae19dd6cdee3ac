"""The start page: what each role sees first after logging in."""

from __future__ import annotations

from flask import render_template, request, session
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.dashboard import bp, queries


@bp.get("/")
def home() -> str:
    if not current_user.is_authenticated:
        return render_template("dashboard/welcome.html", tenders=queries.published_tenders())
    return render_template("dashboard/home.html", start=queries.start_page(current_user))


@bp.post("/taal")
def set_language() -> Response:
    from flask import redirect, url_for

    from portal.accounts.routes import safe_next

    language = request.form.get("language", "nl")
    if language in ("nl", "en"):
        session["locale"] = language
    return redirect(safe_next(request.form.get("next")) or url_for("dashboard.home"))


@bp.get("/gezond")
def health() -> tuple[str, int, dict[str, str]]:
    """Liveness check for load balancers and the benchmark's floor: no database, no template."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}
