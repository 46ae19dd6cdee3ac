"""Routes of the assessment: assessors (blind scoring), buyers (opening to sending), providers (decisions)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal import access, clock, sealed
from portal.accounts import second_factor
from portal.assessment import (
    bp,
    checking,
    consensus_list,
    deciding,
    decision_list,
    forms,
    opened,
    queries,
    recording,
    service,
    views,
)
from portal.assessment.service import AssessmentRefused
from portal.fields import record_id
from portal.i18n import decimal2
from portal.models import (
    AdmissionWindow,
    AwardCriterion,
    BidSubmission,
    Decision,
    DecisionOutcome,
    Requirement,
    Tender,
    User,
)
from portal.web import Page, current_user, show_refusal


@bp.app_template_filter("score")
def score_filter(value: Decimal | None) -> str:
    """A score or weight with two decimals in the reader's locale (7,00 in Dutch)."""
    return decimal2(value)


def _opened_submission(submission_id: int, action: str) -> tuple[BidSubmission, str]:
    submission = access.get_or_404(BidSubmission, submission_id, action)
    return opened.submission_or_404(submission.id)


# --- assessor: blind scoring --------------------------------------------------------------------


@bp.get("/")
@access.guard("assessment.score")
def index() -> str:
    tenders = queries.assessor_tenders(current_user())
    declared = {t.id for t in tenders if queries.declaration(t.id, current_user().id)}
    return render_template("assessment/index.html", tenders=tenders, declared=declared)


@bp.route("/<int:tender_id>/verklaring", methods=["GET", "POST"])
def declare(tender_id: int) -> Page:
    tender = access.get_or_404(Tender, tender_id, "assessment.assess_tender")
    opened = sealed.tender_bidders_visible(tender, now=clock.now())
    organisations = service.organisations_with_bids(tender, now=clock.now())
    existing = queries.declaration(tender.id, current_user().id)
    form = forms.DeclarationForm(
        organisations=[o.id for o in existing.organisations] if existing else [],
        note=existing.note if existing else "",
    )
    form.organisations.choices = forms.options((o.id, o.name) for o in organisations)
    chosen = [o for o in organisations if o.id in (form.organisations.data or [])]

    def declare() -> object:
        return service.declare_conflicts(
            tender, current_user(), chosen, note=form.note.data or "", now=clock.now()
        )

    if form.validate_on_submit() and recording.attempt(form, declare, _("Uw verklaring is vastgelegd.")):
        return redirect(url_for("assessment.assessor_tender", tender_id=tender.id))
    status = 422 if form.errors or form.is_submitted() else 200
    page = render_template(
        "assessment/declare.html", tender=tender, form=form, existing=existing, opened=opened
    )
    return page, status


@bp.get("/<int:tender_id>/inschrijvingen")
def assessor_tender(tender_id: int) -> str:
    tender = access.get_or_404(Tender, tender_id, "assessment.assess_tender")
    return render_template("assessment/assessor_tender.html", **views.assessor_tender(tender, current_user()))


@bp.get("/inschrijving/<int:submission_id>")
def score_page(submission_id: int) -> str:
    submission, code = _opened_submission(submission_id, "assessment.score_submission")
    service.view_submission(submission, purpose="score")
    return render_template("assessment/score.html", **views.score_page(submission, code, current_user(), {}))


@bp.post("/inschrijving/<int:submission_id>/<int:criterion_id>")
def submit_score(submission_id: int, criterion_id: int) -> Page:
    submission, code = _opened_submission(submission_id, "assessment.score_submission")
    criterion = queries.record_or_404(AwardCriterion, criterion_id)
    form = views.score_form(criterion, forms.ScoreForm(prefix=f"c{criterion.id}"))
    if form.validate_on_submit() and recording.record_score(submission, criterion, form):
        return redirect(url_for("assessment.score_page", submission_id=submission.id) + f"#c{criterion.id}")
    page = views.score_page(submission, code, current_user(), {criterion.id: form})
    return render_template("assessment/score.html", **page), 422


# --- buyer: opening -----------------------------------------------------------------------------


@bp.get("/beheer")
@access.guard("assessment.manage")
def manage_index() -> str:
    return render_template("assessment/manage_index.html", tenders=queries.tenders_for_buyer())


@bp.get("/beheer/<int:tender_id>")
def opening(tender_id: int) -> Page:
    tender = access.get_or_404(Tender, tender_id, "assessment.manage")
    service.view_tender(tender, purpose="opening")
    return render_template("assessment/opening.html", **views.opening(tender, forms.OpeningForm()))


@bp.post("/beheer/<int:tender_id>/openen")
@second_factor.recent_required  # a sensitive action: the second factor again after 15 minutes
def open_bids(tender_id: int) -> Page:
    tender = access.get_or_404(Tender, tender_id, "assessment.manage")
    form = forms.OpeningForm()
    if form.validate_on_submit():
        window = queries.record(AdmissionWindow, form.window.data)
        if window is not None and window.tender_id != tender.id:
            abort(404)
        try:
            opening = service.confirm_opening(tender, current_user(), window=window, now=clock.now())
        except AssessmentRefused as refusal:
            show_refusal(form, refusal, elsewhere="flash")
        else:
            if opening.opened_at:
                checking.index_answers(tender, opened.of(tender), now=clock.now())
                flash(_("De inschrijvingen zijn geopend."), "success")
            else:
                flash(
                    _("Uw bevestiging is vastgelegd. Een tweede inkoper moet binnen 10 minuten bevestigen."),
                    "success",
                )
            return redirect(url_for("assessment.opening", tender_id=tender.id))
    return render_template("assessment/opening.html", **views.opening(tender, form)), 422


# --- buyer: assessors and conflicts ---------------------------------------------------------------


@bp.route("/beheer/<int:tender_id>/beoordelaars", methods=["GET", "POST"])
def assessors(tender_id: int) -> Page:
    tender = access.get_or_404(Tender, tender_id, "assessment.manage")
    form = views.appoint_form(tender)

    def appoint() -> object:
        assessor, criterion = (
            queries.record(User, form.user.data),
            queries.record(AwardCriterion, form.criterion.data),
        )
        return service.appoint_assessor(tender, assessor, criterion=criterion, by=current_user())

    if form.validate_on_submit() and recording.attempt(form, appoint, _("De beoordelaar is benoemd.")):
        return redirect(url_for("assessment.assessors", tender_id=tender.id))
    status = 422 if form.is_submitted() else 200
    return render_template("assessment/assessors.html", **views.assessors(tender, form)), status


# --- buyer: requirement checks --------------------------------------------------------------------


@bp.get("/beheer/inschrijving/<int:submission_id>/eisen")
def requirements(submission_id: int) -> str:
    submission, code = _opened_submission(submission_id, "assessment.manage")
    service.view_submission(submission, purpose="requirements")
    return render_template("assessment/requirements.html", **views.requirements(submission, code, {}))


@bp.post("/beheer/inschrijving/<int:submission_id>/eisen/<int:requirement_id>")
def check_requirement(submission_id: int, requirement_id: int) -> Page:
    submission, code = _opened_submission(submission_id, "assessment.manage")
    requirement = queries.record_or_404(Requirement, requirement_id)
    form = forms.CheckForm(prefix=f"r{requirement.id}")
    if form.validate_on_submit() and recording.record_check(submission, requirement, form):
        return redirect(
            url_for("assessment.requirements", submission_id=submission.id) + f"#r{requirement.id}"
        )
    page = views.requirements(submission, code, {requirement.id: form})
    return render_template("assessment/requirements.html", **page), 422


# --- buyer: consensus -----------------------------------------------------------------------------


@bp.get("/beheer/<int:tender_id>/consensus")
def consensus(tender_id: int) -> str:
    tender = access.get_or_404(Tender, tender_id, "assessment.manage")
    service.view_tender(tender, purpose="consensus")
    criterion = consensus_list.criterion_of(tender, request.args)
    if criterion is None and request.args.get("criterium"):
        abort(404)
    return render_template(
        "assessment/consensus.html", **consensus_list.page(tender, criterion, request.args)
    )


@bp.route("/beheer/inschrijving/<int:submission_id>/consensus/<int:criterion_id>", methods=["GET", "POST"])
def consensus_item(submission_id: int, criterion_id: int) -> Page:
    submission, code = _opened_submission(submission_id, "assessment.manage")
    criterion = queries.record_or_404(AwardCriterion, criterion_id)
    if criterion not in queries.criteria_of(submission):
        abort(404)
    form = forms.ConsensusForm(obj=queries.consensus(submission.id, criterion.id))
    if (
        "overnemen" in request.form
    ):  # the buyer accepts the internal note as the letter's text: shown, not saved
        form.external_motivation.data = form.motivation.data
        page = views.consensus_item(submission, code, criterion, form)
        return render_template("assessment/consensus_item.html", **page)

    def record() -> object:
        external = form.external_motivation.data or ""
        arguments = (submission, criterion, current_user(), *forms.scored(form))
        return service.record_consensus(*arguments, now=clock.now(), external=external)

    if form.validate_on_submit() and recording.attempt(form, record, _("De consensusscore is vastgelegd.")):
        tender_id = submission.bid.tender_id
        return redirect(
            url_for("assessment.consensus", tender_id=tender_id, criterium=criterion.id, alleen="open")
        )
    if not form.is_submitted():
        service.view_submission(submission, purpose="consensus")
    status = 422 if form.is_submitted() else 200
    return render_template(
        "assessment/consensus_item.html", **views.consensus_item(submission, code, criterion, form)
    ), status


# --- buyer: results and decisions -----------------------------------------------------------------


@bp.get("/beheer/<int:tender_id>/resultaten")
def results(tender_id: int) -> str:
    tender = access.get_or_404(Tender, tender_id, "assessment.manage")
    service.view_tender(tender, purpose="results")
    page = views.results(tender, request.args.get("perceel", type=record_id))
    if page is None:
        abort(404)
    return render_template("assessment/results.html", **page)


@bp.get("/beheer/<int:tender_id>/besluiten")
def decisions(tender_id: int) -> str:
    tender = access.get_or_404(Tender, tender_id, "assessment.manage")
    service.view_tender(tender, purpose="decisions")
    return render_template("assessment/decisions.html", **views.decisions(tender, request.args))


def _decision_action(tender: Tender, action: Callable[[], object], success: str) -> Page:
    form = forms.ActionForm()
    args = decision_list.Filter.from_args(request.args).args()
    if form.validate_on_submit():
        try:
            action()
        except AssessmentRefused as refusal:
            flash(str(refusal.message), "error")
        else:
            flash(success, "success")
            return redirect(url_for("assessment.decisions", tender_id=tender.id, **args))
    return render_template("assessment/decisions.html", **views.decisions(tender, request.args)), 422


@bp.post("/beheer/<int:tender_id>/besluiten/opstellen")
def draft_decisions(tender_id: int) -> Page:
    tender = access.get_or_404(Tender, tender_id, "assessment.manage")
    return _decision_action(
        tender,
        lambda: deciding.draft_decisions(tender, current_user(), now=clock.now()),
        _("De besluiten zijn opgesteld. Een tweede inkoper keurt ze goed."),
    )


@bp.route("/beheer/besluit/<int:decision_id>", methods=["GET", "POST"])
def edit_decision(decision_id: int) -> Page:
    decision = access.get_or_404(Decision, decision_id, "assessment.manage")
    form = forms.decision_form(decision)

    def edit() -> None:
        outcome, reason = DecisionOutcome(form.outcome.data), form.change_reason.data or ""
        motivation = form.motivation.data or ""
        deciding.edit_decision(
            decision, motivation, current_user(), now=clock.now(), outcome=outcome, reason=reason
        )

    done = _("Het besluit is aangepast. Een andere inkoper moet het opnieuw goedkeuren.")
    if form.validate_on_submit() and recording.attempt(form, edit, done):
        return redirect(url_for("assessment.decisions", tender_id=views.tender_of(decision).id))
    status = 422 if form.is_submitted() else 200
    return render_template("assessment/edit_decision.html", **views.edit_decision(decision, form)), status


@bp.post("/beheer/besluit/<int:decision_id>/goedkeuren")
@second_factor.recent_required  # a sensitive action: the second factor again after 15 minutes
def approve_decision(decision_id: int) -> Page:
    decision = access.get_or_404(Decision, decision_id, "assessment.manage")
    return _decision_action(
        views.tender_of(decision),
        lambda: deciding.approve_decision(decision, current_user(), now=clock.now()),
        _("Het besluit is goedgekeurd."),
    )


@bp.post("/beheer/<int:tender_id>/besluiten/goedkeuren")
@second_factor.recent_required  # a sensitive action: the second factor again after 15 minutes
def approve_all(tender_id: int) -> Page:
    tender = access.get_or_404(Tender, tender_id, "assessment.manage")
    counts: list[tuple[int, int]] = []
    chosen = decision_list.matching_ids(tender, decision_list.Filter.from_args(request.args))
    page = _decision_action(
        tender,
        lambda: counts.append(deciding.approve_all(tender, current_user(), now=clock.now(), ids=chosen)),
        _("De besluiten zijn goedgekeurd."),
    )
    if counts and counts[0][1]:
        flash(
            _("%(n)s besluiten heeft u zelf opgesteld: die keurt een andere inkoper goed.", n=counts[0][1]),
            "warning",
        )
    return page


@bp.post("/beheer/<int:tender_id>/verzenden")
@second_factor.recent_required  # a sensitive action: the second factor again after 15 minutes
def send_decisions(tender_id: int) -> Page:
    tender = access.get_or_404(Tender, tender_id, "assessment.manage")
    return _decision_action(
        tender,
        lambda: deciding.start_sending(tender, current_user()),
        _("De besluiten worden op de achtergrond verzonden; de voortgang staat hieronder."),
    )
