"""The pure rules of accounts: numbers, postcodes, `next`, the last admin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal.accounts import rules
from portal.accounts.rules import FieldRefused


@pytest.mark.parametrize("value", ["12345678", " 1234 5678 ", "12.34.56.78"])
def test_kvk_number_of_eight_digits_is_accepted_without_spaces_and_dots(app, value):
    assert rules.check_kvk(value) == "12345678"


@pytest.mark.parametrize("value", ["", "1234567", "123456789", "1234567a", "KvK12345"])
def test_kvk_number_that_is_not_eight_digits_is_refused(app, value):
    with pytest.raises(FieldRefused) as refused:
        rules.check_kvk(value)
    assert refused.value.field == "kvk_number"
    assert "precies 8 cijfers" in str(refused.value.message)


def test_agb_code_is_optional_but_eight_digits_when_given(app):
    assert rules.check_agb("") is None
    assert rules.check_agb("01234567") == "01234567"
    with pytest.raises(FieldRefused) as refused:
        rules.check_agb("0123")
    assert refused.value.field == "agb_code"


@pytest.mark.parametrize(
    ("value", "stored"), [("9401aa", "9401 AA"), ("9401 AA", "9401 AA"), ("1234 ab", "1234 AB")]
)
def test_dutch_postcode_is_stored_as_four_digits_space_two_letters(app, value, stored):
    assert rules.check_postcode(value) == stored


@pytest.mark.parametrize("value", ["", "0123 AB", "12345", "1234 SA", "AB 1234", "94O1 AA"])
def test_postcode_that_is_not_dutch_is_refused(app, value):
    with pytest.raises(FieldRefused) as refused:
        rules.check_postcode(value)
    assert refused.value.field == "postcode"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "https://evil.example/inloggen",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/\tevil",
        "",
        None,
    ],
)
def test_next_to_another_host_is_refused(target):
    assert rules.safe_next(target) is None


@pytest.mark.parametrize("target", ["/", "/account", "/inkoop/3?tab=vragen"])
def test_next_to_a_path_on_this_host_is_kept(target):
    assert rules.safe_next(target) == target


def test_the_last_active_admin_cannot_be_deactivated():
    assert not rules.may_deactivate(target_is_admin=True, target_is_active=True, active_admins=1)
    assert rules.may_deactivate(target_is_admin=True, target_is_active=True, active_admins=2)
    assert rules.may_deactivate(target_is_admin=False, target_is_active=True, active_admins=1)


def test_an_admin_cannot_remove_his_own_admin_role():
    assert not rules.may_change_own_roles(is_self=True, keeps_admin=False)
    assert rules.may_change_own_roles(is_self=True, keeps_admin=True)
    assert rules.may_change_own_roles(is_self=False, keeps_admin=False)


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(0, 0), (4, 0), (5, 1), (6, 2), (7, 4), (14, 512), (15, 900), (40, 900), (10_000, 900)],
)
def test_login_delay_starts_at_the_fifth_failure_doubles_and_stops_at_15_minutes(failures, seconds):
    assert rules.login_delay(failures) == timedelta(seconds=seconds)


def test_login_wait_is_what_is_left_until_the_allowed_time():
    now = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    assert rules.login_wait(now + timedelta(seconds=3), now=now) == timedelta(seconds=3)
    assert rules.login_wait(now, now=now) == timedelta(0)
    assert rules.login_wait(now - timedelta(seconds=1), now=now) == timedelta(0)
    assert rules.login_wait(None, now=now) == timedelta(0)
