"""The one worker entry point (worker.py beside wsgi.py) runs what the portal put on RQ, both queues.

A real Redis of the test's own, the real SMTP server, the test database shared with the worker process:
the worker is started as `python worker.py --burst`, builds the application from the environment, and
stops once the queues are empty. The contract job in it runs its agreements in the process pool, whose
processes start through the same entry point.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal import background
from portal.agreements import jobs
from portal.extensions import db
from portal.models import Agreement, GenerationJob, JobStatus, OutgoingMail
from tests import factories
from tests.agreements.helpers import priced_tender

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.committed


def _worker(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - a fixed command: this project's own worker
        [sys.executable, str(ROOT / "worker.py"), *args],
        cwd=ROOT,
        env={**os.environ, "PORTAL_ENV": "development", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_jobs_enqueued_on_rq_are_run_by_the_worker_entry_point(
    app, redis_url, smtp_server, monkeypatch, database_url
):
    from redis import Redis
    from rq import Queue

    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    with app.test_request_context():
        tender = priced_tender(results=1, levels=(4,), municipalities=2, lots=1)
        organisation_ids = sorted(factories.admitted_provider(tender).id for _ in range(2))
        db.session.add(OutgoingMail(recipient="ontvanger@example.org", subject="Klaar", body_text="Tekst"))
        job = jobs.create_job(tender, user=None)
        db.session.commit()  # what a request's boundary does; then the work after it is enqueued
        jobs.start(job.id)
        background.run_pending()
        assert background.dispatch("portal.mail.deliver_pending") == "rq"
        job_id, tender_id = job.id, tender.id
        db.session.remove()
    connection = Redis.from_url(redis_url)
    assert Queue("agreements", connection=connection).count == 1
    assert Queue("portal", connection=connection).count == 1

    done = _worker(
        {
            "DATABASE_URL": database_url,
            "UPLOAD_DIR": app.config["UPLOAD_DIR"],
            "SECRET_KEY": "worker-test-key-0123456789abcdef0123456789",
            "REDIS_URL": redis_url,
            "MAIL_SERVER": smtp_server.hostname,
            "MAIL_PORT": str(smtp_server.port),
        },
        "--burst",
        "--logging-level",
        "WARNING",
    )
    assert done.returncode == 0, done.stderr[-3000:]

    assert [m["Subject"] for m in smtp_server.messages] == ["Klaar"]
    with app.app_context():
        assert db.session.get(GenerationJob, job_id).status is JobStatus.DONE
        agreements = db.session.scalars(sa.select(Agreement).where(Agreement.tender_id == tender_id)).all()
        assert sorted(a.organisation_id for a in agreements) == organisation_ids
        assert all(a.versions[-1].pdf_sha256 for a in agreements)
        db.session.remove()
    assert Queue("agreements", connection=connection).count == 0
    assert Queue("portal", connection=connection).count == 0


def test_the_worker_refuses_to_start_without_redis(database_url):
    done = _worker({"DATABASE_URL": database_url, "REDIS_URL": "", "SECRET_KEY": "x" * 40}, "--burst")
    assert done.returncode == 2
    assert "REDIS_URL is not set" in done.stderr
