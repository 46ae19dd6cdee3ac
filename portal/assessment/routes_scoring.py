"""Routes of scoring per criterion: the same criterion, bid after bid, blind, with progress."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal import access, clock
from portal.assessment import bp, forms, service, views_scoring
from portal.assessment.service import AssessmentRefused
from portal.models import BidSubmission, Tender
from portal.web import Page, current_user, show_refusal


@bp.route("/<int:tender_id>/criterium/<int:criterion_id>", methods=["GET", "POST"])
def score_criterion(tender_id: int, criterion_id: int) -> Page:
    tender = access.get_or_404(Tender, tender_id, "assessment.assess_tender")
    criterion = views_scoring.criterion_of(tender, criterion_id, current_user())
    if criterion is None:
        abort(404)
    found = views_scoring.round_of(tender, criterion, current_user())
    submission = views_scoring.current(found, request.args.get("nr"))
    if submission is not None:
        access.get_or_404(BidSubmission, submission.id, "assessment.score_submission")
    form = forms.ScoreForm(prefix=f"c{criterion.id}")
    if submission is not None and request.method == "POST" and form.validate_on_submit():
        try:
            service.submit_score(
                submission,
                criterion,
                current_user(),
                form.value.data or "",
                form.motivation.data or "",
                now=clock.now(),
            )
        except AssessmentRefused as refusal:
            show_refusal(form, refusal, elsewhere="flash")
        else:
            flash(_("Uw beoordeling is vastgelegd."), "success")
            after = found.ids.index(submission.id) + 1
            found.scored.add(submission.id)
            nr = found.first_open(after=after)
            return redirect(
                url_for("assessment.score_criterion", tender_id=tender.id, criterion_id=criterion.id, nr=nr)
            )
    if submission is not None and request.method == "GET":
        service.view_submission(submission, purpose="score")
    status = 422 if request.method == "POST" else 200
    page = views_scoring.page(
        tender, criterion, current_user(), found, submission, form if status == 422 else None
    )
    return render_template("assessment/score_criterion.html", **page), status
