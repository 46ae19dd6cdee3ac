from tests.access.cases import OWN_PROVIDER, Case

BUYER = frozenset({"buyer"})
ASSESSOR = frozenset({"assessor"})


def _t(w):
    return w.assessment_tender.id


def _s(w):
    return w.assessed_submission.id


CASES = [
    # assessor: appointed to the tender, declared no conflict
    Case("assessment.index", lambda w: "/beoordeling/", ASSESSOR),
    Case("assessment.declare", lambda w: f"/beoordeling/{_t(w)}/verklaring", ASSESSOR),
    Case("assessment.assessor_tender", lambda w: f"/beoordeling/{_t(w)}/inschrijvingen", ASSESSOR),
    Case("assessment.score_page", lambda w: f"/beoordeling/inschrijving/{_s(w)}", ASSESSOR),
    Case(
        "assessment.submit_score",
        lambda w: f"/beoordeling/inschrijving/{_s(w)}/{w.assessment_criterion.id}",
        ASSESSOR,
        method="POST",
        note="empty form: 422",
    ),
    Case(
        "assessment.score_criterion",
        lambda w: f"/beoordeling/{_t(w)}/criterium/{w.assessment_criterion.id}",
        ASSESSOR,
    ),
    # buyer
    Case("assessment.manage_index", lambda w: "/beoordeling/beheer", BUYER),
    Case("assessment.opening", lambda w: f"/beoordeling/beheer/{_t(w)}", BUYER),
    Case("assessment.open_bids", lambda w: f"/beoordeling/beheer/{_t(w)}/openen", BUYER, method="POST"),
    Case("assessment.assessors", lambda w: f"/beoordeling/beheer/{_t(w)}/beoordelaars", BUYER),
    Case("assessment.requirements", lambda w: f"/beoordeling/beheer/inschrijving/{_s(w)}/eisen", BUYER),
    Case(
        "assessment.check_requirement",
        lambda w: f"/beoordeling/beheer/inschrijving/{_s(w)}/eisen/{w.assessment_requirement.id}",
        BUYER,
        method="POST",
    ),
    Case("assessment.requirement_overview", lambda w: f"/beoordeling/beheer/{_t(w)}/eisen", BUYER),
    Case(
        "assessment.requirement_checks",
        lambda w: f"/beoordeling/beheer/{_t(w)}/eisen/{w.assessment_requirement.id}",
        BUYER,
    ),
    Case(
        "assessment.mark_met",
        lambda w: f"/beoordeling/beheer/{_t(w)}/eisen/{w.assessment_requirement.id}/voldaan",
        BUYER,
        method="POST",
    ),
    Case(
        "assessment.check_one",
        lambda w: f"/beoordeling/beheer/{_t(w)}/eisen/{w.assessment_requirement.id}/{_s(w)}",
        BUYER,
    ),
    Case(
        "assessment.submitted_evidence",
        lambda w: f"/beoordeling/beheer/inschrijving/{_s(w)}/bewijs/{w.submitted_evidence_id}",
        BUYER,
    ),
    Case("assessment.consensus", lambda w: f"/beoordeling/beheer/{_t(w)}/consensus", BUYER),
    Case(
        "assessment.consensus_item",
        lambda w: f"/beoordeling/beheer/inschrijving/{_s(w)}/consensus/{w.assessment_criterion.id}",
        BUYER,
    ),
    Case("assessment.results", lambda w: f"/beoordeling/beheer/{_t(w)}/resultaten", BUYER),
    Case("assessment.decisions", lambda w: f"/beoordeling/beheer/{_t(w)}/besluiten", BUYER),
    Case(
        "assessment.draft_decisions",
        lambda w: f"/beoordeling/beheer/{_t(w)}/besluiten/opstellen",
        BUYER,
        method="POST",
    ),
    Case("assessment.edit_decision", lambda w: f"/beoordeling/beheer/besluit/{w.own_decision.id}", BUYER),
    Case(
        "assessment.approve_decision",
        lambda w: f"/beoordeling/beheer/besluit/{w.own_decision.id}/goedkeuren",
        BUYER,
        method="POST",
    ),
    Case(
        "assessment.approve_all",
        lambda w: f"/beoordeling/beheer/{_t(w)}/besluiten/goedkeuren",
        BUYER,
        method="POST",
        note="nothing waiting: 422",
    ),
    Case(
        "assessment.send_decisions", lambda w: f"/beoordeling/beheer/{_t(w)}/verzenden", BUYER, method="POST"
    ),
    # provider: own organisation only, another organisation gets 404
    Case("assessment.provider_decision", lambda w: f"/beoordeling/besluit/{_s(w)}", OWN_PROVIDER, owned=True),
    Case(
        "assessment.letter",
        lambda w: f"/beoordeling/besluit/brief/{w.own_decision.id}",
        OWN_PROVIDER,
        owned=True,
    ),
    Case(
        "assessment.answer_clarification",
        lambda w: f"/beoordeling/verduidelijking/{w.own_clarification.id}",
        OWN_PROVIDER,
        owned=True,
    ),
]
