"""Buyer routes of the resultatenmatrix: the table, import/export, results, lots and tariffs."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response as FlaskResponse
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portal import audit
from portal.extensions import db
from portal.models import Domain, Law, Result, ResultLevel, Tender
from portal.tenders import (
    bp,
    forms,
    matrix_export,
    matrix_import,
    matrix_rows,
    queries,
    service,
)
from portal.tenders import matrix as matrix_service
from portal.tenders.notation import parse_money
from portal.tenders.pages import by, manageable, submitted
from portal.tenders.rules import Problem
from portal.web import Page, show_refusal

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


def _result_form(tender: Tender, form: forms.ResultForm) -> forms.ResultForm:
    domains = db.session.scalars(sa.select(Domain).order_by(Domain.position))
    form.domain_id.choices = forms.options([(d.id, d.name) for d in domains])
    form.lot_id.choices = forms.options(
        [(0, _("Geen perceel"))] + [(lot.id, lot.name) for lot in tender.lots]
    )
    return form


def _level_choices(tender: Tender) -> list[tuple[int, str]]:
    rows = db.session.execute(
        sa.select(ResultLevel.id, Result.code, ResultLevel.level)
        .join(Result, ResultLevel.result_id == Result.id)
        .where(Result.tender_id == tender.id)
        .order_by(Result.code, ResultLevel.level)
    )
    return [(rl_id, _("%(code)s niveau %(level)s", code=code, level=level)) for rl_id, code, level in rows]


def _lot_form(tender: Tender, form: forms.AssignLotForm) -> forms.AssignLotForm:
    form.result_level_id.choices = forms.options(_level_choices(tender))
    form.lot_id.choices = forms.options(
        [(0, _("Geen perceel"))] + [(lot.id, lot.name) for lot in tender.lots]
    )
    return form


def _tariff_form(tender: Tender, form: forms.TariffForm) -> forms.TariffForm:
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
        summary = matrix_import.import_matrix(
            tender, form.file.data.stream, form.file.data.filename or "", by=by()
        )
    except matrix_rows.MatrixInvalid as invalid:
        return _matrix_page(tender_id, 422, errors=[str(e) for e in invalid.errors], import_form=form)
    except service.TenderError as error:
        show_refusal(form, error)
        return _matrix_page(tender_id, 422, import_form=form)
    flash(
        _(
            "De matrix is ingelezen: %(results)s resultaten, %(tariffs)s tarieven.",
            results=summary.results,
            tariffs=summary.tariffs,
        ),
        "success",
    )
    return redirect(_matrix_url(tender))


@bp.get("/beheer/<int:tender_id>/matrix/export.<any(xlsx, csv):fmt>")
def export_matrix(tender_id: int, fmt: str) -> FlaskResponse:
    tender = manageable(tender_id)
    if fmt == "xlsx":
        body, mimetype = matrix_export.export_xlsx(tender), XLSX_TYPE
    else:
        body, mimetype = matrix_export.export_csv(tender), "text/csv; charset=utf-8"
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

    def add() -> None:
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

    done = submitted(form, add, _("Het resultaat is toegevoegd."), _matrix_url(tender))
    return done or _matrix_page(tender_id, 422, result_form=form)


def _matrix_url(tender: Tender) -> str:
    return url_for("tenders.matrix", tender_id=tender.id)


def _result_level(tender: Tender, result_level_id: int) -> ResultLevel:
    """Only a result-level of this tender: the select's choices already refuse any other id."""
    result_level = db.session.get(ResultLevel, result_level_id)
    if result_level is None or result_level.result.tender_id != tender.id:
        abort(404)
    return result_level


@bp.post("/beheer/<int:tender_id>/matrix/perceel")
def assign_lot(tender_id: int) -> Page:
    tender = manageable(tender_id)
    form = _lot_form(tender, forms.AssignLotForm(prefix="lot"))

    def assign() -> None:
        result_level = _result_level(tender, form.result_level_id.data)
        lot = next((lot for lot in tender.lots if lot.id == form.lot_id.data), None)
        matrix_service.assign_lot(result_level, lot, by=by())

    done = submitted(form, assign, _("Het perceel is aangepast."), _matrix_url(tender))
    return done or _matrix_page(tender_id, 422, lot_form=form)


@bp.post("/beheer/<int:tender_id>/matrix/tarief")
def set_tariff(tender_id: int) -> Page:
    tender = manageable(tender_id)
    form = _tariff_form(tender, forms.TariffForm(prefix="tariff"))

    def save() -> None:
        result_level = _result_level(tender, form.result_level_id.data)
        try:
            amount = parse_money(form.amount.data)
        except ValueError as error:
            message = _("Dit is geen bedrag. Schrijf bijvoorbeeld € 1.234,56.")
            raise service.InvalidInput([Problem("amount", message)]) from error
        municipality = next(m for m in tender.municipalities if m.id == form.municipality_id.data)
        matrix_service.set_tariff(
            result_level, municipality=municipality, valid_from=form.valid_from.data, amount=amount, by=by()
        )

    done = submitted(form, save, _("Het tarief is opgeslagen."), _matrix_url(tender))
    return done or _matrix_page(tender_id, 422, tariff_form=form)


@bp.post("/beheer/<int:tender_id>/matrix/niveaus")
def set_level(tender_id: int) -> Page:
    tender = manageable(tender_id)
    form = forms.LevelForm(prefix="level")
    done = submitted(
        form,
        lambda: matrix_service.set_level(tender, form.number.data, form.description.data, by=by()),
        _("De omschrijving van niveau %(n)s is opgeslagen.", n=form.number.data),
        _matrix_url(tender),
    )
    return done or _matrix_page(tender_id, 422, level_form=form)
