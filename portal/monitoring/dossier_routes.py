"""Routes of the provider's dossier: the provider uploads, provider and contract manager read."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal import access, clock, uploads
from portal.clock import to_local
from portal.models import DocumentKind, DossierDocument
from portal.monitoring import bp, dossier, forms, queries
from portal.monitoring.routes import action_or_404, own_organisation_id, show_page
from portal.monitoring.rules import MonitoringRefused
from portal.web import Page, current_user, get_or_404, show_refusal


def _dossier_page(form: forms.DocumentForm) -> str:
    today = to_local(clock.now()).date()
    return render_template(
        "monitoring/dossier.html", dossier=queries.dossier_of(own_organisation_id(), today), form=form
    )


@bp.get("/dossier")
@access.guard("monitoring.mine")
def dossier_page() -> Page:
    return _dossier_page(forms.DocumentForm())


@bp.post("/dossier")
@access.guard("monitoring.mine")
def upload() -> Page:
    form = forms.DocumentForm()
    if not form.validate_on_submit():
        return _dossier_page(form), 422
    try:
        dossier.upload_document(
            own_organisation_id(),
            DocumentKind(form.kind.data),
            form.expires_on.data,
            form.file.data.stream,
            form.file.data.filename,
            user=current_user(),
            now=clock.now(),
        )
    except (MonitoringRefused, uploads.UploadRefused) as refusal:
        show_refusal(form, refusal, field="file")
        return _dossier_page(form), 422
    flash(_("Het document is toegevoegd aan uw dossier."))
    return redirect(url_for("monitoring.dossier_page"))


@bp.get("/dossier/<int:document_id>")
def download(document_id: int) -> Response:
    document = get_or_404(DossierDocument, document_id, "monitoring.view_document")
    return uploads.send(document.stored_name, document.original_name, document.content_type)


# --- documents of an action --------------------------------------------------------------------------


@bp.post("/acties/<int:action_id>/documenten")
def attach(action_id: int) -> Page:
    action = action_or_404(action_id, "monitoring.view_action")
    form = forms.AttachForm()
    if not form.validate_on_submit():
        return show_page(action, forms.StepForm(), forms.PlanForm(), form), 422
    try:
        dossier.attach_document(
            action, form.file.data.stream, form.file.data.filename, user=current_user(), now=clock.now()
        )
    except uploads.UploadRefused as refusal:
        show_refusal(form, refusal, field="file")
        return show_page(action, forms.StepForm(), forms.PlanForm(), form), 422
    flash(_("Het document is toegevoegd."))
    return redirect(url_for("monitoring.show", action_id=action.id))


@bp.get("/acties/<int:action_id>/documenten/<int:document_id>")
def action_document(action_id: int, document_id: int) -> Response:
    action = action_or_404(action_id, "monitoring.view_action")
    document = next((d for d in queries.documents_of(action.id) if d.id == document_id), None)
    if document is None:
        abort(404)
    return uploads.send(document.stored_name, document.original_name, document.content_type)
