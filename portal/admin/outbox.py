"""The administrator's view of the outbox: e-mails that failed or wait to be retried, and "retry now"."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal import access, audit, clock, mail, sealed
from portal.accounts.forms import ButtonForm
from portal.admin import bp
from portal.extensions import db
from portal.fields import record_id
from portal.models import OutgoingMail

PAGE_SIZE = 50


def undelivered(page: int, *, now: datetime) -> list[sa.Row[tuple[OutgoingMail, bool]]]:
    """Failed messages and those waiting for another try, newest first; one more than a page (is there more?).

    Each with `sealed`: the message would tell who bids on a tender that is not opened yet (a receipt,
    a rectification to its drafters), so the page shows that it exists and can be retried, not to whom.
    """
    query = (
        sa.select(OutgoingMail, sealed.outgoing_mail_sealed(now).label("sealed"))
        .where(
            OutgoingMail.sent_at.is_(None),
            sa.or_(OutgoingMail.failed_at.is_not(None), OutgoingMail.attempts > 0),
        )
        .order_by(OutgoingMail.id.desc())
    )
    return list(db.session.execute(query.limit(PAGE_SIZE + 1).offset((max(page, 1) - 1) * PAGE_SIZE)))


@bp.get("/e-mail")
@access.guard("admin.manage_mail")
def outbox() -> str:
    page = max(request.args.get("pagina", 1, type=record_id) or 1, 1)
    messages = undelivered(page, now=clock.now())
    failed, retrying = mail.undelivered_counts()
    return render_template(
        "admin/outbox.html",
        messages=messages[:PAGE_SIZE],
        more=len(messages) > PAGE_SIZE,
        page=page,
        failed=failed,
        retrying=retrying,
        button=ButtonForm(),
    )


@bp.post("/e-mail/<int:mail_id>/opnieuw")
@access.guard("admin.manage_mail")
def retry_mail(mail_id: int) -> Response:
    message = access.get_or_404(OutgoingMail, mail_id, "admin.manage_mail")
    if not ButtonForm().validate_on_submit():
        flash(_("Het formulier was verlopen. Probeer het opnieuw."), "error")
        return redirect(url_for("admin.outbox"))
    if message.sent_at is not None:
        flash(_("Dit bericht is al verzonden."), "info")
        return redirect(url_for("admin.outbox"))
    mail.retry_now(message)
    audit.record("admin.retry_mail", message)
    mail.deliver_after_commit()
    flash(
        _("Het bericht aan %(recipient)s wordt nu opnieuw verzonden.", recipient=message.recipient), "success"
    )
    return redirect(url_for("admin.outbox", pagina=request.args.get("pagina", 1, type=record_id)))
