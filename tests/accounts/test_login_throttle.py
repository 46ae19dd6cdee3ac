"""Failed log-ins slow an account down; successful ones do not count (issue 12, point 10).

The clock is frozen and moved with time-machine: the limiter's storage and the portal's clock
both follow it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from tests import factories

START = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
WRONG = "Niet-het-goede-wachtwoord"


def _login(client, email: str, password: str):
    return client.post("/inloggen", data={"email": email, "password": password})


def _fail(client, email: str, times: int) -> None:
    for _ in range(times):
        assert _login(client, email, WRONG).status_code == 422


def test_five_failures_make_the_next_attempt_wait_and_the_right_password_works_after_it(app, client, no_csrf):
    user = factories.UserFactory()
    with time_machine.travel(START, tick=False) as traveller:
        _fail(client, user.email, 5)
        refused = _login(client, user.email, factories.PASSWORD)
        assert refused.status_code == 429
        assert "Probeer het over 1 seconde opnieuw." in refused.get_data(True)
        traveller.shift(timedelta(seconds=1))
        assert _login(client, user.email, factories.PASSWORD).status_code == 302


def test_each_further_failure_doubles_the_wait(app, client, no_csrf):
    """The whole sequence up to the 15-minute cap is rules.login_delay's, tested without HTTP."""
    user = factories.UserFactory()
    with time_machine.travel(START, tick=False) as traveller:
        _fail(client, user.email, 5)
        traveller.shift(timedelta(seconds=1))
        _fail(client, user.email, 1)
        assert "Probeer het over 2 seconden opnieuw." in _login(client, user.email, WRONG).get_data(True)
        traveller.shift(timedelta(seconds=1))
        assert _login(client, user.email, factories.PASSWORD).status_code == 429, "the wait is not over"
        traveller.shift(timedelta(seconds=1))
        assert _login(client, user.email, factories.PASSWORD).status_code == 302


def test_successful_log_ins_do_not_count_and_clear_the_failures(app, no_csrf):
    user = factories.UserFactory()
    with time_machine.travel(START, tick=False):
        for _ in range(6):
            assert _login(app.test_client(), user.email, factories.PASSWORD).status_code == 302
        browser = app.test_client()
        _fail(browser, user.email, 4)
        assert _login(browser, user.email, factories.PASSWORD).status_code == 302
        browser = app.test_client()
        _fail(browser, user.email, 1)
        assert _login(browser, user.email, factories.PASSWORD).status_code == 302


def test_an_unknown_address_is_slowed_down_the_same_way(app, client, no_csrf):
    """Otherwise the slow-down itself would tell which addresses have an account."""
    known = factories.UserFactory()
    with time_machine.travel(START, tick=False):
        _fail(client, known.email, 5)
        _fail(client, "niemand@example.org", 5)
        answers = [_login(client, email, WRONG) for email in (known.email, "niemand@example.org")]
    assert [a.status_code for a in answers] == [429, 429]
    assert answers[0].get_data(True).replace(known.email, "X") == answers[1].get_data(True).replace(
        "niemand@example.org", "X"
    )


def test_one_account_slowed_down_leaves_the_others_alone(app, client, no_csrf):
    slowed, other = factories.UserFactory(), factories.UserFactory()
    with time_machine.travel(START, tick=False):
        _fail(client, slowed.email, 5)
        assert _login(client, other.email, factories.PASSWORD).status_code == 302


def test_the_per_ip_limit_counts_failed_log_ins_only(app, no_csrf, monkeypatch):
    """Colleagues behind one office address all log in at nine; only failures use up the limit."""
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_IP", "3 per 15 minutes")
    users = [factories.UserFactory() for _ in range(4)]
    for user in users:
        assert _login(app.test_client(), user.email, factories.PASSWORD).status_code == 302
    browser = app.test_client()
    _fail(browser, "iemand@example.org", 3)
    assert _login(browser, users[0].email, factories.PASSWORD).status_code == 429


def test_login_attempts_per_ip_address_are_limited(app, client, no_csrf, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_IP", "3 per 15 minutes")
    for n in range(3):
        assert _login(client, f"iemand{n}@example.org", WRONG).status_code == 422
    response = _login(client, "iemand9@example.org", WRONG)
    assert response.status_code == 429
    assert "Te veel pogingen" in response.get_data(True)
    other_ip = client.post(
        "/inloggen",
        data={"email": "x@example.org", "password": "y"},
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )
    assert other_ip.status_code == 422
