"""Sending mail: one template per message, queued in the outbox and delivered after the commit.

`queue(...)` adds an OutgoingMail row to the current transaction, so a rolled-back request sends
nothing and a committed one never loses its mail. Without MAIL_SERVER the message is written to
the log (that is what `make run` does). `flask --app portal send-mail` retries what failed.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, g, has_request_context, render_template

from portal import clock
from portal.extensions import db
from portal.models import OutgoingMail

log = logging.getLogger(__name__)


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
    waits in the outbox until that task calls `release`.
    """
    if dedupe_key and db.session.scalar(
        sa.select(OutgoingMail.id).where(OutgoingMail.dedupe_key == dedupe_key)
    ):
        return None
    text = render_template(f"mail/{template}.txt", **context)
    html = _render_optional(f"mail/{template}.html", context)
    message = OutgoingMail(
        recipient=recipient,
        subject=subject,
        body_text=text,
        body_html=html,
        dedupe_key=dedupe_key,
        attachment_path=str(attachment) if attachment else None,
        attachment_name=attachment_name,
        attachment_pending=attachment_pending,
    )
    db.session.add(message)
    if has_request_context():
        g.mail_queued = True
    return message


def release(dedupe_key_prefix: str) -> None:
    """The attachment of these queued messages exists now: they may be delivered."""
    db.session.execute(
        sa.update(OutgoingMail)
        .where(OutgoingMail.dedupe_key.startswith(dedupe_key_prefix, autoescape=True))
        .values(attachment_pending=False)
    )


def deliver_pending(limit: int = 200) -> int:
    """Send queued messages; each is locked, sent and marked in its own commit. Returns how many were sent.

    Several processes may deliver at once (web workers after their requests, the background worker):
    a message is taken with FOR UPDATE SKIP LOCKED (PostgreSQL), so two never send the same one.
    """
    sent, tried = 0, []
    for _ in range(limit):
        message = db.session.scalar(
            sa.select(OutgoingMail)
            .where(
                OutgoingMail.sent_at.is_(None),
                OutgoingMail.attempts < 5,
                OutgoingMail.attachment_pending.is_(False),
                OutgoingMail.id.not_in(tried),
            )
            .order_by(OutgoingMail.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if message is None:
            break
        tried.append(message.id)
        try:
            _send(message)
        except (OSError, smtplib.SMTPException) as error:
            message.attempts += 1
            message.last_error = type(error).__name__
            log.warning("mail %s to %s not sent: %s", message.id, message.recipient, error)
        else:
            message.attempts += 1
            message.sent_at = clock.now()
            sent += 1
        db.session.commit()
    return sent


def _send(message: OutgoingMail) -> None:
    server = current_app.config["MAIL_SERVER"]
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    if message.attachment_path:
        data = Path(message.attachment_path).read_bytes()
        email.add_attachment(
            data, maintype="application", subtype="pdf", filename=message.attachment_name or "document.pdf"
        )
    if not server:
        log.info(
            "MAIL (no MAIL_SERVER set) to %s: %s\n%s", message.recipient, message.subject, message.body_text
        )
        return
    with smtplib.SMTP(server, current_app.config["MAIL_PORT"], timeout=10) as smtp:
        smtp.send_message(email)


def _render_optional(template: str, context: dict[str, object]) -> str | None:
    if template not in current_app.jinja_env.list_templates(filter_func=lambda name: name == template):
        return None
    return render_template(template, **context)
