"""Buyer routes of a tender's requirements (eisen) and award criteria (gunningscriteria)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField

from portal.models import AwardCriterion, Requirement, RequirementTemplate, Tender
from portal.tenders import bp, forms, queries, service
from portal.tenders import requirements as requirement_service
from portal.tenders.pages import by, child_of, chosen_lots, confirmed, manageable, page_status, submitted
from portal.tenders.rules import Problem
from portal.web import Page

SCALE_LINE = _l("Schrijf elke regel als 'score = betekenis', bijvoorbeeld 6 = Voldoende.")


def _total(tender: Tender) -> Decimal:
    return sum((c.weight for c in tender.criteria), start=Decimal(0))


def _lot_choices(tender: Tender, *fields: SelectMultipleField) -> None:
    for field in fields:
        field.choices = forms.options([(lot.id, lot.name) for lot in tender.lots])


# --- requirements ------------------------------------------------------------------------------------


@bp.route("/beheer/<int:tender_id>/eisen", methods=["GET", "POST"])
def requirements(tender_id: int) -> Page:
    tender = manageable(tender_id)
    library_form, new_form = forms.LibraryRequirementForm(prefix="lib"), forms.RequirementForm(prefix="new")
    library = {t.id: t for t in queries.requirement_library()}
    library_form.template_ids.choices = forms.options([(t.id, t.text) for t in library.values()])
    _lot_choices(tender, library_form.lot_ids, new_form.lot_ids)
    if request.method == "POST":
        done = (
            submitted(library_form, lambda: _add_from_library(tender, library_form, library), *_added(tender))
            if "lib-template_ids" in request.form
            else submitted(new_form, lambda: _add_typed(tender, new_form), *_added(tender))
        )
        if done is not None:
            return done
    return render_template(
        "tenders/requirements.html",
        tender=tender,
        library_form=library_form,
        new_form=new_form,
        confirm=forms.ConfirmForm(),
    ), page_status()


def _added(tender: Tender) -> tuple[str, str]:
    return _("De eisen zijn toegevoegd."), url_for("tenders.requirements", tender_id=tender.id)


def _add_from_library(
    tender: Tender, form: forms.LibraryRequirementForm, library: dict[int, RequirementTemplate]
) -> None:
    lots = chosen_lots(tender, form.lot_ids.data)
    for template_id in form.template_ids.data or []:
        requirement_service.add_from_library(tender, library[template_id], lots=lots, by=by())


def _add_typed(tender: Tender, form: forms.RequirementForm) -> None:
    requirement_service.add_requirement(
        tender,
        kind=forms.filled(form.kind.data),
        text=forms.filled(form.text.data),
        answer_type=forms.filled(form.answer_type.data),
        evidence_required=form.evidence_required.data,
        knockout=form.knockout.data,
        lots=chosen_lots(tender, form.lot_ids.data),
        by=by(),
    )


# --- criteria ------------------------------------------------------------------------------------------


@bp.route("/beheer/<int:tender_id>/gunningscriteria", methods=["GET", "POST"])
def criteria(tender_id: int) -> Page:
    tender = manageable(tender_id)
    form = forms.CriterionForm()
    _lot_choices(tender, form.lot_ids)
    done = submitted(
        form,
        lambda: _add_criterion(tender, form),
        _("Het gunningscriterium is toegevoegd."),
        url_for("tenders.criteria", tender_id=tender.id),
    )
    if done is not None:
        return done
    page = render_template(
        "tenders/criteria.html", tender=tender, form=form, total=_total(tender), confirm=forms.ConfirmForm()
    )
    return page, page_status()


def _add_criterion(tender: Tender, form: forms.CriterionForm) -> None:
    requirement_service.add_criterion(
        tender,
        question=forms.filled(form.question.data),
        guidance=form.guidance.data or "",
        weight=forms.filled(form.weight.data),
        scale=_scale(form.scale.data or ""),
        word_limit=form.word_limit.data,
        minimum_score=form.minimum_score.data,
        lots=chosen_lots(tender, form.lot_ids.data),
        by=by(),
    )


def _scale(text: str) -> list[dict[str, str]]:
    """'6 = Voldoende' lines -> [{"score": "6", "label": "Voldoende"}]; a bad line is a field error."""
    steps = []
    for line in filter(str.strip, text.splitlines()):
        score, _sep, label = line.partition("=")
        try:
            value = Decimal(score.strip().replace(",", "."))
        except InvalidOperation as error:
            raise service.InvalidInput([Problem("scale", SCALE_LINE)]) from error
        steps.append({"score": str(value), "label": label.strip()})
    return steps


# --- deleting either -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildList:
    """The list page of a tender's requirements or criteria, for deleting one of them."""

    model: type[Requirement] | type[AwardCriterion]
    delete: Callable[..., None]
    page: str
    done: Any  # a lazy string: translated when flashed


REQUIREMENTS = ChildList(
    Requirement, requirement_service.delete_requirement, "requirements", _l("De eis is verwijderd.")
)
CRITERIA = ChildList(
    AwardCriterion,
    requirement_service.delete_criterion,
    "criteria",
    _l("Het gunningscriterium is verwijderd."),
)


@bp.post("/beheer/<int:tender_id>/eisen/<int:requirement_id>/verwijderen")
def delete_requirement(tender_id: int, requirement_id: int) -> Page:
    return _delete_child(tender_id, requirement_id, REQUIREMENTS)


@bp.post("/beheer/<int:tender_id>/gunningscriteria/<int:criterion_id>/verwijderen")
def delete_criterion(tender_id: int, criterion_id: int) -> Page:
    return _delete_child(tender_id, criterion_id, CRITERIA)


def _delete_child(tender_id: int, child_id: int, children: ChildList) -> Page:
    """Delete a requirement or criterion of a tender that is still a draft."""
    tender = manageable(tender_id)
    child = child_of(tender, children.model, child_id)
    form = forms.ConfirmForm()
    done = confirmed(
        lambda: children.delete(child, by=by()),
        str(children.done),
        url_for(f"tenders.{children.page}", tender_id=tender.id),
        form,
    )
    return done or _refused_page(tender, f"tenders/{children.page}.html", form)


def _refused_page(tender: Tender, template: str, refused: forms.ConfirmForm) -> Page:
    """A list page (requirements, criteria) re-shown with the refusal at the top."""
    library_form, new_form = forms.LibraryRequirementForm(), forms.RequirementForm()
    library_form.form_errors.extend(refused.form_errors)
    return render_template(
        template,
        tender=tender,
        form=refused,
        library_form=library_form,
        new_form=new_form,
        total=_total(tender),
    ), 422
