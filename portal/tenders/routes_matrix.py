"""Buyer routes of the resultatenmatrix: the table, import/export, results, lots and tariffs."""

from __future__ import annotations

from decimal import Decimal

from flask import Response as FlaskResponse
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from portal import audit
from portal.models import Law, Lot, ResultLevel, Tender
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
from portal.tenders.forms import SelectChoice
from portal.tenders.notation import parse_money
from portal.tenders.pages import attachment, by, found, manageable, submitted
from portal.tenders.rules import Problem
from portal.web import Page, show_refusal

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _matrix_page(
    tender_id: int, status: int = 200, errors: list[str] | None = None, **overrides: FlaskForm
) -> Page:
    tender = manageable(tender_id)
    return render_template(
        "tenders/matrix.html",
        tender=tender,
        results=queries.matrix_results(tender.id),
        import_errors=errors or [],
        frozen=tender.status is not service.TenderStatus.DRAFT,
        **{**_matrix_forms(tender), **overrides},
    ), status


def _matrix_forms(tender: Tender) -> dict[str, FlaskForm]:
    """The empty forms of the matrix page (a refused one replaces its own)."""
    return {
        "import_form": forms.MatrixImportForm(),
        "result_form": _result_form(tender, forms.ResultForm(prefix="result")),
        "lot_form": _lot_form(tender, forms.AssignLotForm(prefix="lot")),
        "tariff_form": _tariff_form(tender, forms.TariffForm(prefix="tariff")),
        "level_form": forms.LevelForm(prefix="level"),
    }


def _lot_options(tender: Tender) -> list[SelectChoice]:
    return forms.options([(0, _("Geen perceel"))] + [(lot.id, lot.name) for lot in tender.lots])


def _result_form(tender: Tender, form: forms.ResultForm) -> forms.ResultForm:
    form.domain_id.choices = forms.options([(d.id, d.name) for d in queries.domains()])
    form.lot_id.choices = _lot_options(tender)
    return form


def _level_options(tender: Tender) -> list[SelectChoice]:
    return forms.options(
        (rl_id, _("%(code)s niveau %(level)s", code=code, level=level))
        for rl_id, code, level in queries.result_level_labels(tender.id)
    )


def _lot_form(tender: Tender, form: forms.AssignLotForm) -> forms.AssignLotForm:
    form.result_level_id.choices = _level_options(tender)
    form.lot_id.choices = _lot_options(tender)
    return form


def _tariff_form(tender: Tender, form: forms.TariffForm) -> forms.TariffForm:
    form.result_level_id.choices = _level_options(tender)
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
    flash(_imported(summary), "success")
    return redirect(_matrix_url(tender))


def _imported(summary: matrix_import.ImportSummary) -> str:
    return _(
        "De matrix is ingelezen: %(results)s resultaten, %(tariffs)s tarieven.",
        results=summary.results,
        tariffs=summary.tariffs,
    )


@bp.get("/beheer/<int:tender_id>/matrix/export.<any(xlsx, csv):fmt>")
def export_matrix(tender_id: int, fmt: str) -> FlaskResponse:
    tender = manageable(tender_id)
    if fmt == "xlsx":
        body, mimetype = matrix_export.export_xlsx(tender), XLSX_TYPE
    else:
        body, mimetype = matrix_export.export_csv(tender), "text/csv; charset=utf-8"
    audit.record("tenders.export_matrix", tender, format=fmt)
    return attachment(body, mimetype, f'attachment; filename="resultatenmatrix-{tender.reference}.{fmt}"')


@bp.post("/beheer/<int:tender_id>/matrix/resultaten")
def add_result(tender_id: int) -> Page:
    tender = manageable(tender_id)
    form = _result_form(tender, forms.ResultForm(prefix="result"))
    done = submitted(
        form, lambda: _add_result(tender, form), _("Het resultaat is toegevoegd."), _matrix_url(tender)
    )
    return done or _matrix_page(tender_id, 422, result_form=form)


def _add_result(tender: Tender, form: forms.ResultForm) -> None:
    """The result with the levels ticked, all in the perceel chosen (none: no perceel yet)."""
    result = matrix_service.add_result(
        tender,
        domain=found(queries.domain(forms.filled(form.domain_id.data))),
        code=forms.filled(form.code.data),
        name=forms.filled(form.name.data),
        law=Law(form.law.data),
        product_code=form.product_code.data or "",
        by=by(),
    )
    lot = _chosen_lot(tender, form.lot_id.data)
    for level in form.levels.data or []:
        matrix_service.add_result_level(result, level=level, lot=lot)


def _chosen_lot(tender: Tender, lot_id: int | None) -> Lot | None:
    """The perceel picked in a select whose choices are this tender's lots; 0 or None: no perceel."""
    return next((lot for lot in tender.lots if lot.id == lot_id), None)


def _matrix_url(tender: Tender) -> str:
    return url_for("tenders.matrix", tender_id=tender.id)


def _result_level(tender: Tender, result_level_id: int | None) -> ResultLevel:
    """Only a result-level of this tender: the select's choices already refuse any other id."""
    return found(queries.result_level(tender.id, forms.filled(result_level_id)))


@bp.post("/beheer/<int:tender_id>/matrix/perceel")
def assign_lot(tender_id: int) -> Page:
    tender = manageable(tender_id)
    form = _lot_form(tender, forms.AssignLotForm(prefix="lot"))
    done = submitted(
        form,
        lambda: matrix_service.assign_lot(
            _result_level(tender, form.result_level_id.data), _chosen_lot(tender, form.lot_id.data), by=by()
        ),
        _("Het perceel is aangepast."),
        _matrix_url(tender),
    )
    return done or _matrix_page(tender_id, 422, lot_form=form)


@bp.post("/beheer/<int:tender_id>/matrix/tarief")
def set_tariff(tender_id: int) -> Page:
    tender = manageable(tender_id)
    form = _tariff_form(tender, forms.TariffForm(prefix="tariff"))

    def save() -> None:
        matrix_service.set_tariff(
            _result_level(tender, form.result_level_id.data),
            municipality=next(m for m in tender.municipalities if m.id == form.municipality_id.data),
            valid_from=forms.filled(form.valid_from.data),
            amount=_amount(form.amount.data),
            by=by(),
        )

    done = submitted(form, save, _("Het tarief is opgeslagen."), _matrix_url(tender))
    return done or _matrix_page(tender_id, 422, tariff_form=form)


def _amount(text: str | None) -> Decimal:
    """An amount in Dutch notation; a refusal on the amount field otherwise."""
    try:
        return parse_money(forms.filled(text))
    except ValueError as error:
        message = _("Dit is geen bedrag. Schrijf bijvoorbeeld € 1.234,56.")
        raise service.InvalidInput([Problem("amount", message)]) from error


@bp.post("/beheer/<int:tender_id>/matrix/niveaus")
def set_level(tender_id: int) -> Page:
    tender = manageable(tender_id)
    form = forms.LevelForm(prefix="level")
    done = submitted(
        form,
        lambda: matrix_service.set_level(
            tender, forms.filled(form.number.data), forms.filled(form.description.data), by=by()
        ),
        _("De omschrijving van niveau %(n)s is opgeslagen.", n=form.number.data),
        _matrix_url(tender),
    )
    return done or _matrix_page(tender_id, 422, level_form=form)
