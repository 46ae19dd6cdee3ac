"""Bulk generation: resumes after an interruption without duplicates, failures retried on their own."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal import background
from portal.agreements import jobs, service
from portal.extensions import db
from portal.models import Agreement, GenerationJob, JobStatus, Tariff
from tests import factories
from tests.agreements.helpers import NOW, priced_tender, result_level


def _small_tender():
    return priced_tender(results=1, levels=(4,), municipalities=2, lots=1)


def _agreements(tender_id: int) -> list[Agreement]:
    return list(db.session.scalars(sa.select(Agreement).where(Agreement.tender_id == tender_id)))


def test_an_interrupted_run_resumes_without_duplicates_or_gaps(app):
    tender = _small_tender()
    organisations = [factories.admitted_provider(tender) for _ in range(5)]
    job = jobs.create_job(tender, user=None)
    jobs.run_job(job.id, workers=0, limit=2)  # the "crash": two done, three never started
    assert len(_agreements(tender.id)) == 2
    again = jobs.create_job(tender, user=None)
    assert sum(item.status is JobStatus.DONE for item in again.items) == 2
    jobs.run_job(again.id, workers=0)
    agreements = _agreements(tender.id)
    assert sorted(a.organisation_id for a in agreements) == sorted(o.id for o in organisations)
    assert sorted(a.sequence for a in agreements) == [1, 2, 3, 4, 5]
    assert all(a.versions[-1].pdf_sha256 for a in agreements)
    assert again.status is JobStatus.DONE
    assert jobs.progress(again)["done"] == 5


def test_a_crash_between_numbering_and_rendering_only_renders_the_missing_pdf(app):
    tender = _small_tender()
    organisation = factories.admitted_provider(tender)
    half_done = service.create_agreement(tender, organisation, now=NOW)  # numbered, no PDF yet
    db.session.commit()
    job = jobs.create_job(tender, user=None)
    jobs.run_job(job.id, workers=0)
    (agreement,) = _agreements(tender.id)
    assert agreement.id == half_done.id
    assert agreement.number == half_done.number
    assert agreement.versions[-1].pdf_sha256


def test_failures_are_listed_with_their_reason_and_only_they_are_retried(app):
    tender = _small_tender()
    rl = result_level(tender, "R1", 4)
    good = factories.admitted_provider(tender, lines=[(rl, tender.municipalities[0])])
    missing = next(t for t in rl.tariffs if t.municipality_id == tender.municipalities[1].id)
    bad = factories.admitted_provider(tender, lines=[(rl, tender.municipalities[1])])
    saved = (missing.result_level_id, missing.municipality_id, missing.valid_from, missing.amount)
    db.session.delete(missing)
    db.session.commit()
    job = jobs.create_job(tender, user=None)
    jobs.run_job(job.id, workers=0)
    report = jobs.progress(job)
    assert job.status is JobStatus.FAILED
    assert report["done"] == 1
    assert report["failed"] == [{"organisation": bad.name, "error": report["failed"][0]["error"]}]
    assert "geen tarief" in report["failed"][0]["error"]
    (first,) = _agreements(tender.id)
    first_hash = first.versions[-1].pdf_sha256

    db.session.add(
        Tariff(result_level_id=saved[0], municipality_id=saved[1], valid_from=saved[2], amount=saved[3])
    )
    db.session.commit()
    assert jobs.retry_failures(job, user=None) == 1
    jobs.run_job(job.id, workers=0)
    assert job.status is JobStatus.DONE
    agreements = {a.organisation_id: a for a in _agreements(tender.id)}
    assert set(agreements) == {good.id, bad.id}
    assert agreements[good.id].versions[-1].pdf_sha256 == first_hash
    assert len(agreements[good.id].versions) == 1


def test_the_cli_command_generates_all_and_reports(app, runner):
    tender = _small_tender()
    factories.admitted_provider(tender)
    factories.admitted_provider(tender)
    result = runner.invoke(args=["agreements-generate", tender.reference, "--workers", "0"])
    assert result.exit_code == 0, result.output
    assert "2/2 agreements done, 0 failed" in result.output
    result = runner.invoke(args=["agreements-generate", tender.reference, "--workers", "0"])
    assert "2/2 agreements done" in result.output
    assert len(_agreements(tender.id)) == 2


def test_the_cli_refuses_an_unknown_tender(app, runner):
    result = runner.invoke(args=["agreements-generate", "BESTAAT-NIET"])
    assert result.exit_code != 0
    assert "no tender" in result.output


@pytest.mark.committed
def test_the_process_pool_generates_every_agreement_once(app):
    with app.app_context():
        tender = _small_tender()
        ids = sorted(factories.admitted_provider(tender).id for _ in range(4))
        job = jobs.create_job(tender, user=None)
        db.session.commit()
        job = jobs.run_job(job.id, workers=2)
        assert job.status is JobStatus.DONE
        agreements = _agreements(tender.id)
        assert sorted(a.organisation_id for a in agreements) == ids
        assert sorted(a.sequence for a in agreements) == [1, 2, 3, 4]
        assert all(a.versions[-1].pdf_sha256 for a in agreements)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(GenerationJob)) == 1
        db.session.remove()


def test_with_redis_configured_the_job_goes_to_the_agreements_queue_after_the_commit(
    app, redis_url, monkeypatch
):
    from redis import Redis
    from rq import Queue

    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    tender = _small_tender()
    factories.admitted_provider(tender)
    queue = Queue(jobs.QUEUE_NAME, connection=Redis.from_url(redis_url))
    with app.test_request_context():
        job = jobs.create_job(tender, user=None)
        jobs.start(job.id)
        assert queue.get_jobs() == []  # not before the request's commit
        background.run_pending()
    (queued,) = queue.get_jobs()
    assert queued.func_name == "worker.run"
    assert queued.args == ("portal.agreements.jobs.run_job", job.id)
    assert queued.timeout == background.QUEUES["agreements"]
    assert _agreements(tender.id) == []  # nothing ran in the web process


def test_a_job_started_in_a_request_that_rolls_back_never_runs(app):
    tender = _small_tender()
    factories.admitted_provider(tender)
    with app.test_request_context():
        job = jobs.create_job(tender, user=None)
        jobs.start(job.id)
        background.discard()  # what the boundary does for a failed request
        background.run_pending()
    assert _agreements(tender.id) == []
    with app.test_request_context():
        jobs.start(job.id)
        background.run_pending()  # inline in tests: the job ran in this process, without a pool
    assert len(_agreements(tender.id)) == 1
    assert job.status is JobStatus.DONE
