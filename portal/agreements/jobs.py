"""Bulk generation ("genereer alle overeenkomsten") for a tender, as a resumable background job.

Design (issue 7): each agreement is generated whole by one worker in two short transactions of its
own: (1) take the number, insert the agreement and version 1 (content only) and commit — the row
lock on the year's number is held only for this, so the workers do not wait on each other while
rendering; (2) render the PDF/A, store it with its SHA-256 and commit. The parent process only
creates the job, hands out the organisations and records each item's outcome.

- Both cores: a ProcessPoolExecutor with max_workers=2 (spawned processes; each builds its own app
  and database connection). `workers=0` runs the items in the calling process (tests, small jobs).
- Resumable without duplicates: the unique (tender, organisation) constraint, items already done
  are skipped, and an agreement found without a PDF (a crash between (1) and (2)) only gets its PDF.
- Where it runs: RQ on Redis when REDIS_URL is set (`rq worker agreements`), in a thread of the web
  process otherwise; in testing mode inline in the request, so the test's transaction sees it.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.exc import IntegrityError, OperationalError

from portal import audit, clock
from portal.agreements import document, queries, service
from portal.agreements.rules import AgreementRefused
from portal.extensions import db
from portal.models import GenerationJob, GenerationJobItem, JobStatus, Organisation, Tender, User

log = logging.getLogger(__name__)
WORKERS = 2
QUEUE_NAME = "agreements"
LOCKED_RETRIES = 5
WORKER_CONFIG_KEYS = ("SQLALCHEMY_DATABASE_URI", "UPLOAD_DIR", "SECRET_KEY", "MAIL_SERVER", "MAIL_PORT")


# --- creating and dispatching (inside a request: flush only) --------------------------------------


def create_job(tender: Tender, *, user: User | None) -> GenerationJob:
    """A job with one item per admitted provider; providers whose contract is complete count as done."""
    job = GenerationJob(tender_id=tender.id, status=JobStatus.QUEUED, created_by_id=user.id if user else None)
    for admission in queries.admissions(tender.id):
        agreement = queries.agreement_for(tender.id, admission.organisation_id)
        done = agreement is not None and bool(agreement.versions[-1].pdf_sha256)
        job.items.append(
            GenerationJobItem(
                organisation_id=admission.organisation_id,
                status=JobStatus.DONE if done else JobStatus.QUEUED,
                agreement_id=agreement.id if done else None,
            )
        )
    db.session.add(job)
    db.session.flush()
    audit.record(
        "agreements.generation_started", job, actor=user, tender=tender.reference, items=len(job.items)
    )
    return job


def retry_failures(job: GenerationJob, *, user: User | None) -> int:
    """Put the failed items back in the queue (only those); returns how many."""
    failed = [item for item in job.items if item.status is JobStatus.FAILED]
    for item in failed:
        item.status, item.error = JobStatus.QUEUED, None
    job.status, job.finished_at = JobStatus.QUEUED, None
    db.session.flush()
    audit.record("agreements.generation_retried", job, actor=user, items=len(failed))
    return len(failed)


def dispatch(job_id: int) -> str:
    """Start the job where this installation runs background work; returns the mode used."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    mode = app.config.get("AGREEMENT_JOBS") or (
        "rq" if app.config.get("REDIS_URL") else ("inline" if app.testing else "thread")
    )
    if mode == "rq":
        from redis import Redis
        from rq import Queue

        queue = Queue(QUEUE_NAME, connection=Redis.from_url(app.config["REDIS_URL"]))
        queue.enqueue(run_job_from_environment, job_id, job_timeout=6 * 3600)
    elif mode == "thread":
        threading.Thread(target=_run_in_thread, args=(app, job_id), daemon=True).start()
    else:
        run_job(job_id, workers=0)
    return mode


def _run_in_thread(app: Flask, job_id: int) -> None:
    with app.app_context():
        run_job(job_id, workers=WORKERS)
        db.session.remove()


def run_job_from_environment(job_id: int) -> None:
    """The RQ task: a fresh app from the environment (DATABASE_URL, UPLOAD_DIR, ...)."""
    from portal import create_app

    with create_app().app_context():
        run_job(job_id, workers=WORKERS)


# --- running (a worker boundary: commits per item) ------------------------------------------------


def run_job(job_id: int, *, workers: int = WORKERS, limit: int | None = None) -> GenerationJob:
    """Generate the job's queued items. `limit` stops after that many (used to simulate a crash)."""
    job = _wait_for_job(job_id)
    job.status = JobStatus.RUNNING
    service.seed_default_template()  # before the workers start: they must not race to create it
    db.session.commit()
    pending = [(item.id, item.organisation_id) for item in job.items if item.status is not JobStatus.DONE]
    pending = pending[:limit] if limit is not None else pending
    tender_id = job.tender_id
    db.session.commit()  # hold no transaction (on SQLite: no read lock) while the workers write
    if workers <= 0:
        for item_id, organisation_id in pending:
            _record(item_id, generate_one(tender_id, organisation_id))
    else:
        _run_pool(tender_id, pending, workers)
    return _finish(job_id, complete=limit is None)


def _run_pool(tender_id: int, pending: list[tuple[int, int]], workers: int) -> None:
    config = {key: current_app.config.get(key) for key in WORKER_CONFIG_KEYS}
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_worker_init, initargs=(config,)
    ) as pool:
        futures = {pool.submit(_worker_generate, tender_id, org_id): item_id for item_id, org_id in pending}
        for future in as_completed(futures):
            try:
                outcome = future.result()
            except Exception as error:  # a crashed worker process: record it, keep going
                outcome = {"error": f"{type(error).__name__}: {error}"}
            _record(futures[future], outcome)


def _record(item_id: int, outcome: dict[str, Any]) -> None:
    for attempt in range(LOCKED_RETRIES):
        item = db.session.get(GenerationJobItem, item_id)
        if outcome.get("error"):
            item.status, item.error = JobStatus.FAILED, outcome["error"]
        else:
            item.status, item.error, item.agreement_id = JobStatus.DONE, None, outcome["agreement_id"]
        try:
            db.session.commit()
            return
        except OperationalError:  # SQLite only: a worker is writing; wait for it and try again
            db.session.rollback()
            if attempt == LOCKED_RETRIES - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


def _finish(job_id: int, *, complete: bool) -> GenerationJob:
    job = db.session.get(GenerationJob, job_id)
    db.session.refresh(job)
    statuses = [item.status for item in job.items]
    if complete:
        job.status = JobStatus.FAILED if JobStatus.FAILED in statuses else JobStatus.DONE
        job.finished_at = clock.now()
    db.session.commit()
    return job


def _wait_for_job(job_id: int, timeout: float = 30.0) -> GenerationJob:
    """The job row is committed by the request that created it, possibly just after we were started."""
    deadline = time.monotonic() + timeout
    while True:
        job = db.session.get(GenerationJob, job_id)
        if job is not None or time.monotonic() > deadline:
            break
        db.session.rollback()
        time.sleep(0.2)
    if job is None:
        raise LookupError(f"generation job {job_id} not found")
    return job


def generate_one(tender_id: int, organisation_id: int) -> dict[str, Any]:
    """One whole agreement in two commits; safe to run again for the same organisation."""
    try:
        agreement = queries.agreement_for(tender_id, organisation_id)
        if agreement is None:
            tender = db.session.get(Tender, tender_id)
            organisation = db.session.get(Organisation, organisation_id)
            agreement = service.create_agreement(tender, organisation, now=clock.now())
            db.session.commit()
        version = agreement.versions[-1]
        if not version.pdf_sha256:
            data = document.render_version(version)
            db.session.commit()  # end the read transaction before rendering is stored (SQLite: no held lock)
            service.attach_pdf(version, data)
            db.session.commit()
        return {"agreement_id": agreement.id}
    except AgreementRefused as refusal:
        db.session.rollback()
        return {"error": str(refusal)}
    except IntegrityError:  # another job generated it at the same moment: it exists now
        db.session.rollback()
        agreement = queries.agreement_for(tender_id, organisation_id)
        return {"agreement_id": agreement.id} if agreement else {"error": "IntegrityError"}
    except OperationalError as error:  # SQLite: two writers met; the worker tries again
        db.session.rollback()
        log.warning("agreement of organisation %s: %s", organisation_id, error.orig)
        return {"error": f"OperationalError: {error.orig}"}
    except Exception as error:  # recorded on the item with its reason, retried on request
        log.exception("generating the agreement of organisation %s failed", organisation_id)
        db.session.rollback()
        return {"error": f"{type(error).__name__}: {error}"}


# --- the worker processes -------------------------------------------------------------------------

_worker_app: Flask | None = None


def _worker_init(config: dict[str, Any]) -> None:
    global _worker_app
    from config import Config
    from portal import create_app

    _worker_app = create_app(type("WorkerConfig", (Config,), dict(config)))


def _worker_generate(tender_id: int, organisation_id: int) -> dict[str, Any]:
    assert _worker_app is not None
    with _worker_app.app_context():
        try:
            for attempt in range(LOCKED_RETRIES):
                outcome = generate_one(tender_id, organisation_id)
                if "database is locked" not in outcome.get("error", ""):
                    break
                time.sleep(0.2 * (attempt + 1))  # SQLite only: two writers met; the other one goes first
            return outcome
        finally:
            db.session.remove()


# --- progress ---------------------------------------------------------------------------------------


def progress(job: GenerationJob) -> dict[str, Any]:
    items = job.items
    done = sum(1 for item in items if item.status is JobStatus.DONE)
    failed = [item for item in items if item.status is JobStatus.FAILED]
    names = queries.organisation_names({item.organisation_id for item in failed})
    return {
        "total": len(items),
        "done": done,
        "failed": [
            {"organisation": names.get(i.organisation_id, ""), "error": i.error or ""} for i in failed
        ],
        "percent": round(100 * done / len(items)) if items else 100,
        "running": job.status in (JobStatus.QUEUED, JobStatus.RUNNING),
    }


def count_agreements(tender_id: int) -> int:
    from portal.models import Agreement

    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Agreement).where(Agreement.tender_id == tender_id)
    )
