"""Background work after the commit: inline in tests, a thread without Redis, RQ with it."""

from __future__ import annotations

import threading

from portal import background

CALLS: list[tuple[object, ...]] = []
DONE = threading.Event()


def record(*args: object) -> None:
    """A task for these tests: remembers its arguments."""
    CALLS.append(args)
    DONE.set()


def test_a_task_runs_after_the_commit_and_not_when_the_request_rolls_back(app):
    CALLS.clear()
    with app.test_request_context():
        background.after_commit("tests.test_background.record", 1, "a")
        assert CALLS == []  # nothing before the boundary
        background.run_pending()
    assert CALLS == [(1, "a")]
    with app.test_request_context():
        background.after_commit("tests.test_background.record", 2)
        background.discard()  # what the boundary does for a failed request
        background.run_pending()
    assert CALLS == [(1, "a")]


def test_without_redis_outside_testing_a_task_runs_in_a_thread_of_its_own(app, monkeypatch):
    CALLS.clear()
    DONE.clear()
    monkeypatch.setitem(app.config, "BACKGROUND_JOBS", "thread")
    with app.test_request_context():
        assert background.dispatch("tests.test_background.record", 3) == "thread"
    assert DONE.wait(timeout=10)
    assert CALLS == [(3,)]


def test_the_mode_follows_the_configuration(app, monkeypatch):
    assert background.mode(app) == "inline"  # testing
    monkeypatch.setitem(app.config, "TESTING", False)
    monkeypatch.setattr(app, "testing", False)
    assert background.mode(app) == "thread"
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:6379/0")
    assert background.mode(app) == "rq"


def test_with_redis_configured_a_task_goes_to_the_portal_queue(app, redis_url, monkeypatch):
    from redis import Redis
    from rq import Queue

    CALLS.clear()
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    with app.test_request_context():
        assert background.dispatch("tests.test_background.record", 4) == "rq"
    (queued,) = Queue(background.QUEUE_NAME, connection=Redis.from_url(redis_url)).get_jobs()
    assert queued.func_name == "portal.background.run_from_environment"
    assert queued.args == ("tests.test_background.record", 4)
    assert CALLS == []  # nothing ran in the web process
