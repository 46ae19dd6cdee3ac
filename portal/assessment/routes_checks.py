"""Routes of the requirement checks across bids: per requirement, filtered and paged, "met" in bulk,
one check with its motivation, and the evidence a provider submitted."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal import access, audit, clock, uploads
from portal.assessment import bp, checking, checklist, opened, recording, service, views_checks
from portal.assessment.service import AssessmentRefused
from portal.models import BidSubmission, Requirement, Tender
from portal.web import Page, current_user


def _tender_requirement(tender_id: int, requirement_id: int) -> tuple[Tender, Requirement]:
    tender = access.get_or_404(Tender, tender_id, "assessment.manage")
    requirement = access.get_or_404(Requirement, requirement_id, "assessment.manage")
    if requirement.tender_id != tender.id:
        abort(404)
    return tender, requirement


def _released(tender: Tender, purpose: str) -> opened.OpenedSubmissions:
    """The opened bids; their answers are copied (and knock-outs proposed) on first sight."""
    released = opened.of(tender)
    checking.index_answers(tender, released, now=clock.now())
    service.view_tender(tender, purpose=purpose)
    return released


@bp.get("/beheer/<int:tender_id>/eisen")
def requirement_overview(tender_id: int) -> str:
    tender = access.get_or_404(Tender, tender_id, "assessment.manage")
    page = views_checks.overview(tender, _released(tender, "requirements"))
    return render_template("assessment/requirement_overview.html", **page)


@bp.get("/beheer/<int:tender_id>/eisen/<int:requirement_id>")
def requirement_checks(tender_id: int, requirement_id: int) -> str:
    tender, requirement = _tender_requirement(tender_id, requirement_id)
    released = _released(tender, "requirements")
    page = views_checks.requirement_list(tender, requirement, released, request.args)
    return render_template("assessment/requirement_checks.html", **page)


@bp.post("/beheer/<int:tender_id>/eisen/<int:requirement_id>/voldaan")
def mark_met(tender_id: int, requirement_id: int) -> Response:
    tender, requirement = _tender_requirement(tender_id, requirement_id)
    form, flt = views_checks.bulk_form(), checklist.Filter.from_args(request.args)
    back = url_for("assessment.requirement_checks", tender_id=tender.id, requirement_id=requirement.id)
    if not form.validate_on_submit():
        flash(_("Het formulier was verlopen. Probeer het opnieuw."), "error")
        return redirect(back)
    chosen = views_checks.chosen(requirement, _released(tender, "requirements"), form, flt)
    try:
        marked, left = checking.mark_met(tender, requirement, chosen, by=current_user(), now=clock.now())
    except AssessmentRefused as refusal:
        flash(str(refusal.message), "error")
    else:
        flash(_("%(n)s inschrijvingen voldoen aan deze eis.", n=marked), "success")
        if left:
            flash(views_checks.left_message(left), "warning")
    return redirect(
        url_for(
            "assessment.requirement_checks", **flt.args(), tender_id=tender.id, requirement_id=requirement.id
        )
    )


@bp.route("/beheer/<int:tender_id>/eisen/<int:requirement_id>/<int:submission_id>", methods=["GET", "POST"])
def check_one(tender_id: int, requirement_id: int, submission_id: int) -> Page:
    tender, requirement = _tender_requirement(tender_id, requirement_id)
    submission, code = _submission(tender, submission_id)
    form = views_checks.check_form(
        submission.id, requirement.id, request.form if request.method == "POST" else None
    )
    if form.validate_on_submit() and recording.record_check(submission, requirement, form):
        args = checklist.Filter.from_args(request.args).args()
        return redirect(
            url_for(
                "assessment.requirement_checks", **args, tender_id=tender.id, requirement_id=requirement.id
            )
        )
    if request.method == "GET":
        service.view_submission(submission, purpose="requirements")
    status = 422 if form.is_submitted() else 200
    page = views_checks.check_one(requirement, submission, code, form, request.args)
    return render_template("assessment/check_one.html", **page), status


def _submission(tender: Tender, submission_id: int) -> tuple[BidSubmission, str]:
    submission = access.get_or_404(BidSubmission, submission_id, "assessment.manage")
    found, code = opened.submission_or_404(submission.id)
    if found.bid.tender_id != tender.id:
        abort(404)
    return found, code


@bp.get("/beheer/inschrijving/<int:submission_id>/bewijs/<int:evidence_id>")
def submitted_evidence(submission_id: int, evidence_id: int) -> Response:
    submission = access.get_or_404(BidSubmission, submission_id, "assessment.manage")
    submission, _code = opened.submission_or_404(submission.id)
    evidence = views_checks.evidence_file(submission, evidence_id)
    if evidence is None:
        abort(404)
    audit.record("assessment.download_evidence", evidence, submission=submission.id)
    return uploads.send(evidence.stored_name, evidence.original_name, evidence.content_type)
