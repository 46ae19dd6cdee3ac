"""Routes of scoring per criterion: the same criterion, bid after bid, blind, with progress."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for

from portal import access
from portal.assessment import bp, forms, recording, service, views_scoring
from portal.models import AwardCriterion, BidSubmission, Tender
from portal.web import Page, current_user


def _round(
    tender_id: int, criterion_id: int
) -> tuple[Tender, AwardCriterion, views_scoring.Round, BidSubmission | None]:
    """The tender, the criterion this assessor is appointed for, his round of bids and the bid asked for."""
    tender = access.get_or_404(Tender, tender_id, "assessment.assess_tender")
    criterion = views_scoring.criterion_of(tender, criterion_id, current_user())
    if criterion is None:
        abort(404)
    found = views_scoring.round_of(tender, criterion, current_user())
    submission = views_scoring.current(found, request.args.get("nr"))
    if submission is not None:
        access.get_or_404(BidSubmission, submission.id, "assessment.score_submission")
    return tender, criterion, found, submission


@bp.route("/<int:tender_id>/criterium/<int:criterion_id>", methods=["GET", "POST"])
def score_criterion(tender_id: int, criterion_id: int) -> Page:
    tender, criterion, found, submission = _round(tender_id, criterion_id)
    form = forms.ScoreForm(prefix=f"c{criterion.id}")
    if submission and form.validate_on_submit() and recording.record_score(submission, criterion, form):
        nr = found.next_after(submission.id)
        return redirect(
            url_for("assessment.score_criterion", tender_id=tender.id, criterion_id=criterion.id, nr=nr)
        )
    if submission and request.method == "GET":
        service.view_submission(submission, purpose="score")
    status = 422 if request.method == "POST" else 200
    page = views_scoring.page(
        tender, criterion, current_user(), found, submission, form if status == 422 else None
    )
    return render_template("assessment/score_criterion.html", **page), status
