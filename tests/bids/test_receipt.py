"""Receipt: PDF text and hash read back (pypdf), mailed through a real SMTP server, verified publicly."""

from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa
import time_machine
from pypdf import PdfReader

from portal import clock
from portal.bids import evidence as bid_evidence
from portal.bids import receipt, service
from portal.extensions import db
from portal.models import BidSubmission
from tests import factories
from tests.bids.conftest import complete

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _submitted(bid, provider):
    complete(bid, provider)
    requirement = bid.tender.requirements[0]
    bid_evidence.attach(bid, requirement, io.BytesIO(PDF), "vog-beleid.pdf", user=provider, now=clock.now())
    submission = service.submit(bid, user=provider, idempotency_key="a" * 32, now=clock.now())
    db.session.commit()
    return submission


def test_receipt_pdf_shows_the_submission_and_its_hash_reads_back(app, bid, provider):
    submission = _submitted(bid, provider)
    with app.test_request_context():
        data = receipt.render(submission)
    text = _text(data)
    assert bid.tender.reference in text
    assert bid.organisation.name in text
    assert "Ontvangen op" in text
    assert clock.to_local(submission.submitted_at).strftime("%d-%m-%Y %H:%M:%S") in text
    assert "Resultaat 1" in text
    assert "niveau 4" in text
    assert "vog-beleid.pdf" in text
    assert "VOG voor alle professionals" in text
    evidence_sha = submission.content["requirements"][0]["evidence"][0]["sha256"]
    assert evidence_sha in text.replace("\n", "")
    assert receipt.hash_from_pdf(data) == submission.sha256


def test_receipt_is_mailed_to_the_organisation_users_with_the_pdf(
    client, auth, no_csrf, bid, provider, colleague, smtp_server
):
    complete(bid, provider)
    auth.login(provider)
    response = client.post(
        f"/inschrijvingen/{bid.id}/indienen", data={"idempotency_key": "m" * 32, "confirm": "y"}
    )
    assert response.status_code == 302
    submission = db.session.scalar(sa.select(BidSubmission))
    recipients = sorted(m["To"] for m in smtp_server.messages)
    assert recipients == sorted([provider.email, colleague.email])
    message = smtp_server.messages[0]
    assert submission.sha256 in smtp_server.body_of(message)
    attachments = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
    assert len(attachments) == 1
    assert receipt.hash_from_pdf(attachments[0].get_payload(decode=True)) == submission.sha256


def test_receipt_download_and_verify_by_hash_and_by_pdf(client, auth, no_csrf, bid, provider):
    submission = _submitted(bid, provider)
    auth.login(provider)
    download = client.get(f"/inschrijvingen/{bid.id}/ontvangstbewijs/{submission.version}")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.mimetype == "application/pdf"
    auth.logout()
    by_hash = client.post("/ontvangstbewijs/controleren", data={"sha256": submission.sha256.upper()})
    assert by_hash.status_code == 200
    assert "De hash komt overeen met een inschrijving" in by_hash.text
    assert bid.tender.reference in by_hash.text
    assert bid.organisation.name not in by_hash.text  # no content, no organisation
    by_pdf = client.post(
        "/ontvangstbewijs/controleren",
        data={"receipt": (io.BytesIO(download.data), "ontvangstbewijs.pdf")},
        content_type="multipart/form-data",
    )
    assert "De hash komt overeen met een inschrijving" in by_pdf.text


def test_verify_with_an_unknown_hash_says_so(client, no_csrf):
    response = client.post("/ontvangstbewijs/controleren", data={"sha256": "0" * 64})
    assert response.status_code == 200
    assert "Er is geen inschrijving met deze hash" in response.text
    assert client.post("/ontvangstbewijs/controleren", data={"sha256": "kapot"}).status_code == 422


def test_submit_through_the_page_one_second_before_and_after_the_deadline(client, auth, no_csrf, provider):
    from portal.models import Procedure

    tender = factories.tender_with_matrix(
        procedure=Procedure.COMPETITIVE, submission_deadline=clock.now() + timedelta(days=3)
    )
    factories.RequirementFactory(tender=tender)
    early = factories.user_with_role(factories.Role.PROVIDER_ADMIN)
    late = factories.user_with_role(factories.Role.PROVIDER_ADMIN)
    bids = []
    for user in (early, late):
        bid = service.start_bid(tender, user.organisation, user, now=clock.now())
        complete(bid, user)
        bids.append(bid)
    deadline = tender.submission_deadline
    with time_machine.travel(deadline - timedelta(seconds=1), tick=False):
        auth.login(early)
        response = client.post(
            f"/inschrijvingen/{bids[0].id}/indienen", data={"idempotency_key": "e" * 32, "confirm": "y"}
        )
        assert response.status_code == 302
    with time_machine.travel(deadline + timedelta(seconds=1), tick=False):
        auth.login(late)
        response = client.post(
            f"/inschrijvingen/{bids[1].id}/indienen", data={"idempotency_key": "l" * 32, "confirm": "y"}
        )
        assert response.status_code == 422
        assert "termijn" in response.text
    submitted = db.session.scalars(sa.select(BidSubmission)).all()
    assert [s.bid_id for s in submitted] == [bids[0].id]
    assert submitted[0].submitted_at == deadline - timedelta(seconds=1)


def test_verify_with_a_file_that_is_not_a_receipt_is_refused(client, no_csrf):
    response = client.post(
        "/ontvangstbewijs/controleren",
        data={"receipt": (io.BytesIO(b"geen pdf"), "bon.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "upload het ontvangstbewijs" in response.text


def test_verify_is_rate_limited_per_address(client, no_csrf):
    statuses = [
        client.post("/ontvangstbewijs/controleren", data={"sha256": "0" * 64}).status_code for _ in range(31)
    ]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
