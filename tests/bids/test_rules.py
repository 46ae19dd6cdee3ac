"""Pure rules of a bid: deadline to the second, choice validation, words, completeness, sealed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace as NS  # noqa: N814 - short stand-ins for models

import pytest
import time_machine

from portal import clock
from portal.bids import rules
from portal.models import AnswerType, Procedure, TenderStatus

DEADLINE = datetime(2027, 3, 1, 11, 0, 0, tzinfo=UTC)  # 12:00 in Amsterdam


def tender(procedure=Procedure.COMPETITIVE, windows=(), deadline=DEADLINE, status=TenderStatus.PUBLISHED):
    return NS(procedure=procedure, windows=list(windows), submission_deadline=deadline, status=status)


def test_submission_one_second_before_the_deadline_is_accepted():
    period = rules.check_open(tender(), now=DEADLINE - timedelta(seconds=1))
    assert period.deadline == DEADLINE


def test_submission_at_the_deadline_second_is_refused():
    with pytest.raises(rules.DeadlinePassed):
        rules.check_open(tender(), now=DEADLINE)


def test_submission_one_second_after_the_deadline_is_refused():
    with pytest.raises(rules.DeadlinePassed):
        rules.check_open(tender(), now=DEADLINE + timedelta(seconds=1))


def test_deadline_boundary_with_the_server_clock_frozen():
    with time_machine.travel(DEADLINE - timedelta(seconds=1), tick=False):
        assert rules.open_period(tender(), now=clock.now()) is not None
    with time_machine.travel(DEADLINE, tick=False):
        assert rules.open_period(tender(), now=clock.now()) is None
    with time_machine.travel(DEADLINE + timedelta(seconds=1), tick=False):
        assert rules.open_period(tender(), now=clock.now()) is None


def test_open_house_accepts_only_inside_an_admission_window():
    first = NS(id=1, opens_at=DEADLINE - timedelta(days=10), closes_at=DEADLINE)
    second = NS(id=2, opens_at=DEADLINE + timedelta(days=100), closes_at=DEADLINE + timedelta(days=130))
    open_house = tender(Procedure.OPEN_HOUSE, [first, second], deadline=None)
    assert rules.check_open(open_house, now=DEADLINE - timedelta(seconds=1)).window is first
    assert rules.open_period(open_house, now=DEADLINE) is None
    assert rules.check_open(open_house, now=second.opens_at).window is second


def test_draft_tender_accepts_nothing():
    assert rules.open_period(tender(status=TenderStatus.DRAFT), now=DEADLINE - timedelta(days=1)) is None


def test_open_house_bid_may_be_extended_in_a_later_window_only():
    assert rules.may_extend(Procedure.OPEN_HOUSE, 1, 2)
    assert not rules.may_extend(Procedure.OPEN_HOUSE, 2, 2)
    assert not rules.may_extend(Procedure.COMPETITIVE, None, None)


def test_sealed_until_the_deadline_for_an_aanbesteding():
    assert not rules.content_visible(tender(), None, now=DEADLINE - timedelta(seconds=1))
    assert rules.content_visible(tender(), None, now=DEADLINE)


def test_sealed_until_the_window_closes_for_open_house():
    window = NS(id=1, opens_at=DEADLINE - timedelta(days=10), closes_at=DEADLINE)
    open_house = tender(Procedure.OPEN_HOUSE, [window], deadline=None)
    assert not rules.content_visible(open_house, window, now=DEADLINE - timedelta(seconds=1))
    assert rules.content_visible(open_house, window, now=DEADLINE)


OFFER = rules.Offerable(lot_of={10: 1, 11: 1, 20: 2}, municipality_ids=frozenset({100, 101}))


def test_valid_choice_is_accepted():
    assert rules.validate_choice(OFFER, [(10, 100), (20, 101)]) == {(10, 100), (20, 101)}


@pytest.mark.parametrize(
    "pairs",
    [
        [(99, 100)],  # result-level not in any perceel of this tender (or of another tender)
        [(10, 999)],  # municipality not participating
        [(10, 100), (99, 999)],  # one bad pair spoils the whole save
    ],
)
def test_invalid_choice_is_refused(pairs):
    with pytest.raises(rules.InvalidChoice) as refused:
        rules.validate_choice(OFFER, pairs)
    assert refused.value.problems


@pytest.mark.parametrize("value", ["1", "a:1", "1:", ":1", "1:2:3", "-1:2"])
def test_tampered_form_values_are_refused(value):
    with pytest.raises(rules.InvalidChoice):
        rules.parse_pairs([value])


def test_select_all_helpers():
    levels_of = {(5, 1): [10, 11], (6, 2): [20]}
    added, cleared = rules.helper_selection("result:5:1", levels_of=levels_of, municipality_ids=[100, 101])
    assert added == {(10, 100), (10, 101), (11, 100), (11, 101)}
    assert cleared is None
    added, _ = rules.helper_selection("municipality:1:101", levels_of=levels_of, municipality_ids=[100, 101])
    assert added == {(10, 101), (11, 101)}
    assert rules.helper_selection("clear:2", levels_of=levels_of, municipality_ids=[100]) == (set(), 2)
    with pytest.raises(rules.InvalidChoice):
        rules.helper_selection("result:x:1", levels_of=levels_of, municipality_ids=[100])


def test_word_count_and_limit():
    assert rules.word_count("  een  twee\ndrie ") == 3
    rules.check_word_limit("een twee", 2)
    with pytest.raises(rules.WordLimitExceeded):
        rules.check_word_limit("een twee drie", 2)


def test_requirements_without_perceel_apply_to_all():
    assert rules.applies([], {1})
    assert rules.applies([1, 2], {2})
    assert not rules.applies([3], {1, 2})


def test_missing_items_per_section():
    requirement = NS(id=7, text="VOG", answer_type=AnswerType.FILE, evidence_required=True)
    criterion = NS(id=8, question="Hoe?", word_limit=2)
    answer_without_file = NS(declaration=None, text="", answer_date=None, evidence=[])
    missing = rules.missing_items(
        pairs={(10, 100)},
        requirements=[requirement],
        criteria=[criterion],
        answers={7: answer_without_file},
        criterion_answers={8: NS(text="een twee drie")},
        signatory_name="Sam",
    )
    assert [(m.section, m.item_id) for m in missing] == [("requirements", 7), ("criteria", 8)]
    assert rules.section_progress(missing) == {"choice": 0, "requirements": 1, "criteria": 1, "signatory": 0}
