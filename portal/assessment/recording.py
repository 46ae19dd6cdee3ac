"""Form submissions that the per-bid pages and the across-bids pages share: record what the form says,
or show the refusal next to its field. True when it was recorded (the route then redirects)."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from portal import clock
from portal.assessment import forms, service
from portal.assessment.service import AssessmentRefused
from portal.models import AwardCriterion, BidSubmission, Requirement
from portal.web import current_user, show_refusal


def attempt(form: FlaskForm, action: Callable[[], object], success: str) -> bool:
    """Run the state change; a refusal goes next to its field (or is flashed), success is flashed."""
    try:
        action()
    except AssessmentRefused as refusal:
        show_refusal(form, refusal, elsewhere="flash")
        return False
    flash(success, "success")
    return True


def record_score(submission: BidSubmission, criterion: AwardCriterion, form: forms.ScoreForm) -> bool:
    def submit() -> object:
        return service.submit_score(
            submission, criterion, current_user(), *forms.scored(form), now=clock.now()
        )

    return attempt(form, submit, _("Uw beoordeling is vastgelegd."))


def record_check(submission: BidSubmission, requirement: Requirement, form: forms.CheckForm) -> bool:
    def check() -> object:
        arguments = forms.check_arguments(form)
        return service.check_requirement(
            submission, requirement, **arguments, by=current_user(), now=clock.now()
        )

    return attempt(form, check, _("De beoordeling van de eis is vastgelegd."))
