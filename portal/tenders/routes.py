"""Buyer routes of a tender's set-up: the tender, its percelen and documents, publication and rectification.

Requirements and criteria are in routes_requirements.py, the matrix in routes_matrix.py.
"""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from portal import clock, uploads
from portal.access import guard
from portal.models import Law, Lot, Procedure, Tender, TenderStatus
from portal.tenders import bp, forms, publication, queries, service
from portal.tenders.pages import by, child_of, confirmed, manageable, page_status, submitted
from portal.web import Page

# --- tenders ------------------------------------------------------------------------------------


@bp.get("/beheer")
@guard("tenders.manage")
def index() -> Page:
    return render_template("tenders/index.html", tenders=queries.buyer_tenders())


def _tender_form(form: forms.TenderForm) -> forms.TenderForm:
    form.municipality_ids.choices = forms.options(
        [(m.id, f"{m.name} ({m.cbs_code})") for m in queries.municipalities()]
    )
    return form


def _tender_data(form: forms.TenderForm) -> service.TenderData:
    return service.TenderData(
        reference=forms.filled(form.reference.data),
        title=forms.filled(form.title.data),
        description=form.description.data or "",
        procedure=Procedure(form.procedure.data),
        law=Law(form.law.data),
        municipality_ids=list(form.municipality_ids.data or []),
        publication_at=forms.local_or_none(form.publication_at.data),
        question_deadline=forms.local_or_none(form.question_deadline.data),
        submission_deadline=forms.local_or_none(form.submission_deadline.data),
        windows=form.window_pairs(),
        contract_start=form.contract_start.data,
        term_months=forms.filled(form.term_months.data),
        extension_count=forms.filled(form.extension_count.data),
        extension_months=forms.filled(form.extension_months.data),
    )


@bp.route("/beheer/nieuw", methods=["GET", "POST"])
@guard("tenders.manage")
def create() -> Page:
    form = _tender_form(forms.TenderForm())
    done = submitted(
        form,
        lambda: service.create_tender(_tender_data(form), by=by()),
        _("Het inkooptraject is aangemaakt als concept."),
        lambda tender: url_for("tenders.show", tender_id=tender.id),
    )
    return done or (render_template("tenders/create.html", form=form), page_status())


@bp.route("/beheer/<int:tender_id>/bewerken", methods=["GET", "POST"])
def edit(tender_id: int) -> Page:
    tender = manageable(tender_id)
    form = _tender_form(forms.TenderForm(data=_initial(tender) if request.method == "GET" else None))
    done = submitted(
        form,
        lambda: service.update_tender(tender, _tender_data(form), by=by()),
        _("De wijzigingen zijn opgeslagen."),
        url_for("tenders.show", tender_id=tender.id),
    )
    return done or (render_template("tenders/edit.html", form=form, tender=tender), page_status())


# The fields of TenderData the form shows as they are; the others are converted for their field
PLAIN_FIELDS = (
    "reference",
    "title",
    "description",
    "municipality_ids",
    "contract_start",
    "term_months",
    "extension_count",
    "extension_months",
)
TIME_FIELDS = ("publication_at", "question_deadline", "submission_deadline")


def _initial(tender: Tender) -> dict[str, Any]:
    """The tender as the edit form shows it: times in Dutch wall-clock time, three window rows at least."""
    data = service.tender_data(tender)
    windows = [
        {"opens_at": forms.to_form_value(o), "closes_at": forms.to_form_value(c)} for o, c in data.windows
    ]
    return {
        **{name: getattr(data, name) for name in PLAIN_FIELDS},
        **{name: forms.to_form_value(getattr(data, name)) for name in TIME_FIELDS},
        "procedure": data.procedure.value,
        "law": data.law.value,
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
    done = submitted(
        form,
        lambda: service.copy_tender(
            source, reference=forms.filled(form.reference.data), title=forms.filled(form.title.data), by=by()
        ),
        _("De kopie is aangemaakt. Vul de data in."),
        lambda tender: url_for("tenders.edit", tender_id=tender.id),
    )
    return done or (render_template("tenders/copy.html", form=form, tender=source), page_status())


@bp.post("/beheer/<int:tender_id>/archiveren")
def archive(tender_id: int) -> Page:
    tender = manageable(tender_id)
    done = confirmed(
        lambda: service.archive_tender(tender, by=by(), now=clock.now()),
        _("Het inkooptraject is gearchiveerd."),
        url_for("tenders.index"),
    )
    return done or _show(tender, 422)


# --- percelen and documents --------------------------------------------------------------------------


@bp.post("/beheer/<int:tender_id>/percelen")
def add_lot(tender_id: int) -> Page:
    tender = manageable(tender_id)
    form = forms.LotForm()
    done = submitted(
        form,
        lambda: service.add_lot(tender, **_lot_fields(form), by=by()),
        _("Het perceel is toegevoegd."),
        url_for("tenders.show", tender_id=tender.id, _anchor="percelen"),
    )
    return done or _show(tender, 422, lot_form=form)


@bp.route("/beheer/<int:tender_id>/percelen/<int:lot_id>", methods=["GET", "POST"])
def edit_lot(tender_id: int, lot_id: int) -> Page:
    tender = manageable(tender_id)
    lot = child_of(tender, Lot, lot_id)
    form = forms.LotForm(obj=lot if request.method == "GET" else None)
    done = submitted(
        form,
        lambda: service.update_lot(lot, **_lot_fields(form), by=by()),
        _("Het perceel is opgeslagen."),
        url_for("tenders.show", tender_id=tender.id, _anchor="percelen"),
    )
    return done or (
        render_template("tenders/edit_lot.html", tender=tender, lot=lot, form=form),
        page_status(),
    )


def _lot_fields(form: forms.LotForm) -> dict[str, Any]:
    return {
        "name": form.name.data,
        "description": form.description.data or "",
        "max_providers": form.max_providers.data,
    }


@bp.post("/beheer/<int:tender_id>/percelen/<int:lot_id>/verwijderen")
def delete_lot(tender_id: int, lot_id: int) -> Page:
    tender = manageable(tender_id)
    lot = child_of(tender, Lot, lot_id)
    form = forms.ConfirmForm()
    done = confirmed(
        lambda: service.delete_lot(lot, by=by()),
        _("Het perceel is verwijderd."),
        url_for("tenders.show", tender_id=tender.id, _anchor="percelen"),
        form,
    )
    return done or _show(tender, 422, confirm=form)


@bp.post("/beheer/<int:tender_id>/documenten")
def upload_document(tender_id: int) -> Page:
    tender = manageable(tender_id)
    form = forms.DocumentForm()

    def add() -> None:
        service.ensure_editable(tender)
        service.add_document(tender, _stored(form), title=form.title.data or "", by=by())

    done = submitted(
        form,
        add,
        _("Het document is toegevoegd."),
        url_for("tenders.show", tender_id=tender.id, _anchor="documenten"),
    )
    return done or _show(tender, 422, document_form=form)


def _stored(form: FlaskForm) -> uploads.StoredFile:
    return uploads.store(form.file.data.stream, form.file.data.filename, allowed=uploads.DOCUMENT_TYPES)


# --- publication and rectification -------------------------------------------------------------------------


@bp.route("/beheer/<int:tender_id>/publiceren", methods=["GET", "POST"])
def publish(tender_id: int) -> Page:
    tender = manageable(tender_id)
    form = forms.ConfirmForm()
    done = submitted(
        form,
        lambda: publication.publish_tender(tender, by=by(), now=clock.now()),
        _("Het inkooptraject is gepubliceerd."),
        url_for("tenders.show", tender_id=tender.id),
    )
    checklist = publication.checklist(tender)
    return done or (
        render_template("tenders/publish.html", tender=tender, form=form, checklist=checklist),
        page_status(),
    )


@bp.route("/beheer/<int:tender_id>/rectificatie", methods=["GET", "POST"])
def rectify(tender_id: int) -> Page:
    tender = manageable(tender_id)
    form = forms.RectificationForm()
    done = submitted(
        form,
        lambda: _publish_rectification(tender, form),
        _("De rectificatie is gepubliceerd en verstuurd."),
        url_for("tenders.show", tender_id=tender.id),
    )
    return done or (render_template("tenders/rectify.html", tender=tender, form=form), page_status())


def _publish_rectification(tender: Tender, form: forms.RectificationForm) -> None:
    """The rectification with the deadlines it moves, and the changed document if one is attached."""
    moves = {name: forms.local_or_none(form[name].data) for name in publication.DEADLINES}
    what, why = forms.filled(form.what.data), forms.filled(form.why.data)
    publication.publish_rectification(tender, what=what, why=why, by=by(), now=clock.now(), **moves)
    if form.file.data:
        service.add_document(tender, _stored(form), title=form.title.data or "", by=by(), rectification=True)
