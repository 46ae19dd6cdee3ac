"""Routes of the provider's bid: thin — parse, check access, call the service, render or redirect.

List and start, overview, choice, submit, receipt, withdraw and the public verify page; the answers
(requirements, evidence, criteria, autosave) are in answers.py.
"""

from __future__ import annotations

import contextlib
import io
from datetime import datetime
from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal import access, audit, clock
from portal.bids import bp, forms, matrix_page, queries, receipt, rules, service
from portal.bids.pages import acting_organisation, acting_user, bid_or_404, editable, page, refused
from portal.extensions import limiter
from portal.models import Bid, BidSubmission, Tender
from portal.web import Page

# --- list and start ----------------------------------------------------------------------------


@bp.get("")
@access.guard("bids.start")
def index() -> Page:
    bids = queries.my_bids(acting_organisation().id)
    now = clock.now()
    timings = {bid.id: rules.timing(bid.tender, now=now) for bid in bids}
    tenders = _startable({bid.tender_id for bid in bids}, now)
    return render_template(
        "bids/index.html", bids=bids, tenders=tenders, timings=timings, form=forms.ActionForm()
    )


def _startable(started: set[int], now: datetime) -> list[Tender]:
    """Published tenders open now on which the organisation has no bid yet."""
    open_now = (t for t in queries.open_tenders() if rules.open_period(t, now=now) is not None)
    return [t for t in open_now if t.id not in started]


@bp.post("/start/<int:tender_id>")
def start(tender_id: int) -> Page:
    tender = access.get_or_404(Tender, tender_id, "bids.start")
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    try:
        bid = service.start_bid(tender, acting_organisation(), acting_user(), now=clock.now())
    except rules.BidRefused as error:
        refused("bids.start", None, error)
        flash(str(error), "error")
        return redirect(url_for("bids.index"))
    return redirect(url_for("bids.overview", bid_id=bid.id))


# --- overview ------------------------------------------------------------------------------------


@bp.get("/<int:bid_id>")
def overview(bid_id: int) -> Page:
    return _overview_page(queries.load_bid(bid_or_404(bid_id)))


def _overview_page(bid: Bid, status: int = 200) -> Page:
    missing = service.missing(bid)
    timing = rules.timing(bid.tender, now=clock.now())
    return page(
        "bids/overview.html",
        status,
        bid=bid,
        missing=missing,
        progress=rules.section_progress(missing),
        timing=timing,
        is_open=timing.is_open,
        withdraw_form=forms.ActionForm(),
        changed_by=queries.last_changes(bid),
    )


# --- choice ----------------------------------------------------------------------------------------


@bp.route("/<int:bid_id>/keuze", methods=["GET", "POST"])
def choice(bid_id: int) -> Page:
    bid = bid_or_404(bid_id, "bids.edit" if request.method == "POST" else "bids.view")
    form = forms.ChoiceForm(data={"version": bid.choice_version})
    if request.method == "GET":
        return _choice_page(bid, form, queries.chosen_pairs(bid.id))
    matrix = queries.matrix(bid.tender)
    if not form.validate_on_submit():
        return _choice_page(bid, form, queries.chosen_pairs(bid.id), matrix, status=422)
    return _save_choice(bid, form, matrix)


def _save_choice(bid: Bid, form: forms.ChoiceForm, matrix: queries.Matrix) -> Page:
    try:
        pairs = _choice_pairs(matrix)
        service.save_choice(bid, pairs, version=form.started_from(), user=acting_user(), now=clock.now())
    except rules.StaleEdit as stale:
        refused("bids.save_choice", bid, stale)
        fresh = forms.ChoiceForm(formdata=None, data={"version": bid.choice_version})
        mine = set(stale.yours)  # the person's own choice stays in the form
        return _choice_page(bid, fresh, mine, matrix, stale=stale, status=409)
    except rules.BidRefused as error:
        refused("bids.save_choice", bid, error)
        return _choice_page(
            bid, form, _posted_or(queries.chosen_pairs(bid.id)), matrix, error=error, status=422
        )
    flash(_("Uw keuze is opgeslagen."), "success")
    return redirect(url_for("bids.choice", bid_id=bid.id))


def _posted_or(stored: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The boxes as posted, so a refused choice is shown as the person made it (stored if unreadable)."""
    with contextlib.suppress(rules.InvalidChoice):
        return rules.parse_pairs(request.form.getlist("keuze"))
    return stored


def _choice_pairs(matrix: queries.Matrix) -> set[tuple[int, int]]:
    pairs = rules.parse_pairs(request.form.getlist("keuze"))
    action = request.form.get("select")
    if not action:
        return pairs
    levels_of: dict[tuple[int, int], list[int]] = {}
    for lot_id, rows in matrix.rows.items():
        for result, levels in rows:
            levels_of[(result.id, lot_id)] = [level.id for level in levels]
    added, cleared_lot = rules.helper_selection(
        action, levels_of=levels_of, municipality_ids=[m.id for m in matrix.municipalities]
    )
    if cleared_lot is not None:
        in_lot = rules.levels_in_lot(levels_of, cleared_lot)
        pairs = {p for p in pairs if p[0] not in in_lot}
    return pairs | added


def _choice_page(
    bid: Bid,
    form: forms.ChoiceForm,
    chosen: set[tuple[int, int]],
    matrix: queries.Matrix | None = None,
    *,
    stale: rules.StaleEdit | None = None,
    error: rules.BidRefused | None = None,
    status: int = 200,
) -> Page:
    return page(
        "bids/choice.html",
        status,
        bid=bid,
        form=form,
        matrix=matrix_page.view(matrix or queries.matrix(bid.tender)),
        ticked=matrix_page.ticked(chosen),
        stale=stale,
        stale_labels=_stale_labels(bid, stale) if stale is not None else None,
        error=error,
        editable=editable(bid),
    )


def _stale_labels(bid: Bid, stale: rules.StaleEdit) -> dict[str, list[str]]:
    """The colleague's stored choice and the person's own, as readable lines."""
    theirs, yours = matrix_page.pair_labels(bid.tender, stale.theirs, stale.yours)
    return {"theirs": theirs, "yours": yours}


# --- sign, submit, receipt, withdraw -------------------------------------------------------------------


@bp.route("/<int:bid_id>/indienen", methods=["GET", "POST"])
def submit(bid_id: int) -> Page:
    bid = bid_or_404(bid_id, "bids.edit" if request.method == "POST" else "bids.view")
    form = forms.SubmitForm()
    if request.method == "GET":
        form.idempotency_key.data = service.new_idempotency_key()
        return _submit_page(bid, form)
    if not form.validate_on_submit():
        return _submit_page(bid, form, status=422)
    try:
        submission = service.submit(bid, user=acting_user(), idempotency_key=form.key(), now=clock.now())
    except rules.BidRefused as error:
        refused("bids.submit", bid, error)
        missing = error.missing if isinstance(error, rules.IncompleteBid) else None
        return _submit_page(bid, form, missing=missing, error=error, status=422)
    receipt.queue_receipt(submission, bid.organisation)
    _flash_received()
    return redirect(url_for("bids.submitted", bid_id=bid.id, version=submission.version))


def _flash_received() -> None:
    message = _(
        "Uw inschrijving is ontvangen. Het ontvangstbewijs (PDF) komt binnen enkele minuten per e-mail en kunt u hier ook downloaden."
    )
    flash(message, "success")


def _submit_page(
    bid: Bid,
    form: forms.SubmitForm,
    *,
    missing: list[rules.Missing] | None = None,
    error: rules.BidRefused | None = None,
    status: int = 200,
) -> Page:
    bid = queries.load_bid(bid)
    return page(
        "bids/submit.html",
        status,
        bid=bid,
        form=form,
        error=error,
        missing=missing if missing is not None else service.missing(bid),
        timing=rules.timing(bid.tender, now=clock.now()),
        editable=editable(bid),
    )


def _submission_or_404(bid: Bid, version: int) -> BidSubmission:
    submission = queries.submission(bid, version)
    if submission is None:
        abort(404)
    return submission


@bp.get("/<int:bid_id>/ingediend/<int:version>")
def submitted(bid_id: int, version: int) -> Page:
    bid = bid_or_404(bid_id)
    submission = _submission_or_404(bid, version)
    return render_template("bids/submitted.html", bid=bid, submission=submission)


@bp.get("/<int:bid_id>/ontvangstbewijs/<int:version>")
def receipt_pdf(bid_id: int, version: int) -> Response:
    bid = bid_or_404(bid_id)
    submission = _submission_or_404(bid, version)
    audit.record("bids.download_receipt", submission, bid_id=bid.id, version=version)
    pdf = io.BytesIO(receipt.pdf_bytes(submission))
    return send_file(pdf, "application/pdf", as_attachment=True, download_name=receipt.file_name(submission))


@bp.post("/<int:bid_id>/intrekken")
def withdraw(bid_id: int) -> Page:
    bid = bid_or_404(bid_id, "bids.edit")
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    try:
        service.withdraw(bid, user=acting_user(), now=clock.now())
    except rules.BidRefused as error:
        refused("bids.withdraw", bid, error)
        flash(str(error), "error")
        return _overview_page(queries.load_bid(bid), status=422)
    flash(_("Uw inschrijving is ingetrokken. U kunt haar aanpassen en opnieuw indienen."), "success")
    return redirect(url_for("bids.overview", bid_id=bid.id))


# --- public: verify a receipt -------------------------------------------------------------------------


def verify() -> Page:
    """The receipt's old address: the verification page of every document (portal/verification)."""
    from portal.verification.routes import verify_page

    return verify_page()


# Public and reads an uploaded PDF: limited per IP address (POSTs only). Decorated once, at import: a
# limit applied where the blueprint is registered would be added again for every app the process builds,
# and every request would count once per app.
_verify_limited = limiter.limit("30 per 10 minutes", exempt_when=lambda: request.method != "POST")(verify)


@bp.record_once
def _register_verify(state: Any) -> None:
    state.app.add_url_rule(
        "/ontvangstbewijs/controleren",
        endpoint="bids.verify",
        view_func=_verify_limited,
        methods=["GET", "POST"],
    )
