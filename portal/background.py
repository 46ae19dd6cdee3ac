"""The one way to run work after the request has committed: RQ, a thread, or inline (tests).

A task is named by its dotted path and takes plain arguments (ids), so it can cross the queue and reads
only committed data, in an application context of its own. Where it runs (`mode`, config key
BACKGROUND_JOBS): on RQ when REDIS_URL is set, in a thread of the web process otherwise, and in testing
inline at the end of the request, so a test sees its effect.

Outside the web process every task runs through the top-level worker entry point (worker.py beside
wsgi.py, named here by ENTRY and never imported by the portal): it builds the application once per
process, runs RQ's worker on the queues below, and is what the process pool of `in_processes` (the bulk
contracts on both cores) starts in each of its processes.

What a task does must be safe to repeat and must not be the only record of anything: the request has
already stored what matters (e.g. the e-mails in the outbox, the job's items); a task only does the slow
work after it.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

from flask import Flask, current_app, g

log = logging.getLogger(__name__)
QUEUE_NAME = "portal"
QUEUES = {QUEUE_NAME: 600, "agreements": 6 * 3600}  # queue -> job timeout in seconds
ENTRY = "worker"  # the top-level module that builds the app in a process of its own (worker.py)
PROCESSES = 2  # the machine's cores: the size of a process pool
PROCESS_CONFIG_KEYS = (
    "SQLALCHEMY_DATABASE_URI",
    "UPLOAD_DIR",
    "SECRET_KEY",
    "MAIL_SERVER",
    "MAIL_PORT",
    "REDIS_URL",
)


def after_commit(task: str, *args: Any, queue: str = QUEUE_NAME) -> None:
    """Run `task(*args)` once the current request has committed (dropped when it rolls back)."""
    g.setdefault("after_commit", []).append((task, args, queue))


def discard() -> None:
    g.pop("after_commit", None)


def run_pending() -> None:
    """Called by the request boundary after a successful commit; one task that cannot start stops none."""
    for task, args, queue in g.pop("after_commit", []):
        try:
            dispatch(task, *args, queue=queue)
        except Exception:  # e.g. Redis away: what the request stored waits for a retry (`flask send-mail`)
            log.exception("background task %s%r could not be started", task, args)


def mode(app: Flask) -> str:
    return app.config.get("BACKGROUND_JOBS") or (
        "rq" if app.config.get("REDIS_URL") else ("inline" if app.testing else "thread")
    )


def dispatch(task: str, *args: Any, queue: str = QUEUE_NAME) -> str:
    """Start `task(*args)` now where this installation runs background work; returns the mode used."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]  # werkzeug's proxy
    used = mode(app)
    if used == "rq":
        from redis import Redis
        from rq import Queue

        # result_ttl=0: a task's result is what it stored; RQ keeps only failed jobs (with their error).
        Queue(queue, connection=Redis.from_url(app.config["REDIS_URL"])).enqueue(
            f"{ENTRY}.run", task, *args, job_timeout=QUEUES[queue], result_ttl=0
        )
    elif used == "thread":
        threading.Thread(target=_run_in_thread, args=(app, task, args), daemon=True).start()
    else:
        call(task, *args)
    return used


def call(task: str, *args: Any) -> Any:
    module, _, name = task.rpartition(".")
    return getattr(importlib.import_module(module), name)(*args)


def _run_in_thread(app: Flask, task: str, args: tuple[Any, ...]) -> None:
    from portal.extensions import db

    with app.app_context():
        try:
            call(task, *args)
        except Exception:  # a thread has no one to tell: log it; the outbox or a retry picks it up
            log.exception("background task %s%r failed", task, args)
        finally:
            db.session.remove()


# --- a process pool (both cores), for work that is many independent pieces ---------------------------


def processes() -> int:
    """How many processes a job should use here: none (this one) inline, otherwise the machine's cores."""
    return 0 if mode(current_app) == "inline" else PROCESSES


def in_processes(
    task: str, calls: Sequence[tuple[Any, ...]], *, workers: int
) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Run `task(*args)` for every `args` in `calls` and yield (args, result or exception) as each ends.

    `workers` spawned processes, each starting through the worker entry point with this application's
    database, uploads and mail settings; `workers=0` runs them one after the other in this process.
    """
    if workers <= 0:
        return _one_by_one(task, calls)
    return _in_pool(task, calls, workers)


def _one_by_one(task: str, calls: Sequence[tuple[Any, ...]]) -> Iterator[tuple[tuple[Any, ...], Any]]:
    for args in calls:
        try:
            outcome = call(task, *args)
        except Exception as error:  # one bad piece never stops the others
            outcome = error
        yield args, outcome


def _in_pool(
    task: str, calls: Sequence[tuple[Any, ...]], workers: int
) -> Iterator[tuple[tuple[Any, ...], Any]]:
    config = {key: current_app.config.get(key) for key in PROCESS_CONFIG_KEYS}
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited connections
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=call, initargs=(f"{ENTRY}.start_process", config)
    ) as pool:
        futures = {pool.submit(call, f"{ENTRY}.run", task, *args): args for args in calls}
        for future in as_completed(futures):
            try:
                outcome = future.result()
            except Exception as error:  # a crashed process: the caller records it and goes on
                outcome = error
            yield futures[future], outcome
