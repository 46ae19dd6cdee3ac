"""Per-organisation upload limits: stored files per hour and stored megabytes, refused before writing."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal import clock, uploads
from portal.bids import evidence as bid_evidence
from portal.models import Role
from tests import factories
from tests.bids.test_uploads import PDF


def _pdf(kilobytes: int) -> io.BytesIO:
    return io.BytesIO(PDF + b"%" + b"0" * (kilobytes * 1024))


def _files_on_disk() -> set:
    return set(uploads.upload_dir().iterdir())


def test_the_upload_after_the_hourly_limit_is_refused_until_the_hour_has_passed(
    app, monkeypatch, bid, provider
):
    monkeypatch.setitem(app.config, "UPLOAD_RATE_PER_HOUR", 2)
    requirement = bid.tender.requirements[0]
    start = clock.now()
    for minute in (0, 10):
        bid_evidence.attach(
            bid, requirement, _pdf(1), "a.pdf", user=provider, now=start + timedelta(minutes=minute)
        )
    before = _files_on_disk()
    with pytest.raises(uploads.UploadRefused, match="afgelopen uur al 2 bestanden") as refused:
        bid_evidence.attach(
            bid, requirement, _pdf(1), "c.pdf", user=provider, now=start + timedelta(minutes=30)
        )
    expected = clock.to_local(start + timedelta(hours=1)).strftime("%H:%M")
    assert f"vanaf {expected}" in str(refused.value)
    assert _files_on_disk() == before
    bid_evidence.attach(bid, requirement, _pdf(1), "d.pdf", user=provider, now=start + timedelta(minutes=61))


def test_the_hourly_limit_counts_per_organisation(app, monkeypatch, bid, provider, tender):
    monkeypatch.setitem(app.config, "UPLOAD_RATE_PER_HOUR", 1)
    bid_evidence.attach(bid, tender.requirements[0], _pdf(1), "a.pdf", user=provider, now=clock.now())
    other = factories.user_with_role(Role.PROVIDER_ADMIN)
    from portal.bids import service

    other_bid = service.start_bid(tender, other.organisation, other, now=clock.now())
    bid_evidence.attach(other_bid, tender.requirements[0], _pdf(1), "b.pdf", user=other, now=clock.now())


def test_a_file_that_would_pass_the_storage_quota_is_refused_and_not_written(app, monkeypatch, bid, provider):
    monkeypatch.setitem(app.config, "UPLOAD_QUOTA_MB", 1)
    requirement = bid.tender.requirements[0]
    bid_evidence.attach(bid, requirement, _pdf(600), "groot.pdf", user=provider, now=clock.now())
    before = _files_on_disk()
    with pytest.raises(uploads.UploadRefused, match="opslagruimte van uw organisatie is vol") as refused:
        bid_evidence.attach(bid, requirement, _pdf(600), "nog-een.pdf", user=provider, now=clock.now())
    assert "0,6 van 1 MB" in str(refused.value)
    assert _files_on_disk() == before
    bid_evidence.attach(bid, requirement, _pdf(300), "klein.pdf", user=provider, now=clock.now())


def test_over_http_the_limit_is_a_clear_refusal_not_an_error(
    app, monkeypatch, client, auth, no_csrf, bid, provider
):
    monkeypatch.setitem(app.config, "UPLOAD_QUOTA_MB", 0)
    auth.login(provider)
    requirement = bid.tender.requirements[0]
    response = client.post(
        f"/inschrijvingen/{bid.id}/eisen/{requirement.id}/bewijs",
        data={"file": (_pdf(1), "vog.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "De opslagruimte van uw organisatie is vol" in response.text


@pytest.mark.postgres
@pytest.mark.committed
def test_two_colleagues_uploading_at_once_cannot_pass_the_hourly_limit_together(app, monkeypatch):
    import threading

    from portal.bids import service, versioned
    from portal.extensions import db
    from portal.models import Bid, EvidenceFile, User

    with app.app_context():
        tender = factories.tender_with_matrix()
        requirement = factories.RequirementFactory(tender=tender)
        first = factories.user_with_role(Role.PROVIDER_ADMIN)
        second = factories.user_with_role(Role.PROVIDER_MEMBER, first.organisation)
        bid = service.start_bid(tender, first.organisation, first, now=clock.now())
        db.session.commit()
        bid_id, requirement_id, user_ids = bid.id, requirement.id, (first.id, second.id)
        db.session.remove()
    monkeypatch.setitem(app.config, "UPLOAD_RATE_PER_HOUR", 1)
    barrier = threading.Barrier(2)
    results: list[object] = []

    def colleague(user_id: int) -> None:
        with app.app_context():
            try:
                user, bid = db.session.get(User, user_id), db.session.get(Bid, bid_id)
                requirement = versioned.requirement_of(bid, requirement_id)
                barrier.wait(timeout=10)
                bid_evidence.attach(bid, requirement, _pdf(1), "vog.pdf", user=user, now=clock.now())
                db.session.commit()
                results.append("stored")
            except uploads.UploadRefused as refused:
                results.append(str(refused))
            except Exception as error:  # reported by the assertion below
                results.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=colleague, args=(uid,)) for uid in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(map(str, results))[1] == "stored", results
    assert "afgelopen uur al 1 bestanden" in sorted(map(str, results))[0]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(EvidenceFile)) == 1
        db.session.remove()
