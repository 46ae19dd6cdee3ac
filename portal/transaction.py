"""One commit per request, at the boundary; rollback on any error; background work and mail after it."""

from __future__ import annotations

import logging

from flask import Flask, Response, g

from portal import audit, background
from portal.extensions import db

log = logging.getLogger(__name__)


def register(app: Flask) -> None:
    app.after_request(_commit)
    app.teardown_request(_after)


def _commit(response: Response) -> Response:
    if response.status_code >= 400:
        # Nothing of a failed request is kept, except the record that access was refused.
        db.session.rollback()
        audit.restore_refusals()
        background.discard()
    db.session.commit()
    return response


def _after(exc: BaseException | None) -> None:
    if exc is not None:
        db.session.rollback()
        background.discard()
        return
    background.run_pending()
    if g.pop("mail_queued", False):
        _start_mail_delivery()


def _start_mail_delivery() -> None:
    # Not in the request: the response never waits on an SMTP server (inline only in tests).
    try:
        background.dispatch("portal.mail.deliver_pending")
    except Exception:  # e.g. Redis away: the mail stays in the outbox for the next delivery
        log.exception("mail delivery could not be started; `flask send-mail` delivers it")
