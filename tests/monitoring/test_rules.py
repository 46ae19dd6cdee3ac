"""The pure rules of the contract term: the states of every action, the contract's status by date."""

from __future__ import annotations

from datetime import date

import pytest

from portal.models import ActionKind, ActionStatus, AgreementStatus
from portal.monitoring import rules
from portal.monitoring.rules import MANAGER, PROVIDER, MonitoringRefused

K, S = ActionKind, ActionStatus
TODAY = date(2027, 3, 10)


@pytest.mark.parametrize(
    ("kind", "status", "step", "by", "expected"),
    [
        (K.IMPROVEMENT_PLAN, S.REQUESTED, "submit", PROVIDER, S.SUBMITTED),
        (K.IMPROVEMENT_PLAN, S.SUBMITTED, "accept", MANAGER, S.ACCEPTED),
        (K.IMPROVEMENT_PLAN, S.SUBMITTED, "reject", MANAGER, S.REJECTED),
        (K.IMPROVEMENT_PLAN, S.REJECTED, "submit", PROVIDER, S.SUBMITTED),
        (K.IMPROVEMENT_PLAN, S.REQUESTED, "cancel", MANAGER, S.CANCELLED),
        (K.ACCOUNT_MEETING, S.PLANNED, "hold", MANAGER, S.DONE),
        (K.INTERIM_EVALUATION, S.PLANNED, "cancel", MANAGER, S.CANCELLED),
        (K.FINAL_EVALUATION, S.PLANNED, "hold", MANAGER, S.DONE),
        (K.SIGNAL, S.OPEN, "close", MANAGER, S.DONE),
        (K.CLIENT_STOP, S.IN_FORCE, "lift", MANAGER, S.LIFTED),
        (K.SUSPENSION, S.IN_FORCE, "lift", MANAGER, S.LIFTED),
        (K.TERMINATION, S.IN_FORCE, "cancel", MANAGER, S.CANCELLED),
        (K.TERMINATION, S.IN_FORCE, "end", rules.SYSTEM, S.DONE),
    ],
)
def test_each_legal_step_moves_to_its_status(kind, status, step, by, expected):
    assert rules.next_status(kind, status, step, by=by) is expected


@pytest.mark.parametrize(
    ("kind", "status", "step"),
    [
        (K.IMPROVEMENT_PLAN, S.ACCEPTED, "reject"),  # an accepted plan stays accepted
        (K.IMPROVEMENT_PLAN, S.REQUESTED, "accept"),  # nothing submitted yet
        (K.CLIENT_STOP, S.LIFTED, "lift"),  # lifted twice
        (K.SIGNAL, S.DONE, "close"),
        (K.ACCOUNT_MEETING, S.DONE, "cancel"),
        (K.TERMINATION, S.IN_FORCE, "lift"),  # a termination is cancelled, not lifted
    ],
)
def test_a_step_not_in_the_table_is_refused(kind, status, step):
    with pytest.raises(MonitoringRefused, match="niet"):
        rules.next_status(kind, status, step, by=MANAGER)


def test_only_the_provider_submits_a_plan_and_only_the_manager_accepts_it():
    with pytest.raises(MonitoringRefused, match="niet aan u"):
        rules.next_status(K.IMPROVEMENT_PLAN, S.REQUESTED, "submit", by=MANAGER)
    with pytest.raises(MonitoringRefused, match="niet aan u"):
        rules.next_status(K.IMPROVEMENT_PLAN, S.SUBMITTED, "accept", by=PROVIDER)


def test_steps_for_lists_only_the_actors_own_steps():
    assert rules.steps_for(K.IMPROVEMENT_PLAN, S.SUBMITTED, by=MANAGER) == ["accept", "reject"]
    assert rules.steps_for(K.IMPROVEMENT_PLAN, S.SUBMITTED, by=PROVIDER) == []
    assert rules.steps_for(K.IMPROVEMENT_PLAN, S.REQUESTED, by=PROVIDER) == ["submit"]


def test_every_kind_has_a_first_status_with_a_way_out():
    for kind in ActionKind:
        assert rules.steps_for(kind, rules.INITIAL[kind], by=MANAGER) or rules.steps_for(
            kind, rules.INITIAL[kind], by=PROVIDER
        )


@pytest.mark.parametrize(
    ("kind", "fields", "field"),
    [
        (K.IMPROVEMENT_PLAN, {"due_on": None}, "due_on"),
        (K.IMPROVEMENT_PLAN, {"due_on": date(2027, 3, 9)}, "due_on"),  # a deadline in the past
        (K.CLIENT_STOP, {"happens_on": None}, "happens_on"),
        (K.CLIENT_STOP, {"happens_on": TODAY, "lines": 0}, "municipalities"),
        (K.CLIENT_STOP, {"happens_on": TODAY, "due_on": date(2027, 3, 1), "lines": 1}, "due_on"),
        (K.TERMINATION, {"due_on": None}, "due_on"),
    ],
)
def test_a_new_action_without_what_its_kind_needs_is_refused(kind, fields, field):
    arguments = {"happens_on": None, "due_on": None, "lines": 1, **fields}
    with pytest.raises(MonitoringRefused) as refused:
        rules.check_new_action(kind, today=TODAY, **arguments)
    assert refused.value.field == field


def test_a_termination_cannot_be_cancelled_after_the_contract_ended():
    rules.check_termination_cancel(TODAY, TODAY)  # on its last day: still possible
    with pytest.raises(MonitoringRefused):
        rules.check_termination_cancel(date(2027, 3, 9), TODAY)


@pytest.mark.parametrize(
    ("status", "starts_on", "ends_on", "expected"),
    [
        (S.IN_FORCE, TODAY, None, True),  # from its first day
        (S.IN_FORCE, date(2027, 3, 11), None, False),  # not yet
        (S.IN_FORCE, date(2027, 1, 1), TODAY, True),  # on its last day
        (S.IN_FORCE, date(2027, 1, 1), date(2027, 3, 9), False),  # over
        (S.LIFTED, date(2027, 1, 1), None, False),  # lifted
    ],
)
def test_a_client_stop_holds_from_its_first_to_its_last_day_unless_lifted(
    status, starts_on, ends_on, expected
):
    assert rules.stop_in_force(status, starts_on, ends_on, TODAY) is expected


START, END = date(2027, 1, 1), date(2029, 12, 31)


@pytest.mark.parametrize(
    ("status", "today", "expected"),
    [
        (AgreementStatus.SIGNED, date(2026, 12, 31), None),  # the day before the start
        (AgreementStatus.SIGNED, START, AgreementStatus.ACTIVE),  # on the start day
        (AgreementStatus.SIGNED, date(2027, 6, 1), AgreementStatus.ACTIVE),  # late: still activated
        (AgreementStatus.ACTIVE, END, None),  # the last day: still active
        (AgreementStatus.ACTIVE, date(2030, 1, 1), AgreementStatus.ENDED),  # the day after
        (AgreementStatus.SIGNED, date(2030, 1, 2), AgreementStatus.ENDED),  # never ran during the term
        (AgreementStatus.ACCEPTED, START, None),  # not signed by the municipalities: stays
        (AgreementStatus.ENDED, date(2030, 1, 2), None),  # ended stays ended
    ],
)
def test_a_contract_starts_on_its_start_day_and_ends_after_its_last(status, today, expected):
    assert rules.term_status(status, start=START, end=END, today=today) is expected


def test_the_earlier_of_contract_end_and_termination_is_the_last_day():
    assert rules.last_day(END, date(2028, 6, 30)) == date(2028, 6, 30)
    assert rules.last_day(END, None) == END
    assert rules.last_day(None, None) is None


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2027, 3, 2), None),  # more than a week before
        (date(2027, 3, 3), "soon"),  # a week before
        (date(2027, 3, 10), "soon"),  # the deadline itself
        (date(2027, 3, 11), "overdue"),
    ],
)
def test_a_plan_is_reminded_a_week_before_and_after_its_deadline(today, expected):
    assert rules.plan_reminder(date(2027, 3, 10), today) == expected
