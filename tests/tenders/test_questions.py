"""Questions and the Nota van Inlichtingen, at the service level."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import OutgoingMail, Role, TenderFollow
from portal.tenders import publication, questions, service
from tests import factories
from tests.tenders.helpers import complete_draft


def _published():
    tender = complete_draft()
    publication.publish_tender(tender, by=None, now=tender.publication_at)
    return tender


def test_a_draft_tender_takes_no_questions():
    tender = complete_draft()
    asker = factories.user_with_role(Role.PROVIDER_ADMIN)
    with pytest.raises(questions.QuestionRefused):
        questions.ask_question(tender, user=asker, text="Vraag?", now=tender.publication_at)


def test_questions_up_to_the_deadline_second_are_accepted():
    tender = _published()
    asker = factories.user_with_role(Role.PROVIDER_ADMIN)
    question = questions.ask_question(tender, user=asker, text="Vraag?", now=tender.question_deadline)
    assert question.organisation_id == asker.organisation_id
    with pytest.raises(questions.QuestionRefused):
        questions.ask_question(
            tender, user=asker, text="Te laat?", now=tender.question_deadline + timedelta(seconds=1)
        )


def test_nota_numbers_continue_and_published_answers_are_final():
    tender = _published()
    asker = factories.user_with_role(Role.PROVIDER_ADMIN)
    now = tender.publication_at + timedelta(hours=1)
    first = questions.ask_question(tender, user=asker, text="Eerste?", now=now)
    second = questions.ask_question(tender, user=asker, text="Tweede?", now=now)
    questions.answer_question(first, answer="Antwoord 1", by=None, now=now)
    nota1 = questions.publish_nota(tender, by=None, now=now)
    questions.answer_question(second, answer="Antwoord 2", by=None, now=now)
    nota2 = questions.publish_nota(tender, by=None, now=now)
    assert (nota1.number, nota2.number) == (1, 2)
    assert (first.number, second.number) == (1, 2)
    with pytest.raises(service.TenderError):
        questions.answer_question(first, answer="Toch anders", by=None, now=now)
    assert first.answer == "Antwoord 1"


def test_an_unanswered_question_waits_for_a_later_nota_and_an_empty_nota_is_refused():
    tender = _published()
    asker = factories.user_with_role(Role.PROVIDER_ADMIN)
    questions.ask_question(tender, user=asker, text="Open?", now=tender.publication_at)
    with pytest.raises(service.TenderError):
        questions.publish_nota(tender, by=None, now=tender.publication_at)


def test_a_question_cannot_be_merged_into_itself_or_into_another_tender():
    tender, other = _published(), _published()
    asker = factories.user_with_role(Role.PROVIDER_ADMIN)
    q = questions.ask_question(tender, user=asker, text="A?", now=tender.publication_at)
    elsewhere = questions.ask_question(other, user=asker, text="B?", now=other.publication_at)
    for target in (q, elsewhere):
        with pytest.raises(service.InvalidInput):
            questions.merge_question(q, into=target, by=None)
    assert q.merged_into_id is None


def test_the_nota_mail_goes_to_followers_only():
    tender = _published()
    follower = factories.user_with_role(Role.PROVIDER_MEMBER)
    db.session.add(TenderFollow(tender_id=tender.id, organisation_id=follower.organisation_id))
    drafter = factories.user_with_role(Role.PROVIDER_ADMIN)
    factories.BidFactory(tender=tender, organisation=drafter.organisation)
    questions.publish_nota(
        tender, announcements="De bijlage is aangepast.", by=None, now=tender.publication_at
    )
    recipients = set(db.session.scalars(sa.select(OutgoingMail.recipient)))
    assert recipients == {follower.email}
