"""The assessment's state changes against the real database: opening, conflicts, scores, decisions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from portal.assessment import deciding, opened, queries, results, service
from portal.assessment.service import AssessmentRefused
from portal.extensions import db
from portal.models import DecisionOutcome, Opening, Score
from tests import factories

from .conftest import build_scenario


def test_nothing_is_released_before_the_vault_is_opened(scenario):
    assert opened.of(scenario.tender).submissions == []
    assert opened.of(scenario.tender).codes == {}


def test_the_released_set_is_computed_when_asked_so_no_caller_has_to_clear_a_cache(app, scenario):
    """Within one request the set follows the openings as stored: an opening recorded by any path is
    seen at the next ask (the old per-request cache on `g` kept [] until the service cleared it)."""
    at = scenario.deadline + timedelta(hours=1)
    with app.test_request_context():
        assert opened.of(scenario.tender).submissions == []
        db.session.add(
            Opening(
                tender_id=scenario.tender.id, first_by_id=scenario.buyers[0].id, first_at=at, opened_at=at
            )
        )
        db.session.flush()
        released = opened.of(scenario.tender)
        assert len(released.submissions) == 3
        assert sorted(released.codes.values()) == ["001", "002", "003"]


def test_opening_before_the_deadline_is_refused(scenario):
    with pytest.raises(AssessmentRefused, match="nog niet verstreken"):
        service.confirm_opening(
            scenario.tender, scenario.buyers[0], now=scenario.deadline - timedelta(seconds=1)
        )
    assert db.session.query(Opening).count() == 0


def test_two_different_buyers_within_ten_minutes_open_the_vault(scenario):
    t = scenario.deadline + timedelta(hours=1)
    opening = service.confirm_opening(scenario.tender, scenario.buyers[0], now=t)
    assert opening.opened_at is None
    assert opened.of(scenario.tender).submissions == []
    opening = service.confirm_opening(scenario.tender, scenario.buyers[1], now=t + timedelta(minutes=10))
    assert opening.opened_at == t + timedelta(minutes=10)
    assert (opening.first_by_id, opening.second_by_id) == (scenario.buyers[0].id, scenario.buyers[1].id)
    assert len(opened.of(scenario.tender).submissions) == 3


def test_the_same_buyer_twice_does_not_open(scenario):
    t = scenario.deadline + timedelta(hours=1)
    service.confirm_opening(scenario.tender, scenario.buyers[0], now=t)
    with pytest.raises(AssessmentRefused, match="andere inkoper"):
        service.confirm_opening(scenario.tender, scenario.buyers[0], now=t + timedelta(minutes=1))
    assert opened.of(scenario.tender).submissions == []


def test_a_second_confirmation_after_ten_minutes_only_starts_again(scenario):
    t = scenario.deadline + timedelta(hours=1)
    service.confirm_opening(scenario.tender, scenario.buyers[0], now=t)
    opening = service.confirm_opening(
        scenario.tender, scenario.buyers[1], now=t + timedelta(minutes=10, seconds=1)
    )
    assert opening.opened_at is None
    assert opening.first_by_id == scenario.buyers[1].id
    assert opened.of(scenario.tender).submissions == []


def test_an_assessor_never_gets_a_bid_of_an_organisation_he_named(scenario):
    scenario.open()
    named = scenario.submissions[0].bid.organisation
    scenario.appoint_and_declare(conflicts={scenario.assessors[0].id: [named]})
    mine = opened.of(scenario.tender).for_assessor(scenario.assessors[0].id)
    assert scenario.submissions[0] not in mine
    assert len(mine) == 2
    with pytest.raises(AssessmentRefused):
        service.submit_score(
            scenario.submissions[0],
            scenario.criteria[0],
            scenario.assessors[0],
            "6",
            "x",
            now=scenario.deadline,
        )
    # and his score is not waited for: the other assessor alone completes that bid
    service.submit_score(
        scenario.submissions[0],
        scenario.criteria[0],
        scenario.assessors[1],
        "6",
        "Goed",
        now=scenario.deadline,
    )
    assert queries.complete(scenario.submissions[0], scenario.criteria[0])


def test_a_score_needs_a_scale_value_and_a_motivation_and_is_given_once(scenario):
    scenario.open()
    scenario.appoint_and_declare()
    sub, crit, assessor = scenario.submissions[0], scenario.criteria[0], scenario.assessors[0]
    with pytest.raises(AssessmentRefused, match="schaal"):
        service.submit_score(sub, crit, assessor, "5", "Goed", now=scenario.deadline)
    with pytest.raises(AssessmentRefused, match="motivering"):
        service.submit_score(sub, crit, assessor, "6", "  ", now=scenario.deadline)
    service.submit_score(sub, crit, assessor, "6", "Goed", now=scenario.deadline)
    with pytest.raises(AssessmentRefused, match="al beoordeeld"):
        service.submit_score(sub, crit, assessor, "8", "Toch beter", now=scenario.deadline)
    assert [s.value for s in queries.individual_scores(sub.id, crit.id)] == [Decimal("6.00")]


def test_consensus_only_when_every_assessor_has_scored(scenario):
    scenario.open()
    scenario.appoint_and_declare()
    sub, crit = scenario.submissions[0], scenario.criteria[0]
    service.submit_score(sub, crit, scenario.assessors[0], "6", "Goed", now=scenario.deadline)
    with pytest.raises(AssessmentRefused, match="Nog niet alle beoordelaars"):
        service.record_consensus(sub, crit, scenario.buyers[0], "6", "Eens", now=scenario.deadline)
    service.submit_score(sub, crit, scenario.assessors[1], "8", "Sterk", now=scenario.deadline)
    score = service.record_consensus(sub, crit, scenario.buyers[0], "7", "Midden", now=scenario.deadline)
    assert score.value == Decimal("7.00")
    assert db.session.query(Score).filter_by(kind="consensus").count() == 1


def _decide(s, values, not_met=frozenset()):
    s.open()
    s.appoint_and_declare()
    s.score_all(values)
    s.check_all(not_met)
    deciding.draft_decisions(s.tender, s.buyers[0], now=s.deadline + timedelta(hours=3))
    db.session.commit()
    return {(d.submission_id): d for d in queries.decisions(s.tender)}


def test_decisions_follow_knockouts_minimums_and_the_cap(app):
    s = build_scenario(bids=4, max_providers=2)
    a, b, c, d = (x.id for x in s.submissions)
    decisions = _decide(s, {a: [8, 6], b: [10, 10], c: [2, 10], d: [8, 8]}, not_met={b})
    assert decisions[b].outcome is DecisionOutcome.REJECTED
    assert "knock-outeis" in decisions[b].motivation
    assert "VOG ontbreekt" in decisions[b].motivation
    assert decisions[c].outcome is DecisionOutcome.REJECTED
    assert "minimumscore is 4,00" in decisions[c].motivation
    assert decisions[d].outcome is DecisionOutcome.ADMITTED
    assert "plaats 1" in decisions[d].motivation
    assert decisions[a].outcome is DecisionOutcome.ADMITTED
    assert "plaats 2" in decisions[a].motivation
    result = results.per_lot(s.tender)[0]
    assert {o.submission_id: o.total for o in result.outcomes} == {
        d: Decimal("8.00"),
        a: Decimal("7.20"),
        c: Decimal("5.20"),
        b: Decimal("10.00"),
    }


def test_equal_totals_go_to_the_earliest_submission(app):
    s = build_scenario(bids=2, max_providers=1)
    first, second = s.submissions
    decisions = _decide(s, {first.id: [8, 6], second.id: [8, 6]})
    assert decisions[first.id].outcome is DecisionOutcome.ADMITTED
    assert decisions[second.id].outcome is DecisionOutcome.REJECTED
    assert "plaats 2" in decisions[second.id].motivation


def test_the_drafting_buyer_cannot_approve_his_own_decision(app):
    s = build_scenario(bids=1)
    decision = _decide(s, {s.submissions[0].id: [8, 8]})[s.submissions[0].id]
    with pytest.raises(AssessmentRefused, match="tweede inkoper"):
        deciding.approve_decision(decision, s.buyers[0], now=s.deadline)
    deciding.approve_decision(decision, s.buyers[1], now=s.deadline)
    assert decision.approved_by_id == s.buyers[1].id
    # an edit makes the editor the drafter and asks for a new approval
    deciding.edit_decision(decision, "Aangepaste motivering", s.buyers[1], now=s.deadline)
    assert decision.approved_at is None
    with pytest.raises(AssessmentRefused, match="tweede inkoper"):
        deciding.approve_decision(decision, s.buyers[1], now=s.deadline)
    deciding.approve_decision(decision, s.buyers[0], now=s.deadline)


def test_sending_requires_every_decision_approved(app):
    s = build_scenario(bids=1)
    _decide(s, {s.submissions[0].id: [8, 8]})
    with pytest.raises(AssessmentRefused, match="goedgekeurd"):
        deciding.send_decisions(s.tender, s.buyers[0], now=s.deadline)


def test_a_clarification_answer_is_kept_beside_the_unchanged_submission(scenario):
    from portal.models import RequirementOutcome

    scenario.open()
    sub = scenario.submissions[0]
    content_before, hash_before = dict(sub.content), sub.sha256
    now = scenario.deadline + timedelta(hours=2)
    service.check_requirement(
        sub,
        scenario.knockout,
        RequirementOutcome.CLARIFICATION,
        note="",
        by=scenario.buyers[0],
        now=now,
        question="Kunt u de VOG van 2026 sturen?",
        response_deadline=now + timedelta(days=3),
    )
    clarification = queries.clarifications(sub.id)[0]
    provider = sub.bid.organisation.users[0]
    with pytest.raises(AssessmentRefused, match="verstreken"):
        service.answer_clarification(clarification, provider, "Te laat", now=now + timedelta(days=4))
    service.answer_clarification(
        clarification, provider, "Ja, zie de VOG van maart.", now=now + timedelta(days=1)
    )
    db.session.commit()
    db.session.refresh(sub)
    assert clarification.answer == "Ja, zie de VOG van maart."
    assert sub.content == content_before
    assert sub.sha256 == hash_before


def test_an_assessor_appointed_for_one_criterion_scores_only_that_one(app):
    s = build_scenario(bids=1)
    s.open()
    first, second = s.criteria
    specialist, generalist = s.assessors
    service.appoint_assessor(s.tender, specialist, criterion=first, by=s.buyers[0])
    service.appoint_assessor(s.tender, generalist, criterion=None, by=s.buyers[0])
    for assessor in s.assessors:
        service.declare_conflicts(s.tender, assessor, [], note="", now=s.deadline + timedelta(hours=2))
    sub = s.submissions[0]
    with pytest.raises(AssessmentRefused, match="niet benoemd"):
        service.submit_score(sub, second, specialist, "6", "Goed", now=s.deadline)
    service.submit_score(sub, second, generalist, "6", "Goed", now=s.deadline)
    assert queries.complete(sub, second)  # the specialist's score is not waited for
    service.submit_score(sub, first, generalist, "6", "Goed", now=s.deadline)
    assert not queries.complete(sub, first)


def test_only_the_last_version_counts_and_a_withdrawn_last_version_drops_the_bid(scenario):
    from portal.models import SubmissionStatus

    first = scenario.submissions[0]
    second_version = factories.resubmission(
        first.bid, version=2, submitted_at=first.submitted_at + timedelta(minutes=30)
    )
    withdrawn = scenario.submissions[1]
    withdrawn.status = SubmissionStatus.WITHDRAWN
    db.session.commit()
    scenario.open()
    released = opened.of(scenario.tender).submissions
    assert second_version in released
    assert first not in released
    assert withdrawn not in released
    assert len(released) == 2
