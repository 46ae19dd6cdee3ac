"""Questions, answers and the Nota van Inlichtingen; following a tender.

The Nota is published without the asker's identity: its context holds only numbers, the subject
(document, requirement, criterion), the question and the answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal import audit, mail, pdf
from portal.extensions import db
from portal.i18n import local_datetime
from portal.models import (
    AwardCriterion,
    Nota,
    Organisation,
    Question,
    Requirement,
    Tender,
    TenderDocument,
    TenderFollow,
    TenderStatus,
    User,
)
from portal.tenders import rules
from portal.tenders.publication import concerned_users
from portal.tenders.rules import Problem
from portal.tenders.service import InvalidInput, TenderError


class QuestionRefused(TenderError):
    pass


def ask_question(
    tender: Tender,
    *,
    user: User,
    text: str,
    now: datetime,
    document_id: int | None = None,
    requirement_id: int | None = None,
    criterion_id: int | None = None,
) -> Question:
    if tender.status is not TenderStatus.PUBLISHED:
        raise QuestionRefused(_l("Bij dit inkooptraject kunt u geen vragen stellen."))
    if rules.question_deadline_passed(tender.question_deadline, now=now):
        raise QuestionRefused(
            _l(
                "De termijn voor vragen is verstreken op %(deadline)s. Vragen stellen kan niet meer.",
                deadline=local_datetime(tender.question_deadline),
            ),
            field="text",
        )
    if not text.strip():
        raise InvalidInput([Problem("text", _l("Schrijf uw vraag op."))])
    for model, object_id, name in (
        (TenderDocument, document_id, "document_id"),
        (Requirement, requirement_id, "requirement_id"),
        (AwardCriterion, criterion_id, "criterion_id"),
    ):
        if object_id is not None:
            obj = db.session.get(model, object_id)
            if obj is None or obj.tender_id != tender.id:
                raise InvalidInput([Problem(name, _l("Dit onderdeel hoort niet bij dit inkooptraject."))])
    question = Question(
        tender_id=tender.id,
        organisation_id=user.organisation_id,
        asked_by_id=user.id,
        text=text.strip(),
        asked_at=now,
        document_id=document_id,
        requirement_id=requirement_id,
        criterion_id=criterion_id,
    )
    db.session.add(question)
    db.session.flush()
    audit.record("tenders.ask_question", question, actor=user, tender_id=tender.id)
    return question


def _ensure_open(question: Question) -> None:
    if question.nota_id is not None:
        raise TenderError(_l("Deze vraag staat al in een gepubliceerde Nota van Inlichtingen."))


def answer_question(question: Question, *, answer: str, by: User | None, now: datetime) -> None:
    _ensure_open(question)
    if not answer.strip():
        raise InvalidInput([Problem("answer", _l("Schrijf het antwoord op."))])
    question.answer = answer.strip()
    question.answered_at = now
    question.answered_by_id = getattr(by, "id", None)
    db.session.flush()
    audit.record("tenders.answer_question", question, actor=by)


def merge_question(duplicate: Question, *, into: Question, by: User | None) -> None:
    """A duplicate is answered by the question it is merged into and is not published itself."""
    _ensure_open(duplicate)
    if duplicate.id == into.id or into.tender_id != duplicate.tender_id or into.merged_into_id is not None:
        raise InvalidInput([Problem("into", _l("Kies een andere vraag van hetzelfde inkooptraject."))])
    duplicate.merged_into_id = into.id
    db.session.flush()
    audit.record("tenders.merge_question", duplicate, actor=by, into_id=into.id)


def publishable_questions(tender: Tender) -> list[Question]:
    return list(
        db.session.scalars(
            sa.select(Question)
            .where(
                Question.tender_id == tender.id,
                Question.nota_id.is_(None),
                Question.merged_into_id.is_(None),
                Question.answer.is_not(None),
            )
            .order_by(Question.asked_at, Question.id)
        )
    )


def publish_nota(tender: Tender, *, announcements: str = "", by: User | None, now: datetime) -> Nota:
    """Publish every answered, unpublished question as the next numbered Nota; mail the followers."""
    questions = publishable_questions(tender)
    if not questions and not announcements.strip():
        raise TenderError(_l("Er zijn geen beantwoorde vragen of mededelingen om te publiceren."))
    last = db.session.scalar(sa.select(sa.func.max(Nota.number)).where(Nota.tender_id == tender.id)) or 0
    previous = (
        db.session.scalar(sa.select(sa.func.max(Question.number)).where(Question.tender_id == tender.id)) or 0
    )
    nota = Nota(
        tender_id=tender.id,
        number=last + 1,
        announcements=announcements.strip(),
        published_at=now,
        published_by_id=getattr(by, "id", None),
    )
    db.session.add(nota)
    db.session.flush()
    for offset, question in enumerate(questions, start=1):
        question.nota_id = nota.id
        question.number = previous + offset
        for duplicate in db.session.scalars(
            sa.select(Question).where(Question.merged_into_id == question.id)
        ):
            duplicate.nota_id = nota.id
    db.session.flush()
    for user in concerned_users(tender, drafters=False):
        mail.queue(
            user.email,
            _("Nota van Inlichtingen %(number)s: %(ref)s", number=nota.number, ref=tender.reference),
            "tenders_nota",
            dedupe_key=f"nota-{nota.id}-{user.id}",
            tender=tender,
            nota=nota,
            count=len(questions),
        )
    audit.record("tenders.publish_nota", nota, actor=by, tender_id=tender.id, questions=len(questions))
    return nota


def nota_context(tender: Tender, nota: Nota) -> dict[str, Any]:
    """Plain data for the Nota page and PDF: no asker, no organisation."""
    items = []
    for question in nota.questions:
        if question.merged_into_id is not None:
            continue
        items.append(
            {
                "number": question.number,
                "subject": _subject(question),
                "question": question.text,
                "answer": question.answer or "",
            }
        )
    return {
        "tender": {"reference": tender.reference, "title": tender.title},
        "nota": {
            "number": nota.number,
            "published_at": nota.published_at,
            "announcements": nota.announcements,
        },
        "items": items,
    }


def _subject(question: Question) -> str:
    if question.document_id:
        document = db.session.get(TenderDocument, question.document_id)
        return f"Document: {document.title}" if document else ""
    if question.requirement_id:
        requirement = db.session.get(Requirement, question.requirement_id)
        return f"Eis: {requirement.text[:80]}" if requirement else ""
    if question.criterion_id:
        criterion = db.session.get(AwardCriterion, question.criterion_id)
        return f"Gunningscriterium: {criterion.question[:80]}" if criterion else ""
    return ""


def nota_pdf(tender: Tender, nota: Nota) -> bytes:
    from portal.verification import registry

    data = pdf.render_pdf(
        "pdf/nota.html",
        nota_context(tender, nota),
        metadata={"title": f"Nota van Inlichtingen {nota.number} – {tender.reference}"},
    )
    return registry.record(data, "nota", nota.id)


def follow(tender: Tender, organisation: Organisation, *, by: User | None) -> None:
    exists = db.session.scalar(
        sa.select(TenderFollow.id).where(
            TenderFollow.tender_id == tender.id, TenderFollow.organisation_id == organisation.id
        )
    )
    if exists is None:
        db.session.add(TenderFollow(tender_id=tender.id, organisation_id=organisation.id))
        db.session.flush()
        audit.record("tenders.follow", tender, actor=by)


def unfollow(tender: Tender, organisation: Organisation, *, by: User | None) -> None:
    db.session.execute(
        sa.delete(TenderFollow).where(
            TenderFollow.tender_id == tender.id, TenderFollow.organisation_id == organisation.id
        )
    )
    db.session.flush()
    audit.record("tenders.unfollow", tender, actor=by)


def is_following(tender: Tender, organisation_id: int | None) -> bool:
    if organisation_id is None:
        return False
    return (
        db.session.scalar(
            sa.select(TenderFollow.id).where(
                TenderFollow.tender_id == tender.id, TenderFollow.organisation_id == organisation_id
            )
        )
        is not None
    )
