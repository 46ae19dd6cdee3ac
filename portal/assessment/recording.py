"""Form submissions that the per-bid pages and the across-bids pages share: record what the form says,
or show the refusal next to its field. True when it was recorded (the route then redirects)."""

from __future__ import annotations

from flask import flash
from flask_babel import gettext as _

from portal import clock
from portal.assessment import forms, service
from portal.assessment.service import AssessmentRefused
from portal.models import AwardCriterion, BidSubmission, Requirement
from portal.web import current_user, show_refusal


def record_score(submission: BidSubmission, criterion: AwardCriterion, form: forms.ScoreForm) -> bool:
    try:
        service.submit_score(submission, criterion, current_user(), *forms.scored(form), now=clock.now())
    except AssessmentRefused as refusal:
        show_refusal(form, refusal, elsewhere="flash")
        return False
    flash(_("Uw beoordeling is vastgelegd."), "success")
    return True


def record_check(submission: BidSubmission, requirement: Requirement, form: forms.CheckForm) -> bool:
    arguments = forms.check_arguments(form)
    try:
        service.check_requirement(submission, requirement, **arguments, by=current_user(), now=clock.now())
    except AssessmentRefused as refusal:
        show_refusal(form, refusal, elsewhere="flash")
        return False
    flash(_("De beoordeling van de eis is vastgelegd."), "success")
    return True
