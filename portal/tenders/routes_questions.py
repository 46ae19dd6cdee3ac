"""Questions: providers ask until the question deadline; buyers answer, merge and publish a Nota."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import access, clock
from portal.models import Question, Tender
from portal.tenders import bp, forms, queries, questions
from portal.tenders.pages import by, child_of, page_status, published_or_404, submitted
from portal.tenders.service import TenderError
from portal.web import Page


def _subject_choices(tender: Tender) -> list[tuple[str, str]]:
    choices = [("", _("Het inkooptraject in het algemeen"))]
    choices += [(f"document:{d.id}", _("Document: %(t)s", t=d.title)) for d in tender.documents]
    choices += [(f"requirement:{r.id}", _("Eis: %(t)s", t=r.text[:80])) for r in tender.requirements]
    choices += [
        (f"criterion:{c.id}", _("Gunningscriterium: %(t)s", t=c.question[:80])) for c in tender.criteria
    ]
    return choices


def _subject(value: str | None) -> dict[str, int]:
    kind, _sep, number = (value or "").partition(":")
    if kind in ("document", "requirement", "criterion") and number.isdigit():
        return {f"{kind}_id": int(number)}
    return {}


@bp.route("/<int:tender_id>/vragen", methods=["GET", "POST"])
def ask(tender_id: int) -> Page:
    tender = published_or_404(tender_id)
    access.require("tenders.ask_question", tender)
    form = forms.QuestionForm()
    form.subject.choices = forms.options(_subject_choices(tender))
    done = submitted(
        form,
        lambda: questions.ask_question(
            tender,
            user=by(),
            text=forms.filled(form.text.data),
            now=clock.now(),
            **_subject(form.subject.data),
        ),
        _("Uw vraag is verstuurd. Het antwoord verschijnt in een Nota van Inlichtingen."),
        url_for("tenders.ask", tender_id=tender.id),
        field="text",
    )
    return done or (
        render_template("tenders/ask.html", tender=tender, form=form, own=_own(tender)),
        page_status(),
    )


def _own(tender: Tender) -> list[Question]:
    """The questions the user's organisation asked in this tender."""
    return queries.own_questions(tender.id, current_user.organisation_id)


def _answerable(tender_id: int) -> Tender:
    return access.get_or_404(Tender, tender_id, "tenders.answer_questions")


def _questions_page(tender: Tender, status: int = 200, error: str | None = None) -> Page:
    items = queries.questions_for_buyer(tender.id)
    merge_form = forms.MergeForm()
    merge_form.into.choices = forms.options([(q.id, f"#{q.id}") for q in items if q.merged_into_id is None])
    return render_template(
        "tenders/questions.html",
        tender=tender,
        questions=items,
        answer_form=forms.AnswerForm(),
        merge_form=merge_form,
        nota_form=forms.NotaForm(),
        notas=queries.notas(tender.id),
        error=error,
        publishable=len(questions.publishable_questions(tender)),
    ), status


def _carried_out(
    tender: Tender, action: Callable[[], Any], done: Callable[[Any], str], anchor: str = ""
) -> Page:
    """A buyer's action on the questions: `done` (made from its result) flashed and back to the questions
    page, or the page again with the refusal at its top."""
    try:
        result = action()
    except TenderError as error:
        return _questions_page(tender, 422, str(error.message))
    flash(done(result), "success")
    return redirect(url_for("tenders.questions_index", tender_id=tender.id, _anchor=anchor or None))


@bp.get("/beheer/<int:tender_id>/vragen")
def questions_index(tender_id: int) -> Page:
    return _questions_page(_answerable(tender_id))


@bp.post("/beheer/<int:tender_id>/vragen/<int:question_id>/antwoord")
def answer(tender_id: int, question_id: int) -> Page:
    tender = _answerable(tender_id)
    question = child_of(tender, Question, question_id)
    form = forms.AnswerForm()
    if not form.validate_on_submit():
        return _questions_page(tender, 422, _("Schrijf het antwoord op."))
    return _carried_out(
        tender,
        lambda: questions.answer_question(
            question, answer=forms.filled(form.answer.data), by=by(), now=clock.now()
        ),
        lambda _result: _("Het antwoord is opgeslagen. Het wordt zichtbaar met de volgende Nota."),
        anchor=f"vraag-{question.id}",
    )


@bp.post("/beheer/<int:tender_id>/vragen/<int:question_id>/samenvoegen")
def merge(tender_id: int, question_id: int) -> Page:
    tender = _answerable(tender_id)
    duplicate = child_of(tender, Question, question_id)
    form = forms.MergeForm()
    form.into.choices = forms.options([(q.id, f"#{q.id}") for q in queries.questions_for_buyer(tender.id)])
    if not form.validate_on_submit():
        return _questions_page(tender, 422, _("Kies de vraag waarmee deze vraag wordt samengevoegd."))
    return _carried_out(
        tender,
        lambda: questions.merge_question(
            duplicate, into=child_of(tender, Question, forms.filled(form.into.data)), by=by()
        ),
        lambda _result: _("De vragen zijn samengevoegd."),
    )


@bp.post("/beheer/<int:tender_id>/nota")
def publish_nota(tender_id: int) -> Page:
    tender = _answerable(tender_id)
    form = forms.NotaForm()
    if not form.validate_on_submit():
        abort(400)
    return _carried_out(
        tender,
        lambda: questions.publish_nota(
            tender, announcements=form.announcements.data or "", by=by(), now=clock.now()
        ),
        lambda nota: _(
            "Nota van Inlichtingen %(n)s is gepubliceerd en de volgers zijn gemaild.", n=nota.number
        ),
    )
