"""Routes of the provider's bid: thin — parse, check access, call the service, render or redirect."""

from __future__ import annotations

import contextlib
from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal import access, audit, clock, uploads
from portal.bids import bp, forms, queries, receipt, rules, service
from portal.extensions import db
from portal.models import Bid, BidSubmission, EvidenceFile, Tender

Page = Response | str | tuple[str, int]


def _user() -> Any:
    return current_user._get_current_object()  # type: ignore[attr-defined]


def _bid(bid_id: int, action: str = "bids.view") -> Bid:
    """Load-or-404 plus permission; every page view of bid data is recorded in the audit trail."""
    bid = access.get_or_404(Bid, bid_id, action)
    if request.method == "GET":
        audit.record("bids.view", bid, page=request.endpoint)
    return bid


def _refused(action: str, bid: Bid | None, error: Exception) -> None:
    audit.refused(action, bid, reason=type(error).__name__)


# --- list and start ----------------------------------------------------------------------------


@bp.get("")
@access.guard("bids.start")
def index() -> Page:
    user = _user()
    bids = queries.my_bids(user.organisation_id)
    started = {bid.tender_id for bid in bids}
    now = clock.now()
    tenders = [
        t for t in queries.open_tenders() if t.id not in started and rules.open_period(t, now=now) is not None
    ]
    return render_template("bids/index.html", bids=bids, tenders=tenders, form=forms.ActionForm())


@bp.post("/start/<int:tender_id>")
def start(tender_id: int) -> Page:
    tender = access.get_or_404(Tender, tender_id, "bids.start")
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    user = _user()
    try:
        bid = service.start_bid(tender, user.organisation, user, now=clock.now())
    except rules.BidRefused as error:
        _refused("bids.start", None, error)
        flash(str(error), "error")
        return redirect(url_for("bids.index"))
    return redirect(url_for("bids.overview", bid_id=bid.id))


# --- overview ------------------------------------------------------------------------------------


@bp.get("/<int:bid_id>")
def overview(bid_id: int) -> Page:
    bid = queries.load_bid(_bid(bid_id))
    return render_template("bids/overview.html", **_overview_context(bid))


def _overview_context(bid: Bid) -> dict[str, Any]:
    missing = service.missing(bid)
    now = clock.now()
    return {
        "bid": bid,
        "missing": missing,
        "progress": rules.section_progress(missing),
        "deadline": rules.next_deadline(bid.tender, now=now),
        "is_open": rules.open_period(bid.tender, now=now) is not None,
        "withdraw_form": forms.ActionForm(),
    }


# --- choice ----------------------------------------------------------------------------------------


@bp.route("/<int:bid_id>/keuze", methods=["GET", "POST"])
def choice(bid_id: int) -> Page:
    bid = _bid(bid_id, "bids.edit" if request.method == "POST" else "bids.view")
    form = forms.ChoiceForm(data={"version": bid.choice_version})
    matrix = queries.matrix(bid.tender)
    if request.method == "GET":
        return _choice_page(bid, form, matrix)
    if not form.validate_on_submit():
        return _choice_page(bid, form, matrix, status=422)
    try:
        pairs = _choice_pairs(matrix)
        service.save_choice(bid, pairs, version=form.version.data, user=_user(), now=clock.now())
    except service.StaleEdit as stale:
        _refused("bids.save_choice", bid, stale)
        return _choice_page(
            bid,
            forms.ChoiceForm(formdata=None, data={"version": bid.choice_version}),
            matrix,
            stale=stale,
            status=409,
        )
    except rules.BidRefused as error:
        _refused("bids.save_choice", bid, error)
        return _choice_page(bid, form, matrix, error=error, status=422)
    flash(_("Uw keuze is opgeslagen."), "success")
    return redirect(url_for("bids.choice", bid_id=bid.id))


def _choice_pairs(matrix: queries.Matrix) -> set[tuple[int, int]]:
    pairs = rules.parse_pairs(request.form.getlist("keuze"))
    action = request.form.get("select")
    if not action:
        return pairs
    levels_of: dict[tuple[int, int], list[int]] = {}
    for lot_id, rows in matrix.rows.items():
        for _domain, result, levels in rows:
            levels_of[(result.id, lot_id)] = [rl.id for rl in levels]
    added, cleared_lot = rules.helper_selection(
        action, levels_of=levels_of, municipality_ids=[m.id for m in matrix.municipalities]
    )
    if cleared_lot is not None:
        in_lot = {rl for (_r, lot), rls in levels_of.items() if lot == cleared_lot for rl in rls}
        pairs = {p for p in pairs if p[0] not in in_lot}
    return pairs | added


def _choice_page(
    bid: Bid, form: Any, matrix: queries.Matrix, *, stale: Any = None, error: Any = None, status: int = 200
) -> Page:
    chosen = {(line.result_level_id, line.municipality_id) for line in bid.lines}
    if error is not None:
        with contextlib.suppress(rules.InvalidChoice):
            chosen = rules.parse_pairs(request.form.getlist("keuze"))
    labels = None
    if stale is not None:
        result_levels, municipalities, _lots = queries.labels(bid.tender)
        labels = {
            "theirs": _pair_labels(stale.theirs, result_levels, municipalities),
            "yours": _pair_labels(stale.yours, result_levels, municipalities),
        }
    html = render_template(
        "bids/choice.html",
        bid=bid,
        form=form,
        matrix=matrix,
        chosen=chosen,
        stale=stale,
        stale_labels=labels,
        error=error,
        editable=_editable(bid),
    )
    return (html, status) if status != 200 else html


def _pair_labels(pairs: set[tuple[int, int]], result_levels: dict, municipalities: dict) -> list[str]:
    out = []
    for rl_id, m_id in sorted(pairs):
        rl, m = result_levels.get(rl_id), municipalities.get(m_id)
        if rl is not None and m is not None:
            out.append(f"{rl.result.code} {rl.result.name} – niveau {rl.level} – {m.name}")
    return out


def _editable(bid: Bid) -> bool:
    try:
        service.ensure_editable(bid, now=clock.now())
    except rules.BidRefused:
        return False
    return True


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
    bid = queries.load_bid(_bid(bid_id))
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
            }
        )
    evidence = queries.organisation_evidence(bid.organisation_id)
    reuse = forms.EvidenceReuseForm(formdata=None)
    reuse.evidence_id.choices = [(e.id, f"{e.original_name} ({e.uploaded_at:%d-%m-%Y})") for e in evidence]
    html = render_template(
        "bids/requirements.html",
        bid=bid,
        items=items,
        upload_form=forms.EvidenceUploadForm(formdata=None),
        reuse_form=reuse,
        editable=_editable(bid),
        rules=rules,
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
    bid = _bid(bid_id, "bids.edit")
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
            bid, requirement, value, version=form.version.data, user=_user(), now=clock.now()
        )
    except service.StaleEdit as stale:
        _refused("bids.save_requirement", bid, stale)
        if _autosave():
            return _autosave_reply(stale=stale)
        bid = queries.load_bid(bid)
        answer = next((a for a in bid.requirement_answers if a.requirement_id == requirement_id), None)
        fresh = forms.RequirementAnswerForm(
            formdata=None, prefix=f"r{requirement_id}", data=_answer_data(answer)
        )
        return _requirements_page(bid, failing=fresh, failing_id=requirement_id, stale=stale, status=409)
    except rules.BidRefused as error:
        _refused("bids.save_requirement", bid, error)
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
    bid = _bid(bid_id, "bids.edit")
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
            service.reuse_evidence(bid, requirement, reuse.evidence_id.data, user=_user(), now=clock.now())
        else:
            if not upload.validate_on_submit() or not upload.file.data:
                raise uploads.UploadRefused(_("Kies een bestand om te uploaden."))
            file = upload.file.data
            service.attach_evidence(
                bid, requirement, file.stream, file.filename, user=_user(), now=clock.now()
            )
    except (uploads.UploadRefused, rules.BidRefused) as error:
        _refused("bids.upload_evidence", bid, error)
        flash(str(error), "error")
        page = _requirements_page(queries.load_bid(bid), status=422)
        return page
    flash(_("Het bewijsstuk is toegevoegd."), "success")
    return redirect(url_for("bids.requirements", bid_id=bid.id) + f"#eis-{requirement_id}")


@bp.post("/<int:bid_id>/eisen/<int:requirement_id>/bewijs/<int:evidence_id>/verwijderen")
def detach_evidence(bid_id: int, requirement_id: int, evidence_id: int) -> Page:
    bid = _bid(bid_id, "bids.edit")
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    try:
        requirement = service.requirement_of(bid, requirement_id)
        service.detach_evidence(bid, requirement, evidence_id, user=_user(), now=clock.now())
    except rules.BidRefused as error:
        _refused("bids.detach_evidence", bid, error)
        flash(str(error), "error")
        return _requirements_page(queries.load_bid(bid), status=422)
    flash(_("Het bewijsstuk is losgekoppeld (het blijft bewaard voor hergebruik)."), "success")
    return redirect(url_for("bids.requirements", bid_id=bid.id) + f"#eis-{requirement_id}")


@bp.get("/<int:bid_id>/bewijs/<int:evidence_id>")
def download_evidence(bid_id: int, evidence_id: int) -> Response:
    bid = _bid(bid_id)
    evidence = db.session.get(EvidenceFile, evidence_id)
    if evidence is None or evidence.organisation_id != bid.organisation_id:
        abort(404)
    audit.record("bids.download_evidence", evidence, bid_id=bid.id)
    return uploads.send(evidence.stored_name, evidence.original_name, evidence.content_type)


# --- criteria ----------------------------------------------------------------------------------------


@bp.get("/<int:bid_id>/criteria")
def criteria(bid_id: int) -> Page:
    return _criteria_page(queries.load_bid(_bid(bid_id)))


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
    html = render_template("bids/criteria.html", bid=bid, items=items, editable=_editable(bid))
    return (html, status) if status != 200 else html


@bp.post("/<int:bid_id>/criteria/<int:criterion_id>")
def save_criterion(bid_id: int, criterion_id: int) -> Page:
    bid = _bid(bid_id, "bids.edit")
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
            bid, criterion, form.text.data or "", version=form.version.data, user=_user(), now=clock.now()
        )
    except service.StaleEdit as stale:
        _refused("bids.save_criterion", bid, stale)
        if _autosave():
            return _autosave_reply(stale=stale)
        bid = queries.load_bid(bid)
        answer = next((a for a in bid.criterion_answers if a.criterion_id == criterion_id), None)
        fresh = forms.CriterionAnswerForm(
            formdata=None,
            prefix=f"c{criterion_id}",
            data={"version": answer.version if answer else 0, "text": answer.text if answer else ""},
        )
        return _criteria_page(bid, failing=fresh, failing_id=criterion_id, stale=stale, status=409)
    except rules.BidRefused as error:
        _refused("bids.save_criterion", bid, error)
        if _autosave():
            return _autosave_reply(error=str(error))
        form.text.errors = [*form.text.errors, str(error)]
        return _criteria_page(queries.load_bid(bid), failing=form, failing_id=criterion_id, status=422)
    if _autosave():
        return _autosave_reply(version=answer.version)
    flash(_("Uw antwoord is opgeslagen."), "success")
    return redirect(url_for("bids.criteria", bid_id=bid.id) + f"#criterium-{criterion_id}")


# --- sign, submit, receipt, withdraw -------------------------------------------------------------------


@bp.route("/<int:bid_id>/indienen", methods=["GET", "POST"])
def submit(bid_id: int) -> Page:
    bid = _bid(bid_id, "bids.edit" if request.method == "POST" else "bids.view")
    form = forms.SubmitForm()
    if request.method == "GET":
        form.idempotency_key.data = service.new_idempotency_key()
        return _submit_page(bid, form)
    if not form.validate_on_submit():
        return _submit_page(bid, form, status=422)
    try:
        submission = service.submit(
            bid, user=_user(), idempotency_key=form.idempotency_key.data, now=clock.now()
        )
    except rules.IncompleteBid as error:
        _refused("bids.submit", bid, error)
        return _submit_page(bid, form, missing=error.missing, error=error, status=422)
    except rules.BidRefused as error:
        _refused("bids.submit", bid, error)
        return _submit_page(bid, form, error=error, status=422)
    receipt.mail_receipt(submission, bid.organisation)
    flash(_("Uw inschrijving is ontvangen. Het ontvangstbewijs is per e-mail verstuurd."), "success")
    return redirect(url_for("bids.submitted", bid_id=bid.id, version=submission.version))


def _submit_page(bid: Bid, form: Any, *, missing: Any = None, error: Any = None, status: int = 200) -> Page:
    bid = queries.load_bid(bid)
    now = clock.now()
    html = render_template(
        "bids/submit.html",
        bid=bid,
        form=form,
        error=error,
        missing=missing if missing is not None else service.missing(bid),
        deadline=rules.next_deadline(bid.tender, now=now),
        editable=_editable(bid),
    )
    return (html, status) if status != 200 else html


def _submission_or_404(bid: Bid, version: int) -> BidSubmission:
    submission = queries.submission(bid, version)
    if submission is None:
        abort(404)
    return submission


@bp.get("/<int:bid_id>/ingediend/<int:version>")
def submitted(bid_id: int, version: int) -> Page:
    bid = _bid(bid_id)
    submission = _submission_or_404(bid, version)
    return render_template("bids/submitted.html", bid=bid, submission=submission)


@bp.get("/<int:bid_id>/ontvangstbewijs/<int:version>")
def receipt_pdf(bid_id: int, version: int) -> Response:
    bid = _bid(bid_id)
    submission = _submission_or_404(bid, version)
    audit.record("bids.download_receipt", submission, bid_id=bid.id, version=version)
    response = Response(receipt.render(submission), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{receipt.file_name(submission)}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/<int:bid_id>/intrekken")
def withdraw(bid_id: int) -> Page:
    bid = _bid(bid_id, "bids.edit")
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    try:
        service.withdraw(bid, user=_user(), now=clock.now())
    except rules.BidRefused as error:
        _refused("bids.withdraw", bid, error)
        flash(str(error), "error")
        return render_template("bids/overview.html", **_overview_context(queries.load_bid(bid))), 422
    flash(_("Uw inschrijving is ingetrokken. U kunt haar aanpassen en opnieuw indienen."), "success")
    return redirect(url_for("bids.overview", bid_id=bid.id))


# --- public: verify a receipt -------------------------------------------------------------------------


def verify() -> Page:
    """Anyone holding a receipt checks its hash: only tender reference, time and version are shown."""
    form = forms.VerifyForm()
    result = None
    checked = None
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template("bids/verify.html", form=form, result=None, checked=None), 422
        checked = receipt.normalise_hash(form.sha256.data)
        if checked is None and form.receipt.data:
            checked = receipt.hash_from_pdf(form.receipt.data.read(5 * 1024 * 1024))
        if checked is None:
            form.sha256.errors = [_("Vul een hash van 64 tekens in of upload het ontvangstbewijs (PDF).")]
            return render_template("bids/verify.html", form=form, result=None, checked=None), 422
        result = queries.verify_hash(checked)
        audit.record("bids.verify_receipt", None, found=result is not None)
    return render_template("bids/verify.html", form=form, result=result, checked=checked)


@bp.record_once
def _register_verify(state: Any) -> None:
    state.app.add_url_rule(
        "/ontvangstbewijs/controleren", endpoint="bids.verify", view_func=verify, methods=["GET", "POST"]
    )
