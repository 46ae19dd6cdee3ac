"""Background work after the commit: inline in tests, a thread without Redis, RQ with it."""

from __future__ import annotations

import ast
import logging
import os
import socket
import threading
from pathlib import Path

from flask import current_app

from portal import background

PORTAL = Path(background.__file__).resolve().parent

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
    assert queued.func_name == "worker.run"  # the top-level worker entry point runs every task
    assert queued.args == ("tests.test_background.record", 4)
    assert queued.timeout == background.QUEUES["portal"]
    assert CALLS == []  # nothing ran in the web process


def test_a_task_that_cannot_start_stops_neither_the_request_nor_the_next_task(app, monkeypatch, caplog):
    """Redis away: the request still answers; the next task (here inline again) still runs."""
    CALLS.clear()
    # The test run's migrations (Alembic's fileConfig) switch off loggers that existed before them.
    monkeypatch.setattr(logging.getLogger("portal.background"), "disabled", False)
    monkeypatch.setitem(app.config, "BACKGROUND_JOBS", "rq")
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{_closed_port()}/0")
    with app.test_request_context():
        background.after_commit("tests.test_background.record", 5)
        background.after_commit("tests.test_background.record", 6, queue="agreements")
        background.run_pending()
    starts = [r.getMessage() for r in caplog.records if "could not be started" in r.getMessage()]
    assert len(starts) == 2  # the second was tried after the first failed
    monkeypatch.setitem(app.config, "BACKGROUND_JOBS", "inline")
    with app.test_request_context():
        background.after_commit("tests.test_background.record", 7)
        background.run_pending()
    assert CALLS == [(7,)]


def explode(number: int) -> int:
    """A task for these tests: fails on 2."""
    if number == 2:
        raise ValueError("twee")
    return number * 10


def test_in_processes_without_workers_runs_every_piece_here_and_one_failure_stops_none(app):
    with app.app_context():
        assert background.processes() == 0  # inline in tests: a job's pieces run in the test's process
        calls = [(1,), (2,), (3,)]
        outcomes = list(background.in_processes("tests.test_background.explode", calls, workers=0))
    assert [args for args, _ in outcomes] == calls
    assert outcomes[0][1] == 10
    assert outcomes[2][1] == 30
    assert isinstance(outcomes[1][1], ValueError)


def where() -> tuple[int, str, bool]:
    """A task for these tests: which process, which database, and whether worker.py built its app."""
    import worker

    return (
        os.getpid(),
        current_app.config["SQLALCHEMY_DATABASE_URI"],
        worker.app() is current_app._get_current_object(),
    )  # type: ignore[attr-defined]  # the proxy


def test_a_pool_process_builds_its_app_through_the_worker_entry_point_with_our_database(app):
    with app.app_context():
        ((args, outcome),) = list(background.in_processes("tests.test_background.where", [()], workers=1))
    assert args == ()
    pid, database, built_by_worker = outcome
    assert pid != os.getpid()
    assert database == app.config["SQLALCHEMY_DATABASE_URI"]
    assert built_by_worker


def test_no_module_in_the_portal_but_the_factory_imports_create_app():
    """The features sit below the application factory; only worker.py and wsgi.py build an app."""
    offenders = []
    for path in PORTAL.rglob("*.py"):
        if path == PORTAL / "__init__.py":
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        names = {
            alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for alias in node.names
        }
        names |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
        if "create_app" in names:
            offenders.append(str(path.relative_to(PORTAL.parent)))
    assert offenders == []


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the probe goes: nobody listens there
