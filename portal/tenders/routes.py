"""Buyer routes of the tender set-up: thin - parse, check access, call a service, render or redirect."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from portal import access, clock
from portal.access import guard
from portal.extensions import db
from portal.models import (
    AnswerType,
    AwardCriterion,
    Law,
    Lot,
    Municipality,
    Procedure,
    Requirement,
    RequirementKind,
    Tender,
    TenderStatus,
)
from portal.tenders import bp, forms, publication, queries, service
from portal.tenders.rules import Problem

Page = str | tuple[str, int] | Response


def manageable(tender_id: int) -> Tender:
    """Load-or-404 plus the buyer's permission, for every set-up route."""
    return access.get_or_404(Tender, tender_id, "tenders.manage")


def child_of(tender: Tender, model: type[Any], object_id: int) -> Any:
    """An object of this tender (lot, requirement, ...), or 404 for a tampered id."""
    obj = db.session.get(model, object_id)
    if obj is None or obj.tender_id != tender.id:
        abort(404)
    return obj


def by() -> Any:
    return current_user._get_current_object()  # type: ignore[attr-defined]


def show_problems(form: FlaskForm, error: service.TenderError) -> None:
    """Put each refusal next to its field; what belongs to no field goes to the top of the form."""
    problems = getattr(error, "problems", None) or [Problem(error.field or "", error.message)]
    for problem in problems:
        target = getattr(form, problem.field, None)
        if target is not None and isinstance(target.errors, list) and problem.field != "windows":
            target.errors.append(str(problem.message))
        else:
            form.form_errors.append(str(problem.message))


# --- tenders ------------------------------------------------------------------------------------


@bp.get("/beheer")
@guard("tenders.manage")
def index() -> Page:
    return render_template("tenders/index.html", tenders=queries.buyer_tenders())


def _tender_form(form: forms.TenderForm) -> forms.TenderForm:
    municipalities = db.session.scalars(sa.select(Municipality).order_by(Municipality.name))
    form.municipality_ids.choices = forms.options(
        [(m.id, f"{m.name} ({m.cbs_code})") for m in municipalities]
    )
    return form


def _tender_data(form: forms.TenderForm) -> service.TenderData:
    return service.TenderData(
        reference=form.reference.data,
        title=form.title.data,
        description=form.description.data or "",
        procedure=Procedure(form.procedure.data),
        law=Law(form.law.data),
        municipality_ids=list(form.municipality_ids.data or []),
        publication_at=forms.local_or_none(form.publication_at.data),
        question_deadline=forms.local_or_none(form.question_deadline.data),
        submission_deadline=forms.local_or_none(form.submission_deadline.data),
        windows=form.window_pairs(),
        contract_start=form.contract_start.data,
        term_months=form.term_months.data,
        extension_count=form.extension_count.data,
        extension_months=form.extension_months.data,
    )


@bp.route("/beheer/nieuw", methods=["GET", "POST"])
@guard("tenders.manage")
def create() -> Page:
    form = _tender_form(forms.TenderForm())
    if form.validate_on_submit():
        try:
            tender = service.create_tender(_tender_data(form), by=by())
        except service.TenderError as error:
            show_problems(form, error)
        else:
            flash(_("Het inkooptraject is aangemaakt als concept."), "success")
            return redirect(url_for("tenders.show", tender_id=tender.id))
    return render_template("tenders/create.html", form=form), 422 if request.method == "POST" else 200


@bp.route("/beheer/<int:tender_id>/bewerken", methods=["GET", "POST"])
def edit(tender_id: int) -> Page:
    tender = manageable(tender_id)
    form = _tender_form(forms.TenderForm(data=_initial(tender) if request.method == "GET" else None))
    if form.validate_on_submit():
        try:
            service.update_tender(tender, _tender_data(form), by=by())
        except service.TenderError as error:
            show_problems(form, error)
        else:
            flash(_("De wijzigingen zijn opgeslagen."), "success")
            return redirect(url_for("tenders.show", tender_id=tender.id))
    status = 422 if request.method == "POST" else 200
    return render_template("tenders/edit.html", form=form, tender=tender), status


def _initial(tender: Tender) -> dict[str, Any]:
    data = service.tender_data(tender)
    windows = [
        {"opens_at": forms.to_form_value(o), "closes_at": forms.to_form_value(c)} for o, c in data.windows
    ]
    return {
        **{
            k: getattr(data, k)
            for k in (
                "reference",
                "title",
                "description",
                "municipality_ids",
                "contract_start",
                "term_months",
                "extension_count",
                "extension_months",
            )
        },
        "procedure": data.procedure.value,
        "law": data.law.value,
        "publication_at": forms.to_form_value(data.publication_at),
        "question_deadline": forms.to_form_value(data.question_deadline),
        "submission_deadline": forms.to_form_value(data.submission_deadline),
        "windows": windows + [{}] * max(0, 3 - len(windows)),
    }


@bp.get("/beheer/<int:tender_id>")
def show(tender_id: int) -> Page:
    manageable(tender_id)
    return _show(queries.tender_for_setup(tender_id))


def _show(tender: Tender | None, status: int = 200, **form_overrides: FlaskForm) -> Page:
    assert tender is not None
    page_forms = {
        "lot_form": forms.LotForm(),
        "document_form": forms.DocumentForm(),
        "confirm": forms.ConfirmForm(),
    }
    page_forms.update(form_overrides)
    return render_template(
        "tenders/show.html",
        tender=tender,
        checklist=publication.checklist(tender),
        rectifications=queries.rectifications(tender.id),
        frozen=tender.status is not TenderStatus.DRAFT,
        **page_forms,
    ), status


@bp.route("/beheer/<int:tender_id>/kopieren", methods=["GET", "POST"])
def copy(tender_id: int) -> Page:
    source = manageable(tender_id)
    form = forms.CopyForm(title=source.title if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            tender = service.copy_tender(
                source, reference=form.reference.data, title=form.title.data, by=by()
            )
        except service.TenderError as error:
            show_problems(form, error)
        else:
            flash(_("De kopie is aangemaakt. Vul de data in."), "success")
            return redirect(url_for("tenders.edit", tender_id=tender.id))
    status = 422 if request.method == "POST" else 200
    return render_template("tenders/copy.html", form=form, tender=source), status


@bp.post("/beheer/<int:tender_id>/archiveren")
def archive(tender_id: int) -> Page:
    tender = manageable(tender_id)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    service.archive_tender(tender, by=by(), now=clock.now())
    flash(_("Het inkooptraject is gearchiveerd."), "success")
    return redirect(url_for("tenders.index"))


# --- percelen and documents --------------------------------------------------------------------------


@bp.post("/beheer/<int:tender_id>/percelen")
def add_lot(tender_id: int) -> Page:
    tender = manageable(tender_id)
    form = forms.LotForm()
    if form.validate_on_submit():
        try:
            service.add_lot(
                tender,
                name=form.name.data,
                description=form.description.data or "",
                max_providers=form.max_providers.data,
                by=by(),
            )
        except service.TenderError as error:
            show_problems(form, error)
        else:
            flash(_("Het perceel is toegevoegd."), "success")
            return redirect(url_for("tenders.show", tender_id=tender.id, _anchor="percelen"))
    return _show(tender, 422, lot_form=form)


@bp.route("/beheer/<int:tender_id>/percelen/<int:lot_id>", methods=["GET", "POST"])
def edit_lot(tender_id: int, lot_id: int) -> Page:
    tender = manageable(tender_id)
    lot = child_of(tender, Lot, lot_id)
    form = forms.LotForm(obj=lot if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            service.update_lot(
                lot,
                name=form.name.data,
                description=form.description.data or "",
                max_providers=form.max_providers.data,
                by=by(),
            )
        except service.TenderError as error:
            show_problems(form, error)
        else:
            flash(_("Het perceel is opgeslagen."), "success")
            return redirect(url_for("tenders.show", tender_id=tender.id, _anchor="percelen"))
    status = 422 if request.method == "POST" else 200
    return render_template("tenders/edit_lot.html", tender=tender, lot=lot, form=form), status


@bp.post("/beheer/<int:tender_id>/percelen/<int:lot_id>/verwijderen")
def delete_lot(tender_id: int, lot_id: int) -> Page:
    tender = manageable(tender_id)
    lot = child_of(tender, Lot, lot_id)
    form = forms.ConfirmForm()
    try:
        if not form.validate_on_submit():
            abort(400)
        service.delete_lot(lot, by=by())
    except service.TenderError as error:
        show_problems(form, error)
        return _show(tender, 422, confirm=form)
    flash(_("Het perceel is verwijderd."), "success")
    return redirect(url_for("tenders.show", tender_id=tender.id, _anchor="percelen"))


@bp.post("/beheer/<int:tender_id>/documenten")
def upload_document(tender_id: int) -> Page:
    from portal import uploads

    tender = manageable(tender_id)
    form = forms.DocumentForm()
    if form.validate_on_submit():
        try:
            service.ensure_editable(tender)
            stored = uploads.store(
                form.file.data.stream, form.file.data.filename, allowed=uploads.DOCUMENT_TYPES
            )
            service.add_document(tender, stored, title=form.title.data or "", by=by())
        except uploads.UploadRefused as refused:
            form.file.errors.append(str(refused))
        except service.TenderError as error:
            show_problems(form, error)
        else:
            flash(_("Het document is toegevoegd."), "success")
            return redirect(url_for("tenders.show", tender_id=tender.id, _anchor="documenten"))
    return _show(tender, 422, document_form=form)


def _refused_page(tender: Tender, template: str, error: service.TenderError) -> Page:
    """A list page (requirements, criteria) re-shown with the refusal at the top."""
    form, library_form, new_form = (
        forms.ConfirmForm(),
        forms.LibraryRequirementForm(),
        forms.RequirementForm(),
    )
    form.form_errors.append(str(error.message))
    library_form.form_errors.append(str(error.message))
    total = sum((c.weight for c in tender.criteria), start=Decimal(0))
    return render_template(
        template, tender=tender, form=form, library_form=library_form, new_form=new_form, total=total
    ), 422


# --- requirements and criteria --------------------------------------------------------------------------


def _lot_choices(tender: Tender, *fields: Any) -> None:
    for field in fields:
        field.choices = forms.options([(lot.id, lot.name) for lot in tender.lots])


def _lots(tender: Tender, ids: list[int] | None) -> list[Lot]:
    return [lot for lot in tender.lots if lot.id in set(ids or [])]


@bp.route("/beheer/<int:tender_id>/eisen", methods=["GET", "POST"])
def requirements(tender_id: int) -> Page:
    tender = manageable(tender_id)
    library_form, new_form = forms.LibraryRequirementForm(prefix="lib"), forms.RequirementForm(prefix="new")
    library = queries.requirement_library()
    library_form.template_ids.choices = forms.options([(t.id, t.text) for t in library])
    _lot_choices(tender, library_form.lot_ids, new_form.lot_ids)
    if request.method == "POST":
        chosen = library_form if "lib-template_ids" in request.form else new_form
        if chosen.validate_on_submit():
            try:
                _add_requirements(tender, chosen, {t.id: t for t in library})
            except service.TenderError as error:
                show_problems(chosen, error)
            else:
                flash(_("De eisen zijn toegevoegd."), "success")
                return redirect(url_for("tenders.requirements", tender_id=tender.id))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "tenders/requirements.html",
        tender=tender,
        library_form=library_form,
        new_form=new_form,
        confirm=forms.ConfirmForm(),
    ), status


def _add_requirements(tender: Tender, form: FlaskForm, library: dict[int, Any]) -> None:
    lots = _lots(tender, form.lot_ids.data)
    if isinstance(form, forms.LibraryRequirementForm):
        for template_id in form.template_ids.data:
            template = library[template_id]
            service.add_requirement(
                tender,
                kind=template.kind,
                text=template.text,
                answer_type=template.answer_type,
                lots=lots,
                template=template,
                by=by(),
            )
        return
    service.add_requirement(
        tender,
        kind=RequirementKind(form.kind.data),
        text=form.text.data,
        answer_type=AnswerType(form.answer_type.data),
        evidence_required=form.evidence_required.data,
        knockout=form.knockout.data,
        lots=lots,
        by=by(),
    )


@bp.post("/beheer/<int:tender_id>/eisen/<int:requirement_id>/verwijderen")
def delete_requirement(tender_id: int, requirement_id: int) -> Page:
    return _delete_child(
        tender_id,
        Requirement,
        requirement_id,
        service.delete_requirement,
        "requirements",
        _("De eis is verwijderd."),
    )


def _delete_child(tender_id: int, model: type, child_id: int, delete: Any, page: str, done: str) -> Page:
    """Delete a requirement or criterion of a tender that is still a draft; page is the list it sits on."""
    tender = manageable(tender_id)
    child = child_of(tender, model, child_id)
    try:
        if not forms.ConfirmForm().validate_on_submit():
            abort(400)
        delete(child, by=by())
    except service.TenderError as error:
        return _refused_page(tender, f"tenders/{page}.html", error)
    flash(done, "success")
    return redirect(url_for(f"tenders.{page}", tender_id=tender.id))


@bp.route("/beheer/<int:tender_id>/gunningscriteria", methods=["GET", "POST"])
def criteria(tender_id: int) -> Page:
    tender = manageable(tender_id)
    form = forms.CriterionForm()
    _lot_choices(tender, form.lot_ids)
    if form.validate_on_submit():
        try:
            service.add_criterion(
                tender,
                question=form.question.data,
                guidance=form.guidance.data or "",
                weight=form.weight.data,
                scale=_scale(form),
                word_limit=form.word_limit.data,
                minimum_score=form.minimum_score.data,
                lots=_lots(tender, form.lot_ids.data),
                by=by(),
            )
        except service.TenderError as error:
            show_problems(form, error)
        else:
            flash(_("Het gunningscriterium is toegevoegd."), "success")
            return redirect(url_for("tenders.criteria", tender_id=tender.id))
    status = 422 if request.method == "POST" else 200
    total = sum((c.weight for c in tender.criteria), start=Decimal(0))
    return render_template(
        "tenders/criteria.html", tender=tender, form=form, total=total, confirm=forms.ConfirmForm()
    ), status


def _scale(form: forms.CriterionForm) -> list[dict[str, str]]:
    """'6 = Voldoende' lines -> [{"score": "6", "label": "Voldoende"}]; a bad line is a field error."""
    steps = []
    for line in (form.scale.data or "").splitlines():
        if not line.strip():
            continue
        score, _sep, label = line.partition("=")
        try:
            value = Decimal(score.strip().replace(",", "."))
        except InvalidOperation as error:
            raise service.InvalidInput(
                [
                    Problem(
                        "scale", _("Schrijf elke regel als 'score = betekenis', bijvoorbeeld 6 = Voldoende.")
                    )
                ]
            ) from error
        steps.append({"score": str(value), "label": label.strip()})
    return steps


@bp.post("/beheer/<int:tender_id>/gunningscriteria/<int:criterion_id>/verwijderen")
def delete_criterion(tender_id: int, criterion_id: int) -> Page:
    return _delete_child(
        tender_id,
        AwardCriterion,
        criterion_id,
        service.delete_criterion,
        "criteria",
        _("Het gunningscriterium is verwijderd."),
    )


# --- publication and rectification -------------------------------------------------------------------------


@bp.route("/beheer/<int:tender_id>/publiceren", methods=["GET", "POST"])
def publish(tender_id: int) -> Page:
    tender = manageable(tender_id)
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        try:
            publication.publish_tender(tender, by=by(), now=clock.now())
        except service.TenderError as error:
            show_problems(form, error)
        else:
            flash(_("Het inkooptraject is gepubliceerd."), "success")
            return redirect(url_for("tenders.show", tender_id=tender.id))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "tenders/publish.html", tender=tender, form=form, checklist=publication.checklist(tender)
    ), status


@bp.route("/beheer/<int:tender_id>/rectificatie", methods=["GET", "POST"])
def rectify(tender_id: int) -> Page:
    from portal import uploads

    tender = manageable(tender_id)
    form = forms.RectificationForm()
    if form.validate_on_submit():
        try:
            moves = {name: forms.local_or_none(form[name].data) for name in publication.DEADLINES}
            publication.publish_rectification(
                tender, what=form.what.data, why=form.why.data, by=by(), now=clock.now(), **moves
            )
            if form.file.data:
                stored = uploads.store(
                    form.file.data.stream, form.file.data.filename, allowed=uploads.DOCUMENT_TYPES
                )
                service.add_document(tender, stored, title=form.title.data or "", by=by(), rectification=True)
        except uploads.UploadRefused as refused:
            form.file.errors.append(str(refused))
        except service.TenderError as error:
            show_problems(form, error)
        else:
            flash(_("De rectificatie is gepubliceerd en verstuurd."), "success")
            return redirect(url_for("tenders.show", tender_id=tender.id))
    status = 422 if request.method == "POST" else 200
    return render_template("tenders/rectify.html", tender=tender, form=form), status


from portal.tenders import routes_matrix, routes_public, routes_questions  # noqa: E402, F401 - register on bp
