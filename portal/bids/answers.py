"""Routes of the answer sections: requirements with their evidence, award criteria, and autosave."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal import audit, clock, uploads
from portal.bids import bp, forms, queries, rules, service, versioned
from portal.bids import evidence as bid_evidence
from portal.bids.pages import acting_user, bid_or_404, editable, page, refused
from portal.models import AwardCriterion, Bid, CriterionAnswer, Requirement, RequirementAnswer
from portal.web import Page

# --- autosave (static/js/autosave.js posts a section's form with X-Autosave: 1) -----------------------


def _autosave() -> bool:
    return request.headers.get("X-Autosave") == "1"


def _autosave_reply(*, version: int | None = None, stale: Any = None, error: str | None = None) -> Response:
    """JSON for the autosave script; the same service and the same refusals as the save button."""
    if stale is not None:
        reply = jsonify(status="stale", message=_stale_message(stale))
        reply.status_code = 409
    elif error is not None:
        reply = jsonify(status="refused", message=error)
        reply.status_code = 422
    else:
        saved_at = clock.to_local(clock.now()).strftime("%H:%M:%S")
        reply = jsonify(
            status="saved", version=version, message=_("Automatisch opgeslagen om %(time)s.", time=saved_at)
        )
    return reply


def _stale_message(stale: rules.StaleEdit) -> str:
    when = clock.to_local(stale.changed_at).strftime("%H:%M") if stale.changed_at else "?"
    return _(
        "Gewijzigd door %(name)s om %(time)s. Klik op Opslaan om beide versies te zien.",
        name=stale.changed_by,
        time=when,
    )


# --- saving an answer: the same steps for a requirement and a criterion ------------------------------


@dataclass(frozen=True)
class _Section:
    """What differs between saving a requirement's answer and a criterion's."""

    noun: str  # "requirement" | "criterion": the audit action, the bid's answers, the answer's key
    endpoint: str  # the section's page, with `anchor` the answer's place on it
    anchor: str
    form: type[forms.RequirementAnswerForm] | type[forms.CriterionAnswerForm]
    page: Callable[..., Page]  # (bid, failed, status=...)

    def prefix(self, item_id: int) -> str:
        """The answer's form fields: "r12", "c7"."""
        return f"{self.noun[0]}{item_id}"

    def stored_version(self, bid: Bid, item_id: int) -> int:
        answers = getattr(bid, f"{self.noun}_answers")
        stored = next((a for a in answers if getattr(a, f"{self.noun}_id") == item_id), None)
        return stored.version if stored is not None else 0


@dataclass(frozen=True)
class _Failed:
    """The answer whose save was refused: its form (as posted, or fresh after a stale edit)."""

    item_id: int
    form: Any
    stale: rules.StaleEdit | None = None


def _here(failed: _Failed | None, item_id: int) -> _Failed | None:
    return failed if failed is not None and failed.item_id == item_id else None


def _save(bid: Bid, section: _Section, item_id: int, form: Any, save: Callable[[], Any]) -> Page:
    """Validate, save (after validation: `save` reads the form), then answer the button or autosave."""
    if not form.validate_on_submit():
        if _autosave():
            return _autosave_reply(error=_("Controleer wat u invulde en klik op Opslaan."))
        return section.page(queries.load_bid(bid), _Failed(item_id, form), status=422)
    try:
        answer = save()
    except rules.BidRefused as refusal:
        refused(f"bids.save_{section.noun}", bid, refusal)
        return _refused(bid, section, item_id, form, refusal)
    if _autosave():
        return _autosave_reply(version=answer.version)
    flash(_("Uw antwoord is opgeslagen."), "success")
    return redirect(url_for(section.endpoint, bid_id=bid.id) + f"#{section.anchor}-{item_id}")


def _refused(bid: Bid, section: _Section, item_id: int, form: Any, refusal: rules.BidRefused) -> Page:
    if _autosave():
        if isinstance(refusal, rules.StaleEdit):
            return _autosave_reply(stale=refusal)
        return _autosave_reply(error=str(refusal))
    bid = queries.load_bid(bid)
    if not isinstance(refusal, rules.StaleEdit):
        form.text.errors = [*form.text.errors, str(refusal)]
        return section.page(bid, _Failed(item_id, form), status=422)
    # the form keeps the person's own answer, at the stored version number: saving again is a conscious
    # choice made after seeing the colleague's version above it
    data = {**form.data, "text": form.text.data or "", "version": section.stored_version(bid, item_id)}
    fresh = section.form(formdata=None, prefix=section.prefix(item_id), data=data)
    return section.page(bid, _Failed(item_id, fresh, refusal), status=409)


def _item_or_404(find: Callable[[Bid, int], Any], bid: Bid, item_id: int) -> Any:
    try:
        return find(bid, item_id)
    except rules.NotOfThisBid:
        abort(404)


# --- requirements and evidence ----------------------------------------------------------------------


@bp.get("/<int:bid_id>/eisen")
def requirements(bid_id: int) -> Page:
    return _requirements_page(queries.load_bid(bid_or_404(bid_id)))


def _requirements_page(bid: Bid, failed: _Failed | None = None, *, status: int = 200) -> Page:
    answers = {a.requirement_id: a for a in bid.requirement_answers}
    items = [
        _requirement_item(r, answers.get(r.id), _here(failed, r.id))
        for r in service.applicable(bid).requirements
    ]
    extra = {"upload_form": forms.EvidenceUploadForm(formdata=None), "reuse_form": _reuse_form(bid)}
    return _section_page("bids/requirements.html", bid, items, status, **extra)


def _section_page(template: str, bid: Bid, items: list[dict[str, Any]], status: int, **extra: Any) -> Page:
    changed_by = queries.last_changes(bid)
    return page(
        template, status, changed_by=changed_by, bid=bid, items=items, editable=editable(bid), **extra
    )


def _requirement_item(
    requirement: Requirement, answer: RequirementAnswer | None, failed: _Failed | None
) -> dict[str, Any]:
    return {
        "requirement": requirement,
        "answer": answer,
        "form": failed.form if failed else _requirement_form(requirement.id, answer),
        "stale": failed.stale if failed else None,
        "title": rules.requirement_title(requirement.text),
        "answered": rules.requirement_answered(
            requirement.answer_type, requirement.evidence_required, answer
        ),
    }


def _requirement_form(requirement_id: int, answer: RequirementAnswer | None) -> forms.RequirementAnswerForm:
    data: dict[str, Any] = {"version": 0}
    if answer is not None:
        declaration = None if answer.declaration is None else ("ja" if answer.declaration else "nee")
        data = {"version": answer.version, "declaration": declaration, "text": answer.text}
        data["answer_date"] = answer.answer_date
    return forms.RequirementAnswerForm(formdata=None, prefix=f"r{requirement_id}", data=data)


def _reuse_form(bid: Bid) -> forms.EvidenceReuseForm:
    """Choose one of the organisation's earlier uploads to attach again."""
    reuse = forms.EvidenceReuseForm(formdata=None)
    evidence = queries.organisation_evidence(bid.organisation_id)
    reuse.evidence_id.choices = [(e.id, f"{e.original_name} ({e.uploaded_at:%d-%m-%Y})") for e in evidence]
    return reuse


_REQUIREMENTS = _Section(
    "requirement", "bids.requirements", "eis", forms.RequirementAnswerForm, _requirements_page
)


@bp.post("/<int:bid_id>/eisen/<int:requirement_id>")
def save_requirement(bid_id: int, requirement_id: int) -> Page:
    bid = bid_or_404(bid_id, "bids.edit")
    form = forms.RequirementAnswerForm(prefix=f"r{requirement_id}")
    requirement = _item_or_404(versioned.requirement_of, bid, requirement_id)

    def save() -> RequirementAnswer:
        value = versioned.RequirementInput(
            declaration=None if not form.declaration.data else form.declaration.data == "ja",
            text=form.text.data or "",
            answer_date=form.answer_date.data,
        )
        version, user = form.started_from(), acting_user()
        return versioned.save_requirement_answer(
            bid, requirement, value, version=version, user=user, now=clock.now()
        )

    return _save(bid, _REQUIREMENTS, requirement_id, form, save)


@bp.post("/<int:bid_id>/eisen/<int:requirement_id>/bewijs")
def attach_evidence(bid_id: int, requirement_id: int) -> Page:
    bid = bid_or_404(bid_id, "bids.edit")
    requirement = _item_or_404(versioned.requirement_of, bid, requirement_id)
    try:
        _attach(bid, requirement)
    except (uploads.UploadRefused, rules.BidRefused) as error:
        refused("bids.upload_evidence", bid, error)
        flash(str(error), "error")
        return _requirements_page(queries.load_bid(bid), status=422)
    flash(_("Het bewijsstuk is toegevoegd."), "success")
    return redirect(url_for("bids.requirements", bid_id=bid.id) + f"#eis-{requirement_id}")


def _attach(bid: Bid, requirement: Requirement) -> None:
    """An earlier upload chosen again, or a new file."""
    if "evidence_id" in request.form:
        reuse = forms.EvidenceReuseForm()
        if not reuse.validate_on_submit():
            abort(400)
        bid_evidence.reuse(bid, requirement, reuse.evidence_id.data, user=acting_user(), now=clock.now())
        return
    upload = forms.EvidenceUploadForm()
    if not upload.validate_on_submit() or not upload.file.data:
        raise uploads.UploadRefused(_("Kies een bestand om te uploaden."))
    file = upload.file.data
    bid_evidence.attach(bid, requirement, file.stream, file.filename, user=acting_user(), now=clock.now())


@bp.post("/<int:bid_id>/eisen/<int:requirement_id>/bewijs/<int:evidence_id>/verwijderen")
def detach_evidence(bid_id: int, requirement_id: int, evidence_id: int) -> Page:
    bid = bid_or_404(bid_id, "bids.edit")
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    try:
        requirement = versioned.requirement_of(bid, requirement_id)
        bid_evidence.detach(bid, requirement, evidence_id, user=acting_user(), now=clock.now())
    except rules.BidRefused as error:
        refused("bids.detach_evidence", bid, error)
        flash(str(error), "error")
        return _requirements_page(queries.load_bid(bid), status=422)
    flash(
        _(
            "Het bewijsstuk is losgekoppeld. Het wordt na een dag verwijderd, tenzij u het opnieuw koppelt of het bij een ingediende inschrijving hoort."
        ),
        "success",
    )
    return redirect(url_for("bids.requirements", bid_id=bid.id) + f"#eis-{requirement_id}")


@bp.get("/<int:bid_id>/bewijs/<int:evidence_id>")
def download_evidence(bid_id: int, evidence_id: int) -> Response:
    bid = bid_or_404(bid_id)
    evidence = queries.evidence_of(bid.organisation_id, evidence_id)
    if evidence is None:
        abort(404)
    audit.record("bids.download_evidence", evidence, bid_id=bid.id)
    return uploads.send(evidence.stored_name, evidence.original_name, evidence.content_type)


# --- criteria ----------------------------------------------------------------------------------------


@bp.get("/<int:bid_id>/criteria")
def criteria(bid_id: int) -> Page:
    return _criteria_page(queries.load_bid(bid_or_404(bid_id)))


def _criteria_page(bid: Bid, failed: _Failed | None = None, *, status: int = 200) -> Page:
    answers = {a.criterion_id: a for a in bid.criterion_answers}
    items = [
        _criterion_item(c, answers.get(c.id), _here(failed, c.id)) for c in service.applicable(bid).criteria
    ]
    return _section_page("bids/criteria.html", bid, items, status)


def _criterion_item(
    criterion: AwardCriterion, answer: CriterionAnswer | None, failed: _Failed | None
) -> dict[str, Any]:
    if failed is not None:
        form = failed.form
    else:
        data = {"version": answer.version if answer else 0, "text": answer.text if answer else ""}
        form = forms.CriterionAnswerForm(formdata=None, prefix=f"c{criterion.id}", data=data)
    return {
        "criterion": criterion,
        "answer": answer,
        "form": form,
        "words": rules.word_count(form.text.data),
        "stale": failed.stale if failed else None,
    }


_CRITERIA = _Section("criterion", "bids.criteria", "criterium", forms.CriterionAnswerForm, _criteria_page)


@bp.post("/<int:bid_id>/criteria/<int:criterion_id>")
def save_criterion(bid_id: int, criterion_id: int) -> Page:
    bid = bid_or_404(bid_id, "bids.edit")
    criterion = _item_or_404(versioned.criterion_of, bid, criterion_id)
    form = forms.CriterionAnswerForm(prefix=f"c{criterion_id}")

    def save() -> CriterionAnswer:
        version, user = form.started_from(), acting_user()
        return versioned.save_criterion_answer(
            bid, criterion, form.text.data or "", version=version, user=user, now=clock.now()
        )

    return _save(bid, _CRITERIA, criterion_id, form, save)
