"""The admin pages' objects in the authorization matrix: a failed e-mail for "retry now"."""

from __future__ import annotations

from portal import clock
from portal.extensions import db
from portal.models import OutgoingMail


def extend(world) -> None:
    message = OutgoingMail(
        recipient="ontvanger@example.org",
        subject="Onderwerp",
        body_text="Tekst",
        attempts=6,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
        failed_at=clock.now(),
    )
    db.session.add(message)
    db.session.commit()
    world.extra["failed_mail"] = message
