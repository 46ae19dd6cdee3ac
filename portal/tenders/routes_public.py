"""The public side: published tenders readable without logging in; documents; Nota's; following."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import Response as FlaskResponse
from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, clock, uploads
from portal.bids import rules as bid_rules
from portal.models import Tender, TenderDocument
from portal.tenders import bp, forms, queries, questions, rules
from portal.tenders.pages import attachment, by, child_of, confirmed, content_disposition, published_or_404
from portal.web import Page


def _card(tender: Tender, now: datetime) -> dict[str, object]:
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
    return render_template(
        "tenders/public_show.html",
        card=_card(tender, now),
        tender=tender,
        results=queries.matrix_results(tender.id),
        notas=queries.notas(tender.id),
        rectifications=queries.rectifications(tender.id),
        may_follow=access.allowed(current_user, "tenders.follow", tender),
        following=questions.is_following(tender, _visitor_organisation_id()),
        confirm=forms.ConfirmForm(),
        questions_open=not rules.question_deadline_passed(tender.question_deadline, now=now),
        timing=bid_rules.timing(tender, now=now),
    )


def _visitor_organisation_id() -> int | None:
    """The organisation of the logged-in visitor, if any (a public page is also read anonymously)."""
    return getattr(current_user, "organisation_id", None) if current_user.is_authenticated else None


@bp.get("/<int:tender_id>/documenten/<int:document_id>")
def download_document(tender_id: int, document_id: int) -> FlaskResponse:
    tender = published_or_404(tender_id)
    document = child_of(tender, TenderDocument, document_id)
    body = uploads.path_of(document.stored_name).read_bytes()
    return attachment(body, document.content_type, content_disposition(document.original_name))


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
    name = f"nota-van-inlichtingen-{number}-{tender.reference}.pdf"
    return attachment(questions.nota_pdf(tender, found), "application/pdf", f'attachment; filename="{name}"')


@bp.post("/<int:tender_id>/volgen")
def follow(tender_id: int) -> Page:
    return _following(
        tender_id,
        questions.follow,
        _("Uw organisatie volgt dit inkooptraject. U krijgt e-mail bij nieuwe antwoorden en rectificaties."),
    )


@bp.post("/<int:tender_id>/ontvolgen")
def unfollow(tender_id: int) -> Page:
    return _following(tender_id, questions.unfollow, _("Uw organisatie volgt dit inkooptraject niet meer."))


def _following(tender_id: int, change: Callable[..., None], done: str) -> Page:
    """Follow or unfollow a published tender for the user's organisation, then back to its page."""
    tender = published_or_404(tender_id)
    access.require("tenders.follow", tender)
    return confirmed(
        lambda: change(tender, current_user.organisation, by=by()),
        done,
        url_for("tenders.public_show", tender_id=tender.id),
    ) or abort(400)
