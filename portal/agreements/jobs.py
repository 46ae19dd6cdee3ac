"""Bulk generation ("genereer alle overeenkomsten") for a tender, as a resumable background job.

Design (issue 7): each agreement is generated whole by one worker in two short transactions of its
own: (1) take the number, insert the agreement and version 1 (content only) and commit — the row
lock on the year's number is held only for this, so the workers do not wait on each other while
rendering; (2) render the PDF/A, store it with its SHA-256 and commit. The parent process only
creates the job, hands out the organisations and records each item's outcome.

- Where it runs: `start` hands the job to portal.background after the request's commit, on the
  queue `agreements` (RQ, a thread, or inline in tests, as all background work).
- Both cores: the items run in portal.background's process pool (two processes, each started
  through the worker entry point). `workers=0` runs them in the calling process (tests, small jobs).
- Resumable without duplicates: the unique (tender, organisation) constraint, items already done
  are skipped, and an agreement found without a PDF (a crash between (1) and (2)) only gets its PDF.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError

from portal import audit, background, clock
from portal.agreements import document, queries, service
from portal.agreements.rules import AgreementRefused
from portal.extensions import db
from portal.models import Agreement, GenerationJob, GenerationJobItem, JobStatus, Organisation, Tender, User

log = logging.getLogger(__name__)
WORKERS = background.PROCESSES
QUEUE_NAME = "agreements"
LOCKED_RETRIES = 5


# --- creating and dispatching (inside a request: flush only) --------------------------------------


def create_job(tender: Tender, *, user: User | None) -> GenerationJob:
    """A job with one item per admitted provider; providers whose contract is complete count as done."""
    job = GenerationJob(tender_id=tender.id, status=JobStatus.QUEUED, created_by_id=user.id if user else None)
    job.items.extend(
        _item(tender.id, admission.organisation_id) for admission in queries.admissions(tender.id)
    )
    db.session.add(job)
    db.session.flush()
    audit.record(
        "agreements.generation_started", job, actor=user, tender=tender.reference, items=len(job.items)
    )
    return job


def _item(tender_id: int, organisation_id: int) -> GenerationJobItem:
    """Queued, or done when the provider's contract and its PDF exist already."""
    item = GenerationJobItem(organisation_id=organisation_id, status=JobStatus.QUEUED)
    agreement = queries.agreement_for(tender_id, organisation_id)
    if agreement is not None and agreement.versions[-1].pdf_sha256:
        item.status, item.agreement_id = JobStatus.DONE, agreement.id
    return item


def retry_failures(job: GenerationJob, *, user: User | None) -> int:
    """Put the failed items back in the queue (only those); returns how many."""
    failed = [item for item in job.items if item.status is JobStatus.FAILED]
    for item in failed:
        item.status, item.error = JobStatus.QUEUED, None
    job.status, job.finished_at = JobStatus.QUEUED, None
    db.session.flush()
    audit.record("agreements.generation_retried", job, actor=user, items=len(failed))
    return len(failed)


def start(job_id: int) -> None:
    """Run the job once the request has committed (not at all when it rolls back)."""
    background.after_commit(f"{__name__}.run_job", job_id, queue=QUEUE_NAME)


# --- running (a worker boundary: commits per item) ------------------------------------------------


def run_job(job_id: int, *, workers: int | None = None, limit: int | None = None) -> GenerationJob:
    """Generate the job's queued items in `workers` processes (default: background.processes()).

    `limit` stops after that many items (used to simulate a crash).
    """
    job = db.session.get(GenerationJob, job_id)
    if job is None:
        raise LookupError(f"generation job {job_id} not found")
    job.status = JobStatus.RUNNING
    service.seed_default_template()  # before the workers start: they must not race to create it
    db.session.commit()
    pending = {item.organisation_id: item.id for item in job.items if item.status is not JobStatus.DONE}
    calls = [(job.tender_id, organisation_id) for organisation_id in pending][:limit]
    db.session.commit()  # hold no transaction (on SQLite: no read lock) while the workers write
    _generate_items(calls, pending, background.processes() if workers is None else workers)
    return _finish(job_id, complete=limit is None)


def _generate_items(calls: list[tuple[int, int]], item_ids: dict[int, int], workers: int) -> None:
    for (_, organisation_id), outcome in background.in_processes(
        f"{__name__}.generate", calls, workers=workers
    ):
        if isinstance(outcome, BaseException):  # a crashed worker process: record it, keep going
            outcome = {"error": f"{type(outcome).__name__}: {outcome}"}
        _record(item_ids[organisation_id], outcome)


def _record(item_id: int, outcome: dict[str, Any]) -> None:
    for attempt in range(LOCKED_RETRIES):
        item = db.session.get_one(GenerationJobItem, item_id)
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
    job = db.session.get_one(GenerationJob, job_id)
    db.session.refresh(job)
    statuses = [item.status for item in job.items]
    if complete:
        job.status = JobStatus.FAILED if JobStatus.FAILED in statuses else JobStatus.DONE
        job.finished_at = clock.now()
    db.session.commit()
    return job


def generate_one(tender_id: int, organisation_id: int) -> dict[str, Any]:
    """One whole agreement in two commits; safe to run again for the same organisation."""
    try:
        return {"agreement_id": _generate(tender_id, organisation_id).id}
    except AgreementRefused as refusal:
        db.session.rollback()
        return {"error": str(refusal)}
    except IntegrityError:  # another job generated it at the same moment: it exists now
        db.session.rollback()
        return _made_elsewhere(tender_id, organisation_id)
    except OperationalError as error:  # SQLite: two writers met; the worker tries again
        db.session.rollback()
        log.warning("agreement of organisation %s: %s", organisation_id, error.orig)
        return {"error": f"OperationalError: {error.orig}"}
    except Exception as error:  # recorded on the item with its reason, retried on request
        log.exception("generating the agreement of organisation %s failed", organisation_id)
        db.session.rollback()
        return {"error": f"{type(error).__name__}: {error}"}


def _made_elsewhere(tender_id: int, organisation_id: int) -> dict[str, Any]:
    agreement = queries.agreement_for(tender_id, organisation_id)
    return {"agreement_id": agreement.id} if agreement else {"error": "IntegrityError"}


def _generate(tender_id: int, organisation_id: int) -> Agreement:
    """(1) the agreement and version 1, committed; (2) its PDF, committed. Each step only when missing."""
    agreement = queries.agreement_for(tender_id, organisation_id)
    if agreement is None:
        tender, organisation = (
            db.session.get_one(Tender, tender_id),
            db.session.get_one(Organisation, organisation_id),
        )
        agreement = service.create_agreement(tender, organisation, now=clock.now())
        db.session.commit()
    version = agreement.versions[-1]
    if not version.pdf_sha256:
        data = document.render_version(version)
        db.session.commit()  # end the read transaction before rendering is stored (SQLite: no held lock)
        service.attach_pdf(version, data)
        db.session.commit()
    return agreement


def generate(tender_id: int, organisation_id: int) -> dict[str, Any]:
    """The pool's task: one agreement, tried again while SQLite reports another writer."""
    for attempt in range(LOCKED_RETRIES):
        outcome = generate_one(tender_id, organisation_id)
        if "database is locked" not in outcome.get("error", ""):
            break
        time.sleep(0.2 * (attempt + 1))  # SQLite only: two writers met; the other one goes first
    return outcome


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
