"""State changes of the assessment: opening, assessors, checks, clarifications, scores, decisions.

Each function validates, mutates, flushes and audits; the request boundary commits. A refusal is an
AssessmentRefused whose `message` is the Dutch text the route shows next to the field.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import gettext as _

from portal import audit, mail, sealed
from portal.assessment import opened, queries, rules
from portal.extensions import db
from portal.models import (
    AdmissionWindow,
    AssessorAppointment,
    AwardCriterion,
    BidSubmission,
    Clarification,
    ConflictDeclaration,
    Opening,
    Organisation,
    Procedure,
    Requirement,
    RequirementCheck,
    RequirementOutcome,
    Role,
    Score,
    ScoreKind,
    Tender,
    User,
)
from portal.refusals import DomainRefusal


class AssessmentRefused(DomainRefusal):
    """A refusal with the message for the person (and the form field it belongs to, when there is one)."""


def _opening_message(reason: str) -> str:
    return {
        "not_closed": _(
            "De termijn is nog niet verstreken: de inschrijvingen kunnen nog niet worden geopend."
        ),
        "same_buyer": _(
            "U heeft de opening al bevestigd. Een tweede, andere inkoper moet binnen 10 minuten bevestigen."
        ),
    }.get(reason, reason)


# --- opening ------------------------------------------------------------------------------------


def confirm_opening(
    tender: Tender, user: User, *, window: AdmissionWindow | None = None, now: datetime
) -> Opening:
    """A buyer confirms the opening; for an aanbesteding a second buyer must confirm within 10 minutes."""
    two_person = tender.procedure is not Procedure.OPEN_HOUSE
    if not two_person and window is None:
        raise AssessmentRefused(_("Kies de toelatingsronde die u opent."), "window")
    closes_at = window.closes_at if window else tender.submission_deadline
    queries.lock_tender(tender)
    opening = queries.pending_opening(tender, window.id if window else None)
    if opening is not None and opening.opened_at is not None:
        raise AssessmentRefused(_("Deze inschrijvingen zijn al geopend."))
    first = rules.Confirmation(opening.first_by_id, opening.first_at) if opening else None
    try:
        step = rules.opening_step(
            two_person=two_person, closes_at=closes_at, first=first, user_id=user.id, now=now
        )
    except rules.OpeningRefused as refusal:
        raise AssessmentRefused(_opening_message(refusal.reason)) from refusal
    if opening is None or step is rules.OpeningStep.FIRST:
        opening = opening or Opening(tender_id=tender.id, admission_window_id=window.id if window else None)
        opening.first_by_id, opening.first_at = user.id, now
        opening.second_by_id = opening.second_at = None
        db.session.add(opening)
    if step is rules.OpeningStep.OPENED:
        if two_person:
            opening.second_by_id, opening.second_at = user.id, now
        opening.opened_at = now
    db.session.flush()
    audit.record("assessment.open", tender, actor=user, step=step.value, window=window.id if window else "")
    return opening


# --- assessors and conflicts of interest --------------------------------------------------------


def appoint_assessor(
    tender: Tender, assessor: User | None, *, criterion: AwardCriterion | None, by: User
) -> AssessorAppointment:
    if assessor is None:
        raise AssessmentRefused(_("Kies een beoordelaar."), "user")
    if not assessor.has_role(Role.ASSESSOR) or not assessor.is_active:
        raise AssessmentRefused(_("Deze persoon heeft geen actieve rol als beoordelaar."), "user")
    if criterion is not None and criterion.tender_id != tender.id:
        raise AssessmentRefused(_("Dit gunningscriterium hoort niet bij dit inkooptraject."), "criterion")
    for existing in queries.appointments(tender):
        if existing.user_id == assessor.id and existing.criterion_id in (
            None,
            getattr(criterion, "id", None),
        ):
            raise AssessmentRefused(_("Deze beoordelaar is hiervoor al benoemd."), "user")
    appointment = AssessorAppointment(
        tender_id=tender.id,
        user_id=assessor.id,
        criterion_id=getattr(criterion, "id", None),
        appointed_by_id=by.id,
    )
    db.session.add(appointment)
    db.session.flush()
    audit.record("assessment.appoint", appointment, actor=by, tender=tender.id, assessor=assessor.id)
    return appointment


def declare_conflicts(
    tender: Tender, user: User, organisations: list[Organisation], *, note: str, now: datetime
) -> ConflictDeclaration:
    """No conflict of interest (empty list), or the organisations concerned: never shown their bids.

    Declared once the bids are opened (before that nobody may learn who bid), before the first is shown.
    """
    if not sealed.tender_bidders_visible(tender, now=now):
        raise AssessmentRefused(_("U legt de verklaring af zodra de inschrijvingen zijn geopend."))
    declaration = queries.declaration(tender.id, user.id)
    if declaration is None:
        declaration = ConflictDeclaration(tender_id=tender.id, user_id=user.id)
        db.session.add(declaration)
    elif not {o.id for o in declaration.organisations} <= {o.id for o in organisations}:
        raise AssessmentRefused(
            _("Een eerder genoemde organisatie kan niet worden geschrapt; neem contact op met de inkoper."),
            "organisations",
        )
    declaration.organisations = list(organisations)
    declaration.note = note
    declaration.declared_at = now
    db.session.flush()
    audit.record(
        "assessment.declare", declaration, actor=user, tender=tender.id, conflicts=len(organisations)
    )
    return declaration


# --- requirement checks and clarifications ------------------------------------------------------


def check_requirement(
    submission: BidSubmission,
    requirement: Requirement,
    outcome: RequirementOutcome,
    *,
    note: str,
    by: User,
    now: datetime,
    question: str = "",
    response_deadline: datetime | None = None,
) -> RequirementCheck:
    if requirement not in queries.requirements_of(submission):
        raise AssessmentRefused(_("Deze eis hoort niet bij deze inschrijving."))
    _refuse_when_decided(submission)
    check = queries.checks(submission.id).get(requirement.id) or RequirementCheck(
        submission_id=submission.id, requirement_id=requirement.id, proposed=False
    )
    if rules.needs_motivation(outcome.value, overrides_proposal=check.proposed) and not note.strip():
        raise AssessmentRefused(_("Schrijf de motivering van deze beoordeling."), "note")
    if outcome is RequirementOutcome.CLARIFICATION:
        _ask_clarification(submission, requirement, question, response_deadline, by=by, now=now)
    check.outcome, check.note, check.checked_at, check.checked_by_id = outcome, note.strip(), now, by.id
    check.proposed = False
    db.session.add(check)
    db.session.flush()
    audit.record(
        "assessment.check_requirement",
        check,
        actor=by,
        submission=submission.id,
        result=outcome.value,
        proposal=check.flag_reason,
    )
    return check


def _ask_clarification(
    submission: BidSubmission,
    requirement: Requirement,
    question: str,
    deadline: datetime | None,
    *,
    by: User,
    now: datetime,
) -> Clarification:
    if not question.strip():
        raise AssessmentRefused(_("Schrijf de vraag aan de zorgaanbieder."), "question")
    if deadline is None or deadline <= now:
        raise AssessmentRefused(_("Kies een reactietermijn in de toekomst."), "response_deadline")
    clarification = Clarification(
        submission_id=submission.id,
        requirement_id=requirement.id,
        question=question.strip(),
        response_deadline=deadline,
        asked_at=now,
        asked_by_id=by.id,
    )
    db.session.add(clarification)
    db.session.flush()
    for user in submission.bid.organisation.users:
        if user.is_active and user.is_provider:
            mail.queue(
                user.email,
                _("Verzoek om verduidelijking: %(ref)s", ref=submission.bid.tender.reference),
                "assessment_clarification",
                dedupe_key=f"clarification-{clarification.id}-{user.id}",
                clarification=clarification,
                tender=submission.bid.tender,
            )
    audit.record("assessment.ask_clarification", clarification, actor=by, submission=submission.id)
    return clarification


def answer_clarification(clarification: Clarification, user: User, answer: str, *, now: datetime) -> None:
    """The provider's answer is added beside the submission; the submitted content never changes."""
    if clarification.answer is not None:
        raise AssessmentRefused(_("Deze vraag is al beantwoord."), "answer")
    if now > clarification.response_deadline:
        raise AssessmentRefused(_("De reactietermijn is verstreken."), "answer")
    if not answer.strip():
        raise AssessmentRefused(_("Schrijf uw antwoord."), "answer")
    clarification.answer, clarification.answered_at, clarification.answered_by_id = (
        answer.strip(),
        now,
        user.id,
    )
    db.session.flush()
    audit.record(
        "assessment.answer_clarification", clarification, actor=user, submission=clarification.submission_id
    )


# --- scores -------------------------------------------------------------------------------------


def _parse(value: str | Decimal, field: str) -> Decimal:
    try:
        return Decimal(str(value).replace(",", ".")).quantize(rules.CENT)
    except (InvalidOperation, ValueError) as error:
        raise AssessmentRefused(_("Vul een getal in."), field) from error


def submit_score(
    submission: BidSubmission,
    criterion: AwardCriterion,
    assessor: User,
    value: str | Decimal,
    motivation: str,
    *,
    now: datetime,
) -> Score:
    """An assessor's own score on the criterion's scale, with a motivation; submitted once."""
    _refuse_foreign_criterion(submission, criterion)
    _refuse_not_assessing(submission, criterion, assessor)
    number = _parse(value, "value")
    if number not in rules.scale_values(criterion.scale):
        raise AssessmentRefused(_("Kies een score van de schaal."), "value")
    text = _motivated(motivation)
    score = Score(submission_id=submission.id, criterion_id=criterion.id, assessor_id=assessor.id)
    score.kind, score.value, score.motivation, score.submitted_at = ScoreKind.INDIVIDUAL, number, text, now
    return _stored(score, "assessment.score", assessor)


def _refuse_foreign_criterion(submission: BidSubmission, criterion: AwardCriterion) -> None:
    if criterion not in queries.criteria_of(submission):
        raise AssessmentRefused(_("Dit criterium hoort niet bij deze inschrijving."))


def _refuse_not_assessing(submission: BidSubmission, criterion: AwardCriterion, assessor: User) -> None:
    if criterion not in queries.assessor_criteria(submission.bid.tender, assessor.id):
        raise AssessmentRefused(_("U bent niet benoemd voor dit gunningscriterium."))
    if assessor.id not in queries.required_assessors(submission, criterion):
        raise AssessmentRefused(_("U beoordeelt deze inschrijving niet."))
    if any(s.assessor_id == assessor.id for s in queries.individual_scores(submission.id, criterion.id)):
        raise AssessmentRefused(_("U heeft dit criterium voor deze inschrijving al beoordeeld."))


def _motivated(motivation: str) -> str:
    if not motivation.strip():
        raise AssessmentRefused(_("Een motivering is verplicht."), "motivation")
    return motivation.strip()


def _stored(score: Score, action: str, actor: User) -> Score:
    db.session.add(score)
    db.session.flush()
    audit.record(action, score, actor=actor, submission=score.submission_id, criterion=score.criterion_id)
    return score


def record_consensus(
    submission: BidSubmission,
    criterion: AwardCriterion,
    buyer: User,
    value: str | Decimal,
    motivation: str,
    *,
    now: datetime,
    external: str | None = None,
) -> Score:
    """The consensus score, only when every appointed assessor has scored this criterion of this bid.

    `motivation` is the team's internal note; `external` the letter's text (None: left as it was). The
    note is never copied into the letter: a buyer writes the external text or accepts the note as it.
    """
    _refuse_foreign_criterion(submission, criterion)
    if not queries.complete(submission, criterion):
        raise AssessmentRefused(_("Nog niet alle beoordelaars hebben dit criterium beoordeeld."), "value")
    _refuse_when_decided(submission)
    number, scale = _parse(value, "value"), rules.scale_values(criterion.scale)
    if not scale[0] <= number <= scale[-1]:
        raise AssessmentRefused(_("De score ligt buiten de schaal."), "value")
    text = _motivated(motivation)
    score = queries.consensus(submission.id, criterion.id) or Score(
        submission_id=submission.id, criterion_id=criterion.id, kind=ScoreKind.CONSENSUS
    )
    score.assessor_id, score.value, score.motivation, score.submitted_at = buyer.id, number, text, now
    if external is not None:
        score.external_motivation = external.strip() or None
    return _stored(score, "assessment.consensus", buyer)


def _refuse_when_decided(submission: BidSubmission) -> None:
    if queries.decisions_of(submission):
        raise AssessmentRefused(_("Over deze inschrijving is al een besluit opgesteld."))


def view_submission(submission: BidSubmission, *, purpose: str) -> None:
    audit.record("assessment.view_submission", submission, purpose=purpose)


def view_tender(tender: Tender, *, purpose: str) -> None:
    """Pages listing opened bids (names, hashes, scores) are recorded like a view of one bid."""
    if queries.is_opened(tender):
        audit.record("assessment.view_bids", tender, purpose=purpose)


def organisations_with_bids(tender: Tender, *, now: datetime) -> list[Organisation]:
    """The organisations whose opened submissions an assessor may be shown; none while sealed."""
    if not sealed.tender_bidders_visible(tender, now=now):
        return []
    ids = {row.organisation_id for row in opened.of(tender).rows}
    return list(
        db.session.scalars(
            sa.select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name)
        )
    )
