"""The public side: published tenders readable without logging in; documents; Nota's; following."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response as FlaskResponse
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, clock, uploads
from portal.bids import rules as bid_rules
from portal.extensions import db
from portal.models import Tender, TenderDocument
from portal.tenders import bp, forms, queries, questions, rules
from portal.tenders.pages import by, published_or_404
from portal.web import Page


def _card(tender: Tender, now) -> dict[str, object]:  # type: ignore[no-untyped-def]
    windows = [(w.opens_at, w.closes_at) for w in tender.windows]
    closes = rules.next_closing(tender.submission_deadline, windows, now=now)
    return {
        "tender": tender,
        "phase": rules.phase(
            published=True, question_deadline=tender.question_deadline, closes_at=closes, now=now
        ),
        "closes_at": closes,
        "closes_in": rules.countdown(closes, now=now),
        "questions_in": rules.countdown(tender.question_deadline, now=now),
    }


@bp.get("")
def public_index() -> Page:
    now = clock.now()
    return render_template(
        "tenders/public_index.html", cards=[_card(t, now) for t in queries.public_tenders(now=now)]
    )


@bp.get("/<int:tender_id>")
def public_show(tender_id: int) -> Page:
    tender = published_or_404(tender_id)
    now = clock.now()
    organisation_id = (
        getattr(current_user, "organisation_id", None) if current_user.is_authenticated else None
    )
    return render_template(
        "tenders/public_show.html",
        card=_card(tender, now),
        tender=tender,
        results=queries.matrix_results(tender.id),
        notas=queries.notas(tender.id),
        rectifications=queries.rectifications(tender.id),
        may_follow=access.allowed(current_user, "tenders.follow", tender),
        following=questions.is_following(tender, organisation_id),
        confirm=forms.ConfirmForm(),
        questions_open=not rules.question_deadline_passed(tender.question_deadline, now=now),
        timing=bid_rules.timing(tender, now=now),
    )


def content_disposition(name: str) -> str:
    """An attachment with the original name, safe for any characters (RFC 6266 / 5987)."""
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


@bp.get("/<int:tender_id>/documenten/<int:document_id>")
def download_document(tender_id: int, document_id: int) -> FlaskResponse:
    tender = published_or_404(tender_id)
    document = db.session.get(TenderDocument, document_id)
    if document is None or document.tender_id != tender.id:
        abort(404)
    response = FlaskResponse(
        uploads.path_of(document.stored_name).read_bytes(), mimetype=document.content_type
    )
    response.headers["Content-Disposition"] = content_disposition(document.original_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/<int:tender_id>/nota/<int:number>")
def nota(tender_id: int, number: int) -> Page:
    tender = published_or_404(tender_id)
    found = queries.nota(tender.id, number) or abort(404)
    context = {**questions.nota_context(tender, found), "tender": tender}
    return render_template("tenders/nota.html", **context)


@bp.get("/<int:tender_id>/nota/<int:number>.pdf")
def nota_pdf(tender_id: int, number: int) -> FlaskResponse:
    tender = published_or_404(tender_id)
    found = queries.nota(tender.id, number) or abort(404)
    response = FlaskResponse(questions.nota_pdf(tender, found), mimetype="application/pdf")
    name = f"nota-van-inlichtingen-{number}-{tender.reference}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/<int:tender_id>/volgen")
def follow(tender_id: int) -> Page:
    tender = published_or_404(tender_id)
    access.require("tenders.follow", tender)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    questions.follow(tender, current_user.organisation, by=by())
    flash(
        _("Uw organisatie volgt dit inkooptraject. U krijgt e-mail bij nieuwe antwoorden en rectificaties."),
        "success",
    )
    return redirect(url_for("tenders.public_show", tender_id=tender.id))


@bp.post("/<int:tender_id>/ontvolgen")
def unfollow(tender_id: int) -> Page:
    tender = published_or_404(tender_id)
    access.require("tenders.follow", tender)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    questions.unfollow(tender, current_user.organisation, by=by())
    flash(_("Uw organisatie volgt dit inkooptraject niet meer."), "success")
    return redirect(url_for("tenders.public_show", tender_id=tender.id))
