"""Buyer routes of the resultatenmatrix: the table, import/export, results, lots and tariffs."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response as FlaskResponse
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portal import audit
from portal.extensions import db
from portal.models import Domain, Law, Result, ResultLevel
from portal.tenders import bp, forms, matrix_io, queries, service
from portal.tenders import matrix as matrix_service
from portal.tenders.notation import parse_money
from portal.tenders.pages import Page, by, manageable, show_problems
from portal.tenders.rules import Problem

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _matrix_page(
    tender_id: int, status: int = 200, errors: list[object] | None = None, **overrides: object
) -> Page:
    tender = manageable(tender_id)
    page_forms: dict[str, object] = {
        "import_form": forms.MatrixImportForm(),
        "result_form": _result_form(tender, forms.ResultForm(prefix="result")),
        "lot_form": _lot_form(tender, forms.AssignLotForm(prefix="lot")),
        "tariff_form": _tariff_form(tender, forms.TariffForm(prefix="tariff")),
        "level_form": forms.LevelForm(prefix="level"),
    }
    page_forms.update(overrides)
    return render_template(
        "tenders/matrix.html",
        tender=tender,
        results=queries.matrix_results(tender.id),
        import_errors=errors or [],
        frozen=tender.status is not service.TenderStatus.DRAFT,
        **page_forms,
    ), status


def _result_form(tender, form: forms.ResultForm) -> forms.ResultForm:  # type: ignore[no-untyped-def]
    domains = db.session.scalars(sa.select(Domain).order_by(Domain.position))
    form.domain_id.choices = forms.options([(d.id, d.name) for d in domains])
    form.lot_id.choices = forms.options(
        [(0, _("Geen perceel"))] + [(lot.id, lot.name) for lot in tender.lots]
    )
    return form


def _level_choices(tender) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    rows = db.session.execute(
        sa.select(ResultLevel.id, Result.code, ResultLevel.level)
        .join(Result, ResultLevel.result_id == Result.id)
        .where(Result.tender_id == tender.id)
        .order_by(Result.code, ResultLevel.level)
    )
    return [(rl_id, f"{code} niveau {level}") for rl_id, code, level in rows]


def _lot_form(tender, form: forms.AssignLotForm) -> forms.AssignLotForm:  # type: ignore[no-untyped-def]
    form.result_level_id.choices = forms.options(_level_choices(tender))
    form.lot_id.choices = forms.options(
        [(0, _("Geen perceel"))] + [(lot.id, lot.name) for lot in tender.lots]
    )
    return form


def _tariff_form(tender, form: forms.TariffForm) -> forms.TariffForm:  # type: ignore[no-untyped-def]
    form.result_level_id.choices = forms.options(_level_choices(tender))
    form.municipality_id.choices = forms.options([(m.id, m.name) for m in tender.municipalities])
    return form


@bp.get("/beheer/<int:tender_id>/matrix")
def matrix(tender_id: int) -> Page:
    return _matrix_page(tender_id)


@bp.post("/beheer/<int:tender_id>/matrix/importeren")
def import_matrix(tender_id: int) -> Page:
    tender = manageable(tender_id)
    form = forms.MatrixImportForm()
    if not form.validate_on_submit():
        return _matrix_page(tender_id, 422, import_form=form)
    try:
        summary = matrix_io.import_matrix(
            tender, form.file.data.stream, form.file.data.filename or "", by=by()
        )
    except matrix_io.MatrixInvalid as invalid:
        return _matrix_page(tender_id, 422, errors=[str(e) for e in invalid.errors], import_form=form)
    except service.TenderError as error:
        show_problems(form, error)
        return _matrix_page(tender_id, 422, import_form=form)
    flash(
        _(
            "De matrix is ingelezen: %(results)s resultaten, %(tariffs)s tarieven.",
            results=summary.results,
            tariffs=summary.tariffs,
        ),
        "success",
    )
    return redirect(url_for("tenders.matrix", tender_id=tender.id))


@bp.get("/beheer/<int:tender_id>/matrix/export.<any(xlsx, csv):fmt>")
def export_matrix(tender_id: int, fmt: str) -> FlaskResponse:
    tender = manageable(tender_id)
    if fmt == "xlsx":
        body, mimetype = matrix_io.export_xlsx(tender), XLSX_TYPE
    else:
        body, mimetype = matrix_io.export_csv(tender), "text/csv; charset=utf-8"
    audit.record("tenders.export_matrix", tender, format=fmt)
    response = FlaskResponse(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="resultatenmatrix-{tender.reference}.{fmt}"'
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/beheer/<int:tender_id>/matrix/resultaten")
def add_result(tender_id: int) -> Page:
    tender = manageable(tender_id)
    form = _result_form(tender, forms.ResultForm(prefix="result"))
    if not form.validate_on_submit():
        return _matrix_page(tender_id, 422, result_form=form)
    try:
        domain = db.session.get(Domain, form.domain_id.data)
        lot = next((lot for lot in tender.lots if lot.id == form.lot_id.data), None)
        result = matrix_service.add_result(
            tender,
            domain=domain,
            code=form.code.data,
            name=form.name.data,
            law=Law(form.law.data),
            product_code=form.product_code.data or "",
            by=by(),
        )
        for level in form.levels.data or []:
            matrix_service.add_result_level(result, level=level, lot=lot)
    except service.TenderError as error:
        show_problems(form, error)
        return _matrix_page(tender_id, 422, result_form=form)
    flash(_("Het resultaat is toegevoegd."), "success")
    return redirect(url_for("tenders.matrix", tender_id=tender.id))


def _result_level(tender, result_level_id: int) -> ResultLevel:  # type: ignore[no-untyped-def]
    """Only a result-level of this tender: the select's choices already refuse any other id."""
    result_level = db.session.get(ResultLevel, result_level_id)
    if result_level is None or result_level.result.tender_id != tender.id:
        abort(404)
    return result_level


@bp.post("/beheer/<int:tender_id>/matrix/perceel")
def assign_lot(tender_id: int) -> Page:
    tender = manageable(tender_id)
    form = _lot_form(tender, forms.AssignLotForm(prefix="lot"))
    if not form.validate_on_submit():
        return _matrix_page(tender_id, 422, lot_form=form)
    result_level = _result_level(tender, form.result_level_id.data)
    try:
        lot = next((lot for lot in tender.lots if lot.id == form.lot_id.data), None)
        matrix_service.assign_lot(result_level, lot, by=by())
    except service.TenderError as error:
        show_problems(form, error)
        return _matrix_page(tender_id, 422, lot_form=form)
    flash(_("Het perceel is aangepast."), "success")
    return redirect(url_for("tenders.matrix", tender_id=tender.id))


@bp.post("/beheer/<int:tender_id>/matrix/tarief")
def set_tariff(tender_id: int) -> Page:
    tender = manageable(tender_id)
    form = _tariff_form(tender, forms.TariffForm(prefix="tariff"))
    if not form.validate_on_submit():
        return _matrix_page(tender_id, 422, tariff_form=form)
    result_level = _result_level(tender, form.result_level_id.data)
    try:
        try:
            amount = parse_money(form.amount.data)
        except ValueError as error:
            message = _("Dit is geen bedrag. Schrijf bijvoorbeeld € 1.234,56.")
            raise service.InvalidInput([Problem("amount", message)]) from error
        municipality = next(m for m in tender.municipalities if m.id == form.municipality_id.data)
        matrix_service.set_tariff(
            result_level, municipality=municipality, valid_from=form.valid_from.data, amount=amount, by=by()
        )
    except service.TenderError as error:
        show_problems(form, error)
        return _matrix_page(tender_id, 422, tariff_form=form)
    flash(_("Het tarief is opgeslagen."), "success")
    return redirect(url_for("tenders.matrix", tender_id=tender.id))


@bp.post("/beheer/<int:tender_id>/matrix/niveaus")
def set_level(tender_id: int) -> Page:
    tender = manageable(tender_id)
    form = forms.LevelForm(prefix="level")
    if not form.validate_on_submit():
        return _matrix_page(tender_id, 422, level_form=form)
    try:
        matrix_service.set_level(tender, form.number.data, form.description.data, by=by())
    except service.TenderError as error:
        show_problems(form, error)
        return _matrix_page(tender_id, 422, level_form=form)
    flash(_("De omschrijving van niveau %(n)s is opgeslagen.", n=form.number.data), "success")
    return redirect(url_for("tenders.matrix", tender_id=tender.id))
