"""Work that runs after the request has committed: on RQ when REDIS_URL is set, in a thread otherwise.

A task is named by its dotted path and takes plain arguments (ids), so it can cross the queue and reads
only committed data, in an application context of its own. In testing it runs inline at the end of
the request, so a test sees its effect. Start the queue's worker with `rq worker portal` (see README).

What a task does must be safe to repeat and must not be the only record of anything: the request has
already stored what matters (e.g. the e-mails in the outbox); a task only does slow work after it.
"""

from __future__ import annotations

import importlib
import logging
import threading
from typing import Any

from flask import Flask, current_app, g

log = logging.getLogger(__name__)
QUEUE_NAME = "portal"


def after_commit(task: str, *args: Any) -> None:
    """Run `task(*args)` once the current request has committed (dropped when it rolls back)."""
    g.setdefault("after_commit", []).append((task, args))


def discard() -> None:
    g.pop("after_commit", None)


def run_pending() -> None:
    """Called by the request boundary after a successful commit."""
    for task, args in g.pop("after_commit", []):
        dispatch(task, *args)


def mode(app: Flask) -> str:
    return app.config.get("BACKGROUND_JOBS") or (
        "rq" if app.config.get("REDIS_URL") else ("inline" if app.testing else "thread")
    )


def dispatch(task: str, *args: Any, queue: str = QUEUE_NAME, timeout: int = 600) -> str:
    """Start `task(*args)` where this installation runs background work; returns the mode used."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    used = mode(app)
    if used == "rq":
        from redis import Redis
        from rq import Queue

        Queue(queue, connection=Redis.from_url(app.config["REDIS_URL"])).enqueue(
            run_from_environment, task, *args, job_timeout=timeout
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


_worker_app: Flask | None = None


def run_from_environment(task: str, *args: Any) -> Any:
    """The RQ job: an app from the environment (DATABASE_URL, UPLOAD_DIR, ...), made once per process."""
    global _worker_app
    from portal import create_app
    from portal.extensions import db

    _worker_app = _worker_app or create_app()
    with _worker_app.app_context():
        try:
            return call(task, *args)
        finally:
            db.session.remove()
