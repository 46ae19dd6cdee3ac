"""The outbox: header-safe values, back-off and failure per message, a queue that always goes on.

Delivered to the real SMTP server of tests/smtp.py; an SMTP server that is down is a port nobody
listens on.
"""

from __future__ import annotations

import re
import socket
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from portal import mail, mail_rules
from portal.extensions import db
from portal.mail_rules import MAX_ATTEMPTS, after_failure, single_line
from portal.models import OutgoingMail, Role
from tests import factories

T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def _outbox(*subjects: str, **fields: object) -> list[OutgoingMail]:
    rows = [
        OutgoingMail(recipient=f"ontvanger{i}@example.org", subject=s, body_text="Tekst", **fields)
        for i, s in enumerate(subjects)
    ]
    db.session.add_all(rows)
    db.session.commit()
    return rows


@pytest.fixture
def smtp_down(app, monkeypatch):
    """MAIL_SERVER points at a port nobody listens on: every delivery is refused."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", _free_port())


class TestRules:
    def test_line_breaks_and_control_characters_become_one_space(self):
        value = "Zorg\r\nBcc: kwaad@example.org\u2028x\x00y\x85z\tq\u202eevil"
        assert single_line(value) == "Zorg Bcc: kwaad@example.org x y z qevil"

    def test_single_line_keeps_within_its_limit(self):
        assert single_line("a" * 400, 300) == "a" * 300
        assert single_line(None) == "None"

    def test_failed_tries_wait_1_min_5_min_30_min_2_h_12_h_then_give_up(self):
        waits = [after_failure(n, now=T0).next_attempt_at - T0 for n in range(1, MAX_ATTEMPTS)]
        minutes = [wait / timedelta(minutes=1) for wait in waits]
        assert minutes == [1, 5, 30, 120, 720]
        assert all(after_failure(n, now=T0).failed_at is None for n in range(1, MAX_ATTEMPTS))
        assert after_failure(MAX_ATTEMPTS, now=T0) == mail_rules.AfterFailure(None, T0)

    def test_a_message_that_cannot_be_built_is_given_up_at_once(self):
        assert after_failure(1, now=T0, permanent=True).failed_at == T0

    def test_the_reason_is_one_bounded_line(self):
        reason = mail_rules.error_reason(ValueError("bad\r\nheader " + "x" * 900))
        assert reason.startswith("ValueError: bad header")
        assert "\n" not in reason
        assert len(reason) <= mail_rules.ERROR_LENGTH


class TestDelivery:
    def test_an_organisation_name_with_a_line_break_gives_a_clean_one_line_subject(
        self, client, no_csrf, smtp_server
    ):
        organisation = factories.OrganisationFactory(
            kvk_number="12345678", name="Zorg B.V.\r\nBcc: kwaad@example.org\r\n\r\nNep-tekst"
        )
        admin = factories.UserFactory(roles=[Role.PROVIDER_ADMIN], organisation=organisation)
        response = client.post(
            "/aanmelden/toegang-vragen",
            data={"kvk_number": "12345678", "name": "Anne", "email": "anne@example.org", "message": "Hoi"},
        )
        assert response.status_code == 302
        # the organisation's admin gets the request; the requester gets an acknowledgement (no enumeration)
        (message,) = [m for m in smtp_server.messages if m["To"] == admin.email]
        assert {m["To"] for m in smtp_server.messages} == {admin.email, "anne@example.org"}
        assert _unfolded(message["Subject"]) == (
            "Iemand vraagt toegang tot het account van Zorg B.V. Bcc: kwaad@example.org Nep-tekst"
        )
        assert message["Bcc"] is None
        assert "kwaad@example.org" not in str(message["To"])

    def test_a_stored_subject_with_a_line_break_is_sent_as_one_line_and_the_next_message_too(
        self, app, smtp_server
    ):
        _outbox("Inschrijving van Zorg\r\nBcc: kwaad@example.org", "Gewoon bericht")
        assert mail.deliver_pending() == 2
        subjects = [m["Subject"] for m in smtp_server.messages]
        assert subjects == ["Inschrijving van Zorg Bcc: kwaad@example.org", "Gewoon bericht"]
        assert all(m["Bcc"] is None for m in smtp_server.messages)

    def test_a_message_that_cannot_be_built_fails_with_its_reason_and_the_next_is_delivered(
        self, app, smtp_server, tmp_path
    ):
        broken, fine = _outbox("Besluit", "Ontvangstbewijs")
        broken.attachment_path = str(tmp_path / "weg.pdf")
        db.session.commit()
        assert mail.deliver_pending(now=T0) == 1
        assert [m["Subject"] for m in smtp_server.messages] == ["Ontvangstbewijs"]
        assert (broken.attempts, broken.failed_at, broken.next_attempt_at) == (1, T0, None)
        assert broken.last_error.startswith("FileNotFoundError")
        assert fine.sent_at == T0
        assert mail.deliver_pending(now=T0 + timedelta(days=1)) == 0  # given up: not tried again

    def test_a_delivery_that_raises_is_retried_with_back_off_and_then_failed(self, app, smtp_down):
        (message,) = _outbox("Nieuw wachtwoord")
        assert mail.deliver_pending(now=T0) == 0
        assert (message.attempts, message.next_attempt_at) == (1, T0 + timedelta(minutes=1))
        assert message.failed_at is None
        assert "ConnectionRefusedError" in message.last_error

        mail.deliver_pending(now=T0 + timedelta(seconds=59))  # not due yet: skipped
        assert message.attempts == 1
        at = T0
        for tries in range(2, MAX_ATTEMPTS + 1):
            at = message.next_attempt_at
            mail.deliver_pending(now=at)
            assert message.attempts == tries
        assert (message.failed_at, message.next_attempt_at) == (at, None)
        mail.deliver_pending(now=at + timedelta(days=2))
        assert message.attempts == MAX_ATTEMPTS
        assert message.sent_at is None

    def test_a_message_waiting_for_its_next_try_does_not_hold_up_the_ones_behind_it(
        self, app, smtp_server, monkeypatch
    ):
        (waiting,) = _outbox("Eerst")
        monkeypatch.setitem(app.config, "MAIL_PORT", _free_port())
        mail.deliver_pending(now=T0)
        assert waiting.attempts == 1
        monkeypatch.setitem(app.config, "MAIL_PORT", smtp_server.port)  # the server is back
        _outbox("Daarna")
        assert mail.deliver_pending(now=T0 + timedelta(seconds=10)) == 1
        assert [m["Subject"] for m in smtp_server.messages] == ["Daarna"]
        assert mail.deliver_pending(now=T0 + timedelta(minutes=1)) == 1
        assert waiting.sent_at == T0 + timedelta(minutes=1)

    def test_send_mail_command_delivers_what_is_due_and_reports_failures(self, app, smtp_server):
        _outbox("Mislukt", failed_at=T0, attempts=MAX_ATTEMPTS, last_error="ValueError: x")
        _outbox("Wacht", attempts=1, next_attempt_at=datetime.now(UTC) + timedelta(hours=1))
        _outbox("Klaar")
        result = app.test_cli_runner().invoke(args=["send-mail"])
        assert result.exit_code == 0, result.output
        assert "1 message(s) sent" in result.output
        assert "1 message(s) failed, 1 waiting to be retried" in result.output
        assert [m["Subject"] for m in smtp_server.messages] == ["Klaar"]


def _unfolded(header: object) -> str:
    """A header as one line: RFC 5322 unfolding (a long header is folded on the wire, not split)."""
    return re.sub(r"\r?\n(?=[ \t])", "", str(header))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_request_hands_delivery_to_the_background_and_sends_nothing_itself(
    app, client, no_csrf, redis_url, monkeypatch
):
    """The response never waits on SMTP (also: a reset takes as long for known as for unknown addresses)."""
    from redis import Redis
    from rq import Queue

    from portal import background

    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    user = factories.UserFactory()
    assert client.post("/wachtwoord-vergeten", data={"email": user.email}).status_code in (200, 302)
    queued = db.session.scalars(sa.select(OutgoingMail).where(OutgoingMail.recipient == user.email)).one()
    assert queued.sent_at is None
    jobs = Queue(background.QUEUE_NAME, connection=Redis.from_url(redis_url)).get_jobs()
    assert [job.args for job in jobs] == [("portal.mail.deliver_pending",)]
