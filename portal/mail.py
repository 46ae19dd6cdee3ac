"""Sending mail: one template per message, queued in the outbox and delivered after the commit.

`queue(...)` adds an OutgoingMail row to the current transaction, so a rolled-back request sends
nothing and a committed one never loses its mail. The request hands delivery to the background
(portal/background.py), so no response waits on an SMTP server. Every header value passes through
`mail_rules.single_line`. A message that cannot be built or sent is retried with back-off and then
failed (portal/mail_rules.py); it never stops the messages behind it, and the administrator sees it.
Without MAIL_SERVER the portal logs that a message was delivered (recipient and subject, never the
body: it may hold a reset link). `flask --app portal send-mail` delivers what is due.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, g, has_request_context, render_template

from portal import clock, mail_rules
from portal.extensions import db
from portal.mail_rules import single_line
from portal.models import OutgoingMail

log = logging.getLogger(__name__)
SUBJECT_LENGTH = 300  # OutgoingMail.subject
RECIPIENT_LENGTH = 254  # OutgoingMail.recipient
_sqlite_delivery = threading.Lock()  # SQLite has no row locks: one delivery at a time per process


def queue(
    recipient: str,
    subject: str,
    template: str,
    *,
    dedupe_key: str | None = None,
    attachment: Path | None = None,
    attachment_name: str | None = None,
    attachment_pending: bool = False,
    **context: object,
) -> OutgoingMail | None:
    """Queue the message rendered from templates/mail/<template>.txt (and .html when it exists).

    A `dedupe_key` already used means the message was queued before: nothing is added (idempotent).
    `attachment_pending`: the attachment is made after the commit (a background task); the message
    waits in the outbox until that task calls `release`. The subject is made one line here, whatever
    names or titles it holds.
    """
    if dedupe_key and _queued_before(dedupe_key):
        return None
    message = OutgoingMail(
        recipient=single_line(recipient, RECIPIENT_LENGTH),
        subject=single_line(subject, SUBJECT_LENGTH),
        body_text=render_template(f"mail/{template}.txt", **context),
        body_html=_render_optional(f"mail/{template}.html", context),
        dedupe_key=dedupe_key,
        attachment_path=str(attachment) if attachment else None,
        attachment_name=single_line(attachment_name, 255) if attachment_name else None,
        attachment_pending=attachment_pending,
    )
    db.session.add(message)
    deliver_after_commit()
    return message


def _queued_before(dedupe_key: str) -> bool:
    return (
        db.session.scalar(sa.select(OutgoingMail.id).where(OutgoingMail.dedupe_key == dedupe_key)) is not None
    )


def deliver_after_commit() -> None:
    """Ask the request boundary to start a delivery once this request has committed."""
    if has_request_context():
        g.mail_queued = True


def release(dedupe_key_prefix: str) -> None:
    """The attachment of these queued messages exists now: they may be delivered."""
    db.session.execute(
        sa.update(OutgoingMail)
        .where(OutgoingMail.dedupe_key.startswith(dedupe_key_prefix, autoescape=True))
        .values(attachment_pending=False)
    )


def deliver_pending(limit: int = 200, *, now: datetime | None = None) -> int:
    """Send the messages that are due; each is locked, tried and marked in its own commit.

    Returns how many were sent. Several processes may deliver at once (the background after requests,
    `flask send-mail`): a message is taken with FOR UPDATE SKIP LOCKED (PostgreSQL), so two never send
    the same one. A message that fails is marked (retry later, or failed) and the next one is tried.
    """
    if db.engine.dialect.name == "sqlite":
        with _sqlite_delivery:
            return _deliver_due(limit, now)
    return _deliver_due(limit, now)


def _deliver_due(limit: int, now: datetime | None) -> int:
    sent, last_id = 0, 0
    for _ in range(limit):
        at = now or clock.now()
        message = _next_due(last_id, at)
        if message is None:
            break
        last_id = message.id
        sent += _deliver(message, now=at)
        db.session.commit()
    return sent


def _next_due(after_id: int, now: datetime) -> OutgoingMail | None:
    return db.session.scalar(
        sa.select(OutgoingMail)
        .where(
            OutgoingMail.id > after_id,
            OutgoingMail.sent_at.is_(None),
            OutgoingMail.failed_at.is_(None),
            OutgoingMail.attachment_pending.is_(False),
            sa.or_(OutgoingMail.next_attempt_at.is_(None), OutgoingMail.next_attempt_at <= now),
        )
        .order_by(OutgoingMail.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )


def _deliver(message: OutgoingMail, *, now: datetime) -> bool:
    """One try; every error is this message's own (recorded on it), never the caller's."""
    message.attempts += 1
    try:
        email = build(message)
    except Exception as error:  # whatever a value does to the mail library, only this message fails
        _record_failure(message, error, now=now, permanent=True)
        return False
    try:
        _send(message, email)
    except Exception as error:  # a server down or refusing: tried again later
        _record_failure(message, error, now=now, permanent=False)
        return False
    message.sent_at = now
    message.next_attempt_at = None
    return True


def _record_failure(message: OutgoingMail, error: Exception, *, now: datetime, permanent: bool) -> None:
    outcome = mail_rules.after_failure(message.attempts, now=now, permanent=permanent)
    message.last_error = mail_rules.error_reason(error)
    message.next_attempt_at = outcome.next_attempt_at
    message.failed_at = outcome.failed_at
    log.warning(
        "mail %s to %s not sent (try %s, %s): %s",
        message.id,
        message.recipient,
        message.attempts,
        "given up" if outcome.failed_at else f"next try at {outcome.next_attempt_at:%Y-%m-%d %H:%M} UTC",
        message.last_error,
    )


def build(message: OutgoingMail) -> EmailMessage:
    """The e-mail of an outbox row; every header value is one line (rows queued before the rule too)."""
    email = EmailMessage()
    email["From"] = single_line(current_app.config["MAIL_DEFAULT_SENDER"])
    email["To"] = single_line(message.recipient)
    email["Subject"] = single_line(message.subject)
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    if message.attachment_path:
        data = Path(message.attachment_path).read_bytes()
        name = single_line(message.attachment_name or "") or "document.pdf"
        email.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    return email


def _send(message: OutgoingMail, email: EmailMessage) -> None:
    server = current_app.config["MAIL_SERVER"]
    if not server:
        log.info(
            "mail %s to %s delivered to the log (no MAIL_SERVER set): %s",
            message.id,
            message.recipient,
            message.subject,
        )
        return
    with smtplib.SMTP(server, current_app.config["MAIL_PORT"], timeout=10) as smtp:
        smtp.send_message(email)


def retry_now(message: OutgoingMail) -> None:
    """The administrator's "try again now": due at once; a failed message gets its tries back."""
    if message.failed_at is not None:
        message.attempts = 0
    message.failed_at = None
    message.next_attempt_at = None


def undelivered_counts() -> tuple[int, int]:
    """(failed, waiting to be retried): what `flask send-mail` reports and the admin page lists."""
    failed = sa.func.count().filter(OutgoingMail.failed_at.is_not(None))
    retrying = sa.func.count().filter(OutgoingMail.failed_at.is_(None), OutgoingMail.attempts > 0)
    row = db.session.execute(
        sa.select(failed, retrying).select_from(OutgoingMail).where(OutgoingMail.sent_at.is_(None))
    ).one()
    return row[0], row[1]


def _render_optional(template: str, context: dict[str, object]) -> str | None:
    if template not in current_app.jinja_env.list_templates(filter_func=lambda name: name == template):
        return None
    return render_template(template, **context)
