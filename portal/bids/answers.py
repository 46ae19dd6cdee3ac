"""Routes of the answer sections: requirements with their evidence, award criteria, and autosave."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal import audit, clock, uploads
from portal.bids import bp, forms, queries, rules, service
from portal.bids import evidence as bid_evidence
from portal.bids.pages import acting_user, bid_or_404, editable, refused
from portal.extensions import db
from portal.models import Bid, EvidenceFile
from portal.web import Page

# --- autosave (static/js/autosave.js posts a section's form with X-Autosave: 1) -----------------------


def _autosave() -> bool:
    return request.headers.get("X-Autosave") == "1"


def _autosave_reply(*, version: int | None = None, stale: Any = None, error: str | None = None) -> Page:
    """JSON for the autosave script; the same service and the same refusals as the save button."""
    if stale is not None:
        when = clock.to_local(stale.changed_at).strftime("%H:%M") if stale.changed_at else "?"
        message = _(
            "Gewijzigd door %(name)s om %(time)s. Klik op Opslaan om beide versies te zien.",
            name=stale.changed_by,
            time=when,
        )
        return jsonify(status="stale", message=message), 409  # type: ignore[return-value]
    if error is not None:
        return jsonify(status="refused", message=error), 422  # type: ignore[return-value]
    message = _("Automatisch opgeslagen om %(time)s.", time=clock.to_local(clock.now()).strftime("%H:%M:%S"))
    return jsonify(status="saved", version=version, message=message)  # type: ignore[return-value]


# --- requirements and evidence ----------------------------------------------------------------------


@bp.get("/<int:bid_id>/eisen")
def requirements(bid_id: int) -> Page:
    bid = queries.load_bid(bid_or_404(bid_id))
    return _requirements_page(bid)


def _requirements_page(
    bid: Bid, *, failing: Any = None, failing_id: int | None = None, stale: Any = None, status: int = 200
) -> Page:
    scope = service.applicable(bid)
    answers = {a.requirement_id: a for a in bid.requirement_answers}
    items = []
    for requirement in scope.requirements:
        answer = answers.get(requirement.id)
        if requirement.id == failing_id and failing is not None:
            form = failing
        else:
            form = forms.RequirementAnswerForm(
                formdata=None, prefix=f"r{requirement.id}", data=_answer_data(answer)
            )
        items.append(
            {
                "requirement": requirement,
                "answer": answer,
                "form": form,
                "stale": stale if requirement.id == failing_id else None,
                "title": rules.requirement_title(requirement.text),
                "answered": rules.requirement_answered(
                    requirement.answer_type, requirement.evidence_required, answer
                ),
            }
        )
    evidence = queries.organisation_evidence(bid.organisation_id)
    reuse = forms.EvidenceReuseForm(formdata=None)
    reuse.evidence_id.choices = [(e.id, f"{e.original_name} ({e.uploaded_at:%d-%m-%Y})") for e in evidence]
    html = render_template(
        "bids/requirements.html",
        changed_by=queries.last_changes(bid),
        bid=bid,
        items=items,
        upload_form=forms.EvidenceUploadForm(formdata=None),
        reuse_form=reuse,
        editable=editable(bid),
    )
    return (html, status) if status != 200 else html


def _answer_data(answer: Any) -> dict[str, Any]:
    if answer is None:
        return {"version": 0}
    declaration = None if answer.declaration is None else ("ja" if answer.declaration else "nee")
    return {
        "version": answer.version,
        "declaration": declaration,
        "text": answer.text,
        "answer_date": answer.answer_date,
    }


@bp.post("/<int:bid_id>/eisen/<int:requirement_id>")
def save_requirement(bid_id: int, requirement_id: int) -> Page:
    bid = bid_or_404(bid_id, "bids.edit")
    form = forms.RequirementAnswerForm(prefix=f"r{requirement_id}")
    try:
        requirement = service.requirement_of(bid, requirement_id)
    except service.NotOfThisBid:
        abort(404)
    if not form.validate_on_submit():
        if _autosave():
            return _autosave_reply(error=_("Controleer wat u invulde en klik op Opslaan."))
        return _requirements_page(queries.load_bid(bid), failing=form, failing_id=requirement_id, status=422)
    value = service.RequirementInput(
        declaration=None if not form.declaration.data else form.declaration.data == "ja",
        text=form.text.data or "",
        answer_date=form.answer_date.data,
    )
    try:
        answer = service.save_requirement_answer(
            bid, requirement, value, version=form.version.data, user=acting_user(), now=clock.now()
        )
    except service.StaleEdit as stale:
        refused("bids.save_requirement", bid, stale)
        if _autosave():
            return _autosave_reply(stale=stale)
        bid = queries.load_bid(bid)
        answer = next((a for a in bid.requirement_answers if a.requirement_id == requirement_id), None)
        # the form keeps the person's own version, at the stored version number: saving again is a
        # conscious choice made after seeing the colleague's version above it
        fresh = forms.RequirementAnswerForm(
            formdata=None,
            prefix=f"r{requirement_id}",
            data={**form.data, "version": answer.version if answer else 0},
        )
        return _requirements_page(bid, failing=fresh, failing_id=requirement_id, stale=stale, status=409)
    except rules.BidRefused as error:
        refused("bids.save_requirement", bid, error)
        if _autosave():
            return _autosave_reply(error=str(error))
        form.text.errors = [*form.text.errors, str(error)]
        return _requirements_page(queries.load_bid(bid), failing=form, failing_id=requirement_id, status=422)
    if _autosave():
        return _autosave_reply(version=answer.version)
    flash(_("Uw antwoord is opgeslagen."), "success")
    return redirect(url_for("bids.requirements", bid_id=bid.id) + f"#eis-{requirement_id}")


@bp.post("/<int:bid_id>/eisen/<int:requirement_id>/bewijs")
def attach_evidence(bid_id: int, requirement_id: int) -> Page:
    bid = bid_or_404(bid_id, "bids.edit")
    try:
        requirement = service.requirement_of(bid, requirement_id)
    except service.NotOfThisBid:
        abort(404)
    reuse = forms.EvidenceReuseForm()
    upload = forms.EvidenceUploadForm()
    try:
        if "evidence_id" in request.form:
            if not reuse.validate_on_submit():
                abort(400)
            bid_evidence.reuse(bid, requirement, reuse.evidence_id.data, user=acting_user(), now=clock.now())
        else:
            if not upload.validate_on_submit() or not upload.file.data:
                raise uploads.UploadRefused(_("Kies een bestand om te uploaden."))
            file = upload.file.data
            bid_evidence.attach(
                bid, requirement, file.stream, file.filename, user=acting_user(), now=clock.now()
            )
    except (uploads.UploadRefused, rules.BidRefused) as error:
        refused("bids.upload_evidence", bid, error)
        flash(str(error), "error")
        page = _requirements_page(queries.load_bid(bid), status=422)
        return page
    flash(_("Het bewijsstuk is toegevoegd."), "success")
    return redirect(url_for("bids.requirements", bid_id=bid.id) + f"#eis-{requirement_id}")


@bp.post("/<int:bid_id>/eisen/<int:requirement_id>/bewijs/<int:evidence_id>/verwijderen")
def detach_evidence(bid_id: int, requirement_id: int, evidence_id: int) -> Page:
    bid = bid_or_404(bid_id, "bids.edit")
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    try:
        requirement = service.requirement_of(bid, requirement_id)
        bid_evidence.detach(bid, requirement, evidence_id, user=acting_user(), now=clock.now())
    except rules.BidRefused as error:
        refused("bids.detach_evidence", bid, error)
        flash(str(error), "error")
        return _requirements_page(queries.load_bid(bid), status=422)
    flash(
        _(
            "Het bewijsstuk is losgekoppeld. Het wordt na een dag verwijderd, tenzij u het opnieuw "
            "koppelt of het bij een ingediende inschrijving hoort."
        ),
        "success",
    )
    return redirect(url_for("bids.requirements", bid_id=bid.id) + f"#eis-{requirement_id}")


@bp.get("/<int:bid_id>/bewijs/<int:evidence_id>")
def download_evidence(bid_id: int, evidence_id: int) -> Response:
    bid = bid_or_404(bid_id)
    evidence = db.session.get(EvidenceFile, evidence_id)
    if evidence is None or evidence.organisation_id != bid.organisation_id:
        abort(404)
    audit.record("bids.download_evidence", evidence, bid_id=bid.id)
    return uploads.send(evidence.stored_name, evidence.original_name, evidence.content_type)


# --- criteria ----------------------------------------------------------------------------------------


@bp.get("/<int:bid_id>/criteria")
def criteria(bid_id: int) -> Page:
    return _criteria_page(queries.load_bid(bid_or_404(bid_id)))


def _criteria_page(
    bid: Bid, *, failing: Any = None, failing_id: int | None = None, stale: Any = None, status: int = 200
) -> Page:
    answers = {a.criterion_id: a for a in bid.criterion_answers}
    items = []
    for criterion in service.applicable(bid).criteria:
        answer = answers.get(criterion.id)
        form = (
            failing
            if criterion.id == failing_id and failing is not None
            else forms.CriterionAnswerForm(
                formdata=None,
                prefix=f"c{criterion.id}",
                data={"version": answer.version if answer else 0, "text": answer.text if answer else ""},
            )
        )
        items.append(
            {
                "criterion": criterion,
                "answer": answer,
                "form": form,
                "words": rules.word_count(form.text.data),
                "stale": stale if criterion.id == failing_id else None,
            }
        )
    html = render_template(
        "bids/criteria.html",
        changed_by=queries.last_changes(bid),
        bid=bid,
        items=items,
        editable=editable(bid),
    )
    return (html, status) if status != 200 else html


@bp.post("/<int:bid_id>/criteria/<int:criterion_id>")
def save_criterion(bid_id: int, criterion_id: int) -> Page:
    bid = bid_or_404(bid_id, "bids.edit")
    try:
        criterion = service.criterion_of(bid, criterion_id)
    except service.NotOfThisBid:
        abort(404)
    form = forms.CriterionAnswerForm(prefix=f"c{criterion_id}")
    if not form.validate_on_submit():
        if _autosave():
            return _autosave_reply(error=_("Controleer wat u invulde en klik op Opslaan."))
        return _criteria_page(queries.load_bid(bid), failing=form, failing_id=criterion_id, status=422)
    try:
        answer = service.save_criterion_answer(
            bid,
            criterion,
            form.text.data or "",
            version=form.version.data,
            user=acting_user(),
            now=clock.now(),
        )
    except service.StaleEdit as stale:
        refused("bids.save_criterion", bid, stale)
        if _autosave():
            return _autosave_reply(stale=stale)
        bid = queries.load_bid(bid)
        answer = next((a for a in bid.criterion_answers if a.criterion_id == criterion_id), None)
        fresh = forms.CriterionAnswerForm(
            formdata=None,
            prefix=f"c{criterion_id}",
            data={"version": answer.version if answer else 0, "text": form.text.data or ""},
        )
        return _criteria_page(bid, failing=fresh, failing_id=criterion_id, stale=stale, status=409)
    except rules.BidRefused as error:
        refused("bids.save_criterion", bid, error)
        if _autosave():
            return _autosave_reply(error=str(error))
        form.text.errors = [*form.text.errors, str(error)]
        return _criteria_page(queries.load_bid(bid), failing=form, failing_id=criterion_id, status=422)
    if _autosave():
        return _autosave_reply(version=answer.version)
    flash(_("Uw antwoord is opgeslagen."), "success")
    return redirect(url_for("bids.criteria", bid_id=bid.id) + f"#criterium-{criterion_id}")
