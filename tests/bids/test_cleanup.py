"""`flask uploads-cleanup`: evidence attached to no answer is removed a day later, row and file."""

from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa

from portal import clock, uploads
from portal.bids import cleanup, service
from portal.bids import evidence as bid_evidence
from portal.extensions import db
from portal.models import EvidenceFile
from tests.bids.conftest import complete
from tests.bids.test_uploads import PDF

DAY = timedelta(days=1)


def _upload(bid, user, name: str = "vog.pdf") -> EvidenceFile:
    requirement = bid.tender.requirements[0]
    data = PDF + name.encode()  # a different SHA-256 per file
    return bid_evidence.attach(bid, requirement, io.BytesIO(data), name, user=user, now=clock.now())


def _detach(bid, evidence: EvidenceFile, user) -> None:
    bid_evidence.detach(bid, bid.tender.requirements[0], evidence.id, user=user, now=clock.now())


def _run(now) -> cleanup.CleanupReport:
    report = cleanup.forget_unattached(now=now, kept=DAY)
    db.session.commit()
    cleanup.remove_files(report)
    return report


def _exists(evidence_id: int) -> bool:
    return db.session.scalar(sa.select(sa.func.count()).where(EvidenceFile.id == evidence_id)) == 1


def test_a_detached_file_is_removed_a_day_after_it_was_found_unattached(bid, provider):
    evidence = _upload(bid, provider)
    evidence_id, path = evidence.id, uploads.path_of(evidence.stored_name)
    _detach(bid, evidence, provider)
    start = clock.now()
    assert _run(start).marked == 1
    assert _run(start + timedelta(hours=23)).removed == []
    assert _exists(evidence_id)
    assert path.is_file()
    report = _run(start + DAY)
    assert report.removed == [path]
    assert not _exists(evidence_id)
    assert not path.exists()
    again = _run(start + 2 * DAY)  # idempotent: nothing left to do, nothing fails
    assert (again.marked, again.removed, again.failed) == (0, [], [])


def test_an_attached_file_is_never_removed_however_old(bid, provider):
    evidence = _upload(bid, provider)
    evidence.uploaded_at = clock.now() - 30 * DAY
    report = _run(clock.now() + 30 * DAY)
    assert (report.marked, report.removed) == (0, [])
    assert uploads.path_of(evidence.stored_name).is_file()


def test_a_file_attached_again_within_the_day_is_kept_and_the_count_starts_afresh(bid, provider):
    evidence = _upload(bid, provider)
    _detach(bid, evidence, provider)
    start = clock.now()
    _run(start)
    bid_evidence.reuse(bid, bid.tender.requirements[0], evidence.id, user=provider, now=start)
    assert _run(start + 2 * DAY).removed == []
    _detach(bid, evidence, provider)
    _run(start + 3 * DAY)  # found unattached again: marked now, not removed
    assert _exists(evidence.id)
    assert _run(start + 4 * DAY).removed == [uploads.path_of(evidence.stored_name)]


def test_a_file_of_a_submitted_bid_is_never_removed_even_after_withdrawal_and_detach(bid, provider):
    complete(bid, provider)
    evidence = _upload(bid, provider)
    service.submit(bid, user=provider, idempotency_key="c" * 32, now=clock.now())
    service.withdraw(bid, user=provider, now=clock.now())
    db.session.commit()
    _detach(bid, evidence, provider)
    start = clock.now()
    _run(start)
    assert _run(start + 10 * DAY).removed == []
    assert _exists(evidence.id)
    assert uploads.path_of(evidence.stored_name).is_file()


def test_one_bad_file_does_not_stop_the_run_and_the_command_says_so(app, bid, provider):
    bad, good = _upload(bid, provider, "slecht.pdf"), _upload(bid, provider, "goed.pdf")
    bad_path, good_path = uploads.path_of(bad.stored_name), uploads.path_of(good.stored_name)
    for evidence in (bad, good):
        _detach(bid, evidence, provider)
    bad_path.unlink()
    bad_path.mkdir()  # cannot be removed as a file
    db.session.execute(sa.update(EvidenceFile).values(unattached_since=clock.now() - 2 * DAY))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["uploads-cleanup"])
    assert result.exit_code == 1
    assert "1 removed, 1 failed" in result.output
    assert f"evidence {bad.id}" in result.output
    assert not good_path.exists()
    assert _exists(bad.id)  # kept, to be looked at; the next run tries again
    bad_path.rmdir()
    second = app.test_cli_runner().invoke(args=["uploads-cleanup"])
    assert second.exit_code == 0, second.output
    assert "1 removed, 0 failed" in second.output
    assert not _exists(bad.id)
