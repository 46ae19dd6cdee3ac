"""Buyer routes of a tender's requirements (eisen) and award criteria (gunningscriteria)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from portal.models import AnswerType, AwardCriterion, Lot, Requirement, RequirementKind, Tender
from portal.tenders import bp, forms, queries, service
from portal.tenders import requirements as requirement_service
from portal.tenders.pages import by, child_of, manageable, submitted
from portal.tenders.rules import Problem
from portal.web import Page


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
        done = submitted(
            chosen,
            lambda: _add_requirements(tender, chosen, {t.id: t for t in library}),
            _("De eisen zijn toegevoegd."),
            url_for("tenders.requirements", tender_id=tender.id),
        )
        if done is not None:
            return done
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
            requirement_service.add_requirement(
                tender,
                kind=template.kind,
                text=template.text,
                answer_type=template.answer_type,
                lots=lots,
                template=template,
                by=by(),
            )
        return
    requirement_service.add_requirement(
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
        requirement_service.delete_requirement,
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
    done = submitted(
        form,
        lambda: requirement_service.add_criterion(
            tender,
            question=form.question.data,
            guidance=form.guidance.data or "",
            weight=form.weight.data,
            scale=_scale(form),
            word_limit=form.word_limit.data,
            minimum_score=form.minimum_score.data,
            lots=_lots(tender, form.lot_ids.data),
            by=by(),
        ),
        _("Het gunningscriterium is toegevoegd."),
        url_for("tenders.criteria", tender_id=tender.id),
    )
    if done is not None:
        return done
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
        requirement_service.delete_criterion,
        "criteria",
        _("Het gunningscriterium is verwijderd."),
    )
