"""The pure rules of the assessment: opening, totals with their rounding, minimums, ranking, ties."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.assessment import rules
from portal.assessment.rules import Confirmation, Criterion, Entry, OpeningRefused, OpeningStep

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
SCALE = [Decimal(s) for s in (0, 2, 4, 6, 8, 10)]


# --- opening ------------------------------------------------------------------------------------


def _step(first=None, user_id=2, now=T0 + timedelta(hours=1), two_person=True):
    return rules.opening_step(two_person=two_person, closes_at=T0, first=first, user_id=user_id, now=now)


def test_nothing_opens_before_the_deadline():
    with pytest.raises(OpeningRefused, match="not_closed"):
        _step(now=T0 - timedelta(seconds=1))
    with pytest.raises(OpeningRefused, match="not_closed"):
        _step(now=T0 - timedelta(seconds=1), two_person=False)


def test_the_first_confirmation_of_an_aanbesteding_does_not_open():
    assert _step(first=None) is OpeningStep.FIRST


def test_a_second_different_buyer_within_ten_minutes_opens():
    first = Confirmation(user_id=1, at=T0 + timedelta(minutes=50))
    assert _step(first=first, now=T0 + timedelta(minutes=60)) is OpeningStep.OPENED


def test_the_same_buyer_twice_does_not_open():
    first = Confirmation(user_id=2, at=T0 + timedelta(minutes=55))
    with pytest.raises(OpeningRefused, match="same_buyer"):
        _step(first=first, user_id=2)


def test_a_second_confirmation_after_ten_minutes_starts_again():
    first = Confirmation(user_id=1, at=T0 + timedelta(minutes=49, seconds=59))
    assert _step(first=first, now=T0 + timedelta(minutes=60)) is OpeningStep.FIRST


def test_open_house_opens_with_one_buyer_after_the_window():
    assert _step(two_person=False, now=T0) is OpeningStep.OPENED


# --- totals -------------------------------------------------------------------------------------


def test_weighted_total_rounds_half_up_to_two_decimals():
    # 7 × 33.33 + 8 × 33.33 + 6.5 × 33.34 = 716.671 → /100 = 7.16671 → 7.17
    weights = {1: Decimal("33.33"), 2: Decimal("33.33"), 3: Decimal("33.34")}
    assert rules.weighted_total({1: Decimal(7), 2: Decimal(8), 3: Decimal("6.5")}, weights) == Decimal("7.17")
    # exactly half a cent goes up: 0.125 → 0.13
    assert rules.weighted_total({1: Decimal("0.25")}, {1: Decimal(50)}) == Decimal("0.13")


def test_a_score_under_the_minimum_is_named():
    assert rules.below_minimum(
        {1: Decimal(4), 2: Decimal(2)}, {1: Decimal(4), 2: Decimal(4), 3: None} | {}
    ) == [2]


def test_spread_over_thirty_percent_of_the_scale_is_flagged():
    assert rules.spread_flagged([Decimal(2), Decimal(6)], SCALE)
    assert not rules.spread_flagged([Decimal(4), Decimal(6)], SCALE)
    assert not rules.spread_flagged([Decimal(4)], SCALE)


scores = st.sampled_from(SCALE)


@st.composite
def weight_sets(draw, n=None):
    n = n or draw(st.integers(min_value=1, max_value=5))
    cuts = sorted(draw(st.lists(st.integers(0, 10000), min_size=n - 1, max_size=n - 1)))
    bounds = [0, *cuts, 10000]
    return [Decimal(bounds[i + 1] - bounds[i]) / 100 for i in range(n)]


@st.composite
def lots(draw):
    weights = draw(weight_sets())
    criteria = [
        Criterion(id=i + 1, weight=w, minimum=draw(st.sampled_from([None, Decimal(2), Decimal(4)])))
        for i, w in enumerate(weights)
    ]
    n = draw(st.integers(min_value=1, max_value=8))
    entries = [
        Entry(
            submission_id=100 + i,
            submitted_at=T0 + timedelta(minutes=draw(st.integers(0, 3))),
            scores={c.id: draw(scores) for c in criteria},
            knocked_out=(7,) if draw(st.integers(0, 9)) == 0 else (),
        )
        for i in range(n)
    ]
    max_providers = draw(st.sampled_from([None, 1, 2, 3]))
    return criteria, entries, max_providers


def _ranking(outcomes):
    return [(o.submission_id, o.rank, o.admitted) for o in outcomes]


@settings(max_examples=150, deadline=None)
@given(lot=lots(), seed=st.integers(), rule=st.sampled_from(rules.TIE_BREAK_RULES))
def test_permuting_the_bids_does_not_change_the_ranking(lot, seed, rule):
    criteria, entries, max_providers = lot
    shuffled = list(entries)
    random.Random(seed).shuffle(shuffled)
    first = rules.assess_lot(entries, criteria, ranked=True, max_providers=max_providers, tie_break=rule)
    second = rules.assess_lot(shuffled, criteria, ranked=True, max_providers=max_providers, tie_break=rule)
    assert _ranking(first) == _ranking(second)


@settings(max_examples=150, deadline=None)
@given(weights=weight_sets(), data=st.data())
def test_weights_summing_to_100_give_totals_within_the_scale(weights, data):
    assert sum(weights) == 100
    values = {i: data.draw(scores) for i in range(len(weights))}
    total = rules.weighted_total(values, dict(enumerate(weights)))
    assert min(SCALE) <= total <= max(SCALE)
    assert min(values.values()) <= total <= max(values.values())


@settings(max_examples=150, deadline=None)
@given(lot=lots(), new_scores=st.lists(scores, min_size=5, max_size=5))
def test_adding_a_bid_never_improves_another_bids_rank(lot, new_scores):
    criteria, entries, max_providers = lot
    before = {
        o.submission_id: o
        for o in rules.assess_lot(entries, criteria, ranked=True, max_providers=max_providers)
    }
    newcomer = Entry(
        submission_id=999,
        submitted_at=T0,
        scores={c.id: new_scores[i % 5] for i, c in enumerate(criteria)},
    )
    after = {
        o.submission_id: o
        for o in rules.assess_lot([*entries, newcomer], criteria, ranked=True, max_providers=max_providers)
    }
    for sid, outcome in before.items():
        if outcome.rank is not None:
            assert after[sid].rank >= outcome.rank
            assert after[sid].admitted <= outcome.admitted


@settings(max_examples=100, deadline=None)
@given(lot=lots())
def test_ranks_are_consecutive_and_the_cap_is_respected(lot):
    criteria, entries, max_providers = lot
    outcomes = rules.assess_lot(entries, criteria, ranked=True, max_providers=max_providers)
    ranks = [o.rank for o in outcomes if o.rank is not None]
    assert ranks == list(range(1, len(ranks) + 1))
    admitted = [o for o in outcomes if o.admitted]
    if max_providers is not None:
        assert len(admitted) <= max_providers
    assert all(o.eligible for o in admitted)
    totals = [o.total for o in outcomes if o.rank is not None]
    assert totals == sorted(totals, reverse=True)


def test_equal_totals_are_broken_by_the_earliest_submission():
    criteria = [Criterion(id=1, weight=Decimal(100))]
    late = Entry(submission_id=1, submitted_at=T0 + timedelta(minutes=5), scores={1: Decimal(8)})
    early = Entry(submission_id=2, submitted_at=T0, scores={1: Decimal(8)})
    outcomes = rules.assess_lot([late, early], criteria, ranked=True, max_providers=1)
    assert [(o.submission_id, o.rank, o.admitted) for o in outcomes] == [(2, 1, True), (1, 2, False)]
    assert outcomes[1].reasons == ("beyond_max",)


def test_equal_totals_by_the_heaviest_criterion_rule():
    criteria = [Criterion(id=1, weight=Decimal(60)), Criterion(id=2, weight=Decimal(40))]
    a = Entry(submission_id=1, submitted_at=T0, scores={1: Decimal(6), 2: Decimal(9)})  # 3.6 + 3.6
    b = Entry(
        submission_id=2, submitted_at=T0 + timedelta(1), scores={1: Decimal(8), 2: Decimal(6)}
    )  # 4.8 + 2.4
    outcomes = rules.assess_lot(
        [a, b], criteria, ranked=True, max_providers=None, tie_break=rules.HIGHEST_HEAVIEST_CRITERION
    )
    assert outcomes[0].total == outcomes[1].total == Decimal("7.20")
    assert [o.submission_id for o in outcomes] == [2, 1]


def test_a_knockout_excludes_and_is_never_ranked():
    criteria = [Criterion(id=1, weight=Decimal(100))]
    out = Entry(submission_id=1, submitted_at=T0, scores={1: Decimal(10)}, knocked_out=(5,))
    ok = Entry(submission_id=2, submitted_at=T0, scores={1: Decimal(2)})
    outcomes = rules.assess_lot([out, ok], criteria, ranked=True, max_providers=None)
    assert [(o.submission_id, o.rank, o.admitted, o.reasons) for o in outcomes] == [
        (2, 1, True, ()),
        (1, None, False, ("knockout",)),
    ]


def test_open_house_admits_everyone_eligible_without_a_rank():
    criteria = [Criterion(id=1, weight=Decimal(100), minimum=Decimal(4))]
    entries = [Entry(submission_id=i, submitted_at=T0, scores={1: Decimal(2 * i)}) for i in range(1, 5)]
    outcomes = rules.assess_lot(entries, criteria, ranked=False, max_providers=None)
    assert {o.submission_id: (o.rank, o.admitted) for o in outcomes} == {
        1: (None, False),
        2: (None, True),
        3: (None, True),
        4: (None, True),
    }


def test_neutral_codes_follow_the_order_of_receipt():
    codes = rules.neutral_codes([(9, T0 + timedelta(1)), (4, T0), (7, T0)])
    assert codes == {4: "001", 7: "002", 9: "003"}


def test_standstill_ends_twenty_calendar_days_after_sending_in_amsterdam():
    # 23:30 UTC on 31 March is already 1 April in Amsterdam (summer time)
    sent = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    assert rules.standstill_end(sent, 20).isoformat() == "2026-04-21"


@settings(max_examples=100, deadline=None)
@given(lot=lots())
def test_equal_totals_are_ordered_by_receipt_then_id(lot):
    criteria, entries, max_providers = lot
    outcomes = rules.assess_lot(entries, criteria, ranked=True, max_providers=max_providers)
    by_id = {e.submission_id: e for e in entries}
    ranked = [o for o in outcomes if o.rank is not None]
    for before, after in itertools.pairwise(ranked):
        if before.total == after.total:
            a, b = by_id[before.submission_id], by_id[after.submission_id]
            assert (a.submitted_at, a.submission_id) < (b.submitted_at, b.submission_id)


# --- which requirements apply: the bids feature's rule ------------------------------------------------


def _item(id_: int, lot_ids: list[int], knockout: bool = True) -> SimpleNamespace:
    return SimpleNamespace(id=id_, knockout=knockout, lots=[SimpleNamespace(id=i) for i in lot_ids])


def test_an_item_without_percelen_applies_to_every_perceel_as_in_the_bid():
    assert rules.applies(_item(1, []), [7])
    assert rules.applies(_item(1, [7, 8]), [8])
    assert not rules.applies(_item(1, [9]), [7, 8])


def test_only_a_knockout_not_met_of_this_perceel_excludes():
    requirements = [_item(1, []), _item(2, [5]), _item(3, [6]), _item(4, [], knockout=False)]
    assert rules.knocked_out(requirements, 5, {1, 2, 3, 4}) == (1, 2)
    assert rules.knocked_out(requirements, 6, {2}) == ()
    assert rules.knocked_out(requirements, 6, set()) == ()


# --- knock-out proposals --------------------------------------------------------------------------


def _flag(**kw):
    args = {"knockout": True, "evidence_required": False, "declaration": True, "evidence_count": 0} | kw
    return rules.knockout_flag(**args)


def test_a_knockout_answered_nee_is_proposed_not_met():
    assert _flag(declaration=False) == rules.FLAG_ANSWERED_NO
    assert _flag(declaration=False, knockout=False) is None


def test_a_knockout_without_its_required_document_is_proposed_not_met():
    assert _flag(evidence_required=True, evidence_count=0) == rules.FLAG_MISSING_EVIDENCE
    assert _flag(evidence_required=True, evidence_count=1) is None
    assert _flag(declaration=None, evidence_required=True, evidence_count=2) is None


def test_an_unconfirmed_proposal_keeps_the_bid_from_a_decision():
    checks = {
        1: rules.CheckState("met"),
        2: rules.CheckState("not_met", proposed=True),
        3: rules.CheckState("clarification"),
        4: rules.CheckState("not_met"),
    }
    assert rules.unsettled([1, 2, 3, 4, 5], checks) == [2, 3, 5]
    assert rules.unsettled([1, 4], checks) == []


def test_not_met_and_overriding_a_proposal_need_a_motivation():
    assert rules.needs_motivation("not_met", overrides_proposal=False)
    assert rules.needs_motivation("met", overrides_proposal=True)
    assert not rules.needs_motivation("met", overrides_proposal=False)
    assert not rules.needs_motivation("clarification", overrides_proposal=True)  # its question is required
