"""Routes of the assessment for providers: their decisions, decision letters and clarifications."""

from __future__ import annotations

import io

from flask import abort, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal import access, audit, clock, uploads
from portal.assessment import bp, forms, letters, queries, recording, rules, service
from portal.models import BidSubmission, Clarification, Decision, Requirement
from portal.web import Page, current_user


@bp.get("/besluit/<int:submission_id>")
def provider_decision(submission_id: int) -> str:
    submission = access.get_or_404(BidSubmission, submission_id, "assessment.view_decision")
    found = queries.decisions_of(submission, sent_only=True)
    audit.record("assessment.view_decision", submission)
    return render_template(
        "assessment/provider_decision.html",
        submission=submission,
        decisions=found,
        lots={lot.id: lot for lot in submission.bid.tender.lots},
        clarifications=queries.clarifications(submission.id),
    )


@bp.get("/besluit/brief/<int:decision_id>")
def letter(decision_id: int) -> Response:
    decision = queries.record_or_404(Decision, decision_id)
    submission = queries.record_or_404(BidSubmission, decision.submission_id)
    access.require("assessment.view_decision", submission)
    if decision.sent_at is None or not decision.letter_stored_name:
        abort(404)
    audit.record("assessment.download_letter", decision)
    return send_file(
        io.BytesIO(letters.letter_path(decision).read_bytes()),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=uploads.safe_display_name(
            f"besluit-{submission.bid.tender.reference}-{decision.id}.pdf"
        ),
    )


@bp.route("/verduidelijking/<int:clarification_id>", methods=["GET", "POST"])
def answer_clarification(clarification_id: int) -> Page:
    clarification = queries.record_or_404(Clarification, clarification_id)
    submission = queries.record_or_404(BidSubmission, clarification.submission_id)
    access.require("assessment.answer_clarification", submission)
    form = forms.AnswerForm()

    def answer() -> None:
        service.answer_clarification(clarification, current_user(), form.answer.data or "", now=clock.now())

    if form.validate_on_submit() and recording.attempt(form, answer, _("Uw antwoord is verzonden.")):
        return redirect(url_for("assessment.answer_clarification", clarification_id=clarification.id))
    status = 422 if form.is_submitted() else 200
    requirement = queries.record(Requirement, clarification.requirement_id)
    return render_template(
        "assessment/answer_clarification.html",
        clarification=clarification,
        submission=submission,
        requirement=requirement,
        form=form,
        open=rules.clarification_open(
            clarification.response_deadline, clarification.answer is not None, now=clock.now()
        ),
    ), status
