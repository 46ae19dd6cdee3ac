"""The start page: what each role sees first after logging in."""

from __future__ import annotations

from flask import render_template, request, session
from flask_login import current_user
from werkzeug.wrappers import Response

from portal import access, clock
from portal.dashboard import bp, queries
from portal.figures import queries as figures_queries
from portal.figures.coverage import Filters, coverage_table
from portal.figures.forms import CoverageFilterForm, id_choices


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


@bp.get("/cijfers")
@access.guard("dashboard.view")
def figures() -> str:
    form = CoverageFilterForm(request.args)
    form.municipality.choices = id_choices(figures_queries.municipalities())
    form.domain.choices = id_choices(figures_queries.domains())
    form.validate()  # a refused filter is ignored, its message shown next to it
    filters = Filters(
        municipality_id=form.municipality.data if not form.municipality.errors else None,
        domain_id=form.domain.data if not form.domain.errors else None,
        gaps_only=bool(form.gaps_only.data),
        page=request.args.get("pagina", 1, type=int) or 1,
    )
    suppress = not access.allowed(current_user, "dashboard.exact_counts")
    table = coverage_table(filters, now=clock.now(), suppress=suppress)
    args = {name: value for name, value in request.args.items() if name in form}
    return render_template("dashboard/figures.html", form=form, table=table, args=args, suppress=suppress)
