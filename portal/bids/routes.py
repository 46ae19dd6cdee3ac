"""Routes of the provider's bid: thin — parse, check access, call the service, render or redirect.

List and start, overview, choice, submit, receipt, withdraw and the public verify page; the answers
(requirements, evidence, criteria, autosave) are in answers.py.
"""

from __future__ import annotations

import contextlib
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal import access, audit, clock
from portal.bids import bp, forms, matrix_page, queries, receipt, rules, service
from portal.bids.pages import acting_user, bid_or_404, editable, refused
from portal.extensions import limiter
from portal.models import Bid, BidSubmission, Tender
from portal.web import Page

# --- list and start ----------------------------------------------------------------------------


@bp.get("")
@access.guard("bids.start")
def index() -> Page:
    user = acting_user()
    bids = queries.my_bids(user.organisation_id)
    started = {bid.tender_id for bid in bids}
    now = clock.now()
    tenders = [
        t for t in queries.open_tenders() if t.id not in started and rules.open_period(t, now=now) is not None
    ]
    timings = {bid.id: rules.timing(bid.tender, now=now) for bid in bids}
    return render_template(
        "bids/index.html", bids=bids, tenders=tenders, timings=timings, form=forms.ActionForm()
    )


@bp.post("/start/<int:tender_id>")
def start(tender_id: int) -> Page:
    tender = access.get_or_404(Tender, tender_id, "bids.start")
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    user = acting_user()
    try:
        bid = service.start_bid(tender, user.organisation, user, now=clock.now())
    except rules.BidRefused as error:
        refused("bids.start", None, error)
        flash(str(error), "error")
        return redirect(url_for("bids.index"))
    return redirect(url_for("bids.overview", bid_id=bid.id))


# --- overview ------------------------------------------------------------------------------------


@bp.get("/<int:bid_id>")
def overview(bid_id: int) -> Page:
    bid = queries.load_bid(bid_or_404(bid_id))
    return render_template("bids/overview.html", **_overview_context(bid))


def _overview_context(bid: Bid) -> dict[str, Any]:
    missing = service.missing(bid)
    now = clock.now()
    return {
        "bid": bid,
        "missing": missing,
        "progress": rules.section_progress(missing),
        "timing": (timing := rules.timing(bid.tender, now=now)),
        "is_open": timing.is_open,
        "withdraw_form": forms.ActionForm(),
        "changed_by": queries.last_changes(bid),
    }


# --- choice ----------------------------------------------------------------------------------------


@bp.route("/<int:bid_id>/keuze", methods=["GET", "POST"])
def choice(bid_id: int) -> Page:
    bid = bid_or_404(bid_id, "bids.edit" if request.method == "POST" else "bids.view")
    form = forms.ChoiceForm(data={"version": bid.choice_version})
    if request.method == "GET":
        return _choice_page(bid, form)
    matrix = queries.matrix(bid.tender)
    if not form.validate_on_submit():
        return _choice_page(bid, form, matrix, status=422)
    try:
        pairs = _choice_pairs(matrix)
        service.save_choice(bid, pairs, version=form.version.data, user=acting_user(), now=clock.now())
    except service.StaleEdit as stale:
        refused("bids.save_choice", bid, stale)
        return _choice_page(
            bid,
            forms.ChoiceForm(formdata=None, data={"version": bid.choice_version}),
            matrix,
            stale=stale,
            status=409,
        )
    except rules.BidRefused as error:
        refused("bids.save_choice", bid, error)
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
    bid: Bid,
    form: Any,
    matrix: queries.Matrix | None = None,
    *,
    stale: Any = None,
    error: Any = None,
    status: int = 200,
) -> Page:
    chosen = {(line.result_level_id, line.municipality_id) for line in bid.lines}
    if error is not None:
        with contextlib.suppress(rules.InvalidChoice):
            chosen = rules.parse_pairs(request.form.getlist("keuze"))
    if stale is not None:
        chosen = set(stale.yours)  # the person's own choice stays in the form
    labels = None
    if stale is not None:
        result_levels, municipalities, _lots = queries.labels(bid.tender)
        labels = {
            "theirs": _pair_labels(stale.theirs, result_levels, municipalities),
            "yours": _pair_labels(stale.yours, result_levels, municipalities),
        }
    may_edit = editable(bid)
    matrix_html = matrix_page.render(
        bid.tender, chosen, editable=may_edit, matrix=lambda: matrix or queries.matrix(bid.tender)
    )
    html = render_template(
        "bids/choice.html",
        bid=bid,
        form=form,
        matrix_html=matrix_html,
        stale=stale,
        stale_labels=labels,
        error=error,
        editable=may_edit,
    )
    return (html, status) if status != 200 else html


def _pair_labels(pairs: set[tuple[int, int]], result_levels: dict, municipalities: dict) -> list[str]:
    out = []
    for rl_id, m_id in sorted(pairs):
        rl, m = result_levels.get(rl_id), municipalities.get(m_id)
        if rl is not None and m is not None:
            out.append(
                _(
                    "%(code)s %(result)s – niveau %(level)s – %(municipality)s",
                    code=rl.result.code,
                    result=rl.result.name,
                    level=rl.level,
                    municipality=m.name,
                )
            )
    return out


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
        submission = service.submit(
            bid, user=acting_user(), idempotency_key=form.idempotency_key.data, now=clock.now()
        )
    except rules.IncompleteBid as error:
        refused("bids.submit", bid, error)
        return _submit_page(bid, form, missing=error.missing, error=error, status=422)
    except rules.BidRefused as error:
        refused("bids.submit", bid, error)
        return _submit_page(bid, form, error=error, status=422)
    receipt.queue_receipt(submission, bid.organisation)
    flash(
        _(
            "Uw inschrijving is ontvangen. Het ontvangstbewijs (PDF) komt binnen enkele minuten per e-mail en kunt u hier ook downloaden."
        ),
        "success",
    )
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
        timing=rules.timing(bid.tender, now=now),
        editable=editable(bid),
    )
    return (html, status) if status != 200 else html


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
    response = Response(receipt.pdf_bytes(submission), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{receipt.file_name(submission)}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


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
        return render_template("bids/overview.html", **_overview_context(queries.load_bid(bid))), 422
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
