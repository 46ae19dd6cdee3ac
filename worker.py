"""The background worker, beside wsgi.py: `python worker.py [--burst] [queue ...]` (needs REDIS_URL).

It builds the application once per process and runs RQ's worker on the queues `portal` and
`agreements` (portal.background.QUEUES). RQ forks a work horse per job from this process, so every job
starts with the application already built. Every task outside the web process runs through `run`: the
RQ jobs that portal.background.dispatch enqueues, and the pieces of portal.background.in_processes,
whose pool processes start with `start_process`. No module inside portal/ imports the factory.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from flask import Flask

from config import Config
from portal import background, create_app
from portal.extensions import db

_app: Flask | None = None
_pid = 0  # the process whose database connections the app's engines hold


def app() -> Flask:
    """This process's application, built once, from the environment (DATABASE_URL, UPLOAD_DIR, ...)."""
    global _app
    if _app is None:
        _app = create_app()
    return _app


def start_process(config: dict[str, Any]) -> None:
    """A process of a pool: the application with its parent's database, uploads and mail settings."""
    global _app, _pid
    _app, _pid = create_app(type("ProcessConfig", (Config,), dict(config))), os.getpid()


def run(task: str, *args: Any) -> Any:
    """Run `task(*args)` in an application context of its own; its database session ends with it."""
    global _pid
    with app().app_context():
        if _pid != os.getpid():  # a forked work horse: never share the parent's pooled connections
            for engine in db.engines.values():
                engine.dispose(close=False)
            _pid = os.getpid()
        try:
            return background.call(task, *args)
        finally:
            db.session.remove()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="worker.py", description="Run the portal's background work.")
    parser.add_argument("queues", nargs="*", default=list(background.QUEUES), help="default: all")
    parser.add_argument("--burst", action="store_true", help="stop once the queues are empty")
    parser.add_argument("--logging-level", default="INFO")
    options = parser.parse_args(argv)
    global _pid
    url = app().config.get("REDIS_URL")
    _pid = os.getpid()
    if not url:
        parser.error("REDIS_URL is not set (without Redis the web process runs its background work itself)")
    from redis import Redis
    from rq import Worker

    worker = Worker(options.queues, connection=Redis.from_url(url))
    # with_scheduler: RQ's own scheduler moves jobs put on the queue for later (the daily contract-term run)
    worker.work(burst=options.burst, logging_level=options.logging_level, with_scheduler=True)
    return 0


if __name__ == "__main__":  # run as the module `worker`, whose `run` the queued jobs name
    import worker

    raise SystemExit(worker.main())
