"""The receipt PDF is made after the submit request; its mails wait in the outbox until it exists.

A submit answers without rendering seconds of PDF: the mails are queued with the submission (so they
are never lost), marked as waiting for their attachment, and released by the background task that
renders the receipt. `flask send-mail` makes receipts whose task was lost. Mail is delivered once,
also when several processes deliver at the same time.
"""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from portal import background, mail
from portal.bids import receipt
from portal.extensions import db
from portal.models import OutgoingMail
from tests.bids.test_receipt import _submitted


def _pdf_attachments(message):
    return [p.get_payload(decode=True) for p in message.walk() if p.get_content_type() == "application/pdf"]


def test_receipt_mail_waits_for_its_pdf_and_is_delivered_once_it_is_made(
    app, bid, provider, colleague, smtp_server
):
    submission = _submitted(bid, provider)
    with app.test_request_context():
        assert receipt.queue_receipt(submission, bid.organisation) == 2
        background.discard()  # the task is not run: as if the worker has not reached it yet
    db.session.commit()

    assert mail.deliver_pending() == 0
    assert smtp_server.messages == []
    assert not receipt.uploads.path_of(receipt.stored_name(submission)).exists()

    receipt.make(submission.id)
    assert sorted(m["To"] for m in smtp_server.messages) == sorted([provider.email, colleague.email])
    for message in smtp_server.messages:
        (data,) = _pdf_attachments(message)
        assert receipt.hash_from_pdf(data) == submission.sha256

    receipt.make(submission.id)  # a repeated task sends nothing twice
    assert len(smtp_server.messages) == 2


def test_send_mail_command_makes_the_receipts_whose_task_was_lost(app, bid, provider, smtp_server):
    submission = _submitted(bid, provider)
    with app.test_request_context():
        receipt.queue_receipt(submission, bid.organisation)
        background.discard()
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert "1 receipt(s) made, 1 message(s) sent" in result.output
    (message,) = smtp_server.messages
    assert receipt.hash_from_pdf(_pdf_attachments(message)[0]) == submission.sha256


def test_receipt_download_serves_the_stored_receipt_once_it_is_made(client, auth, bid, provider):
    submission = _submitted(bid, provider)
    receipt.make(submission.id)
    stored = receipt.uploads.path_of(receipt.stored_name(submission)).read_bytes()
    auth.login(provider)
    download = client.get(f"/inschrijvingen/{bid.id}/ontvangstbewijs/{submission.version}")
    assert download.status_code == 200
    assert download.data == stored


def test_a_failed_request_starts_no_background_task(app, client, auth, no_csrf, bid, provider):
    """The submit of an incomplete bid is refused (422): nothing queued, no task, no mail."""
    auth.login(provider)
    response = client.post(
        f"/inschrijvingen/{bid.id}/indienen", data={"idempotency_key": "q" * 32, "confirm": "y"}
    )
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail)) == 0


@pytest.mark.postgres
@pytest.mark.committed
def test_two_processes_delivering_at_once_send_each_message_once(app, smtp_server):
    with app.app_context():
        db.session.add_all(
            OutgoingMail(recipient=f"ontvanger{i}@example.org", subject="Onderwerp", body_text="Tekst")
            for i in range(30)
        )
        db.session.commit()
        db.session.remove()
    barrier = threading.Barrier(2)
    sent: list[int] = []

    def deliverer() -> None:
        with app.app_context():
            barrier.wait(timeout=10)
            sent.append(mail.deliver_pending())
            db.session.remove()

    threads = [threading.Thread(target=deliverer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(sent) == 30
    assert len(smtp_server.messages) == 30
    assert len({m["To"] for m in smtp_server.messages}) == 30
