"""The administrator's outbox page: failed and retried e-mails with their reason, and "retry now"."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from portal import clock, mail
from portal.extensions import db
from portal.mail_rules import MAX_ATTEMPTS
from portal.models import AuditEvent, OutgoingMail, Role
from tests.test_mail import _free_port

URL = "/beheer/e-mail"


def _row(**fields: object) -> OutgoingMail:
    fields.setdefault("recipient", "ontvanger@example.org")
    message = OutgoingMail(body_text="Tekst", **fields)
    db.session.add(message)
    db.session.commit()
    return message


def _rows(page: str) -> dict[int, str]:
    """The table's rows by message id."""
    return {
        int(m.group(1)): m.group(2)
        for m in re.finditer(r'<tr class="utrecht-table__row" data-mail-id="(\d+)">(.*?)</tr>', page, re.S)
    }


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_admin_sees_failed_and_retrying_mail_but_not_sent_or_new_mail(client, auth):
    now = clock.now()
    failed = _row(
        subject="Besluit over uw inschrijving",
        attempts=MAX_ATTEMPTS,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
        failed_at=now,
    )
    retrying = _row(subject="Nieuw wachtwoord", attempts=2, next_attempt_at=now + timedelta(minutes=5))
    sent = _row(subject="Verzonden", attempts=1, sent_at=now)
    new = _row(subject="Nog niet geprobeerd")
    auth.as_role(Role.ADMIN)
    page = client.get(URL).get_data(as_text=True)
    rows = _rows(page)
    assert set(rows) == {failed.id, retrying.id}
    assert sent.id not in rows
    assert new.id not in rows
    for text in (
        "ontvanger@example.org",
        "Besluit over uw inschrijving",
        f">{MAX_ATTEMPTS}<",
        "Connection refused",
    ):
        assert text in rows[failed.id]
    assert "mislukt" in rows[failed.id]
    assert "nieuwe poging" in rows[retrying.id]
    assert f'href="{URL}"' in page  # the menu links to the page


def test_the_menu_shows_the_mail_page_only_to_the_admin(client, auth):
    auth.as_role(Role.BUYER)
    assert f'href="{URL}"' not in client.get("/").get_data(as_text=True)


def test_the_page_is_paged(client, auth):
    for i in range(51):
        _row(subject=f"Bericht {i}", attempts=MAX_ATTEMPTS, last_error="x", failed_at=clock.now())
    auth.as_role(Role.ADMIN)
    first = client.get(URL).get_data(as_text=True)
    assert len(_rows(first)) == 50
    assert f"{URL}?pagina=2" in first
    assert len(_rows(client.get(f"{URL}?pagina=2").get_data(as_text=True))) == 1


def test_retry_now_delivers_a_failed_message_and_is_audited(client, auth, smtp_server):
    failed = _row(subject="Ontvangstbewijs", attempts=MAX_ATTEMPTS, last_error="x", failed_at=clock.now())
    auth.as_role(Role.ADMIN)
    token = _csrf(client.get(URL).get_data(as_text=True))
    response = client.post(f"{URL}/{failed.id}/opnieuw", data={"csrf_token": token})
    assert response.status_code == 302
    assert [m["Subject"] for m in smtp_server.messages] == ["Ontvangstbewijs"]
    db.session.refresh(failed)
    assert failed.sent_at is not None
    assert failed.failed_at is None
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "admin.retry_mail"))
    assert failed.id not in _rows(client.get(URL).get_data(as_text=True))


def test_retry_now_without_the_csrf_token_changes_nothing(client, auth, smtp_server):
    failed = _row(subject="Ontvangstbewijs", attempts=MAX_ATTEMPTS, last_error="x", failed_at=clock.now())
    auth.as_role(Role.ADMIN)
    assert client.post(f"{URL}/{failed.id}/opnieuw").status_code == 400
    db.session.refresh(failed)
    assert failed.failed_at is not None
    assert failed.sent_at is None
    assert smtp_server.messages == []


def test_after_the_last_try_the_message_is_failed_and_shown_with_its_reason(app, client, auth, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", _free_port())  # nobody listens: delivery raises
    message = _row(subject="Uitnodiging")
    at = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    for _ in range(MAX_ATTEMPTS):
        mail.deliver_pending(now=at)
        at = message.next_attempt_at or at
    assert message.failed_at is not None
    auth.as_role(Role.ADMIN)
    row = _rows(client.get(URL).get_data(as_text=True))[message.id]
    assert "ConnectionRefusedError" in row
    assert "mislukt" in row
