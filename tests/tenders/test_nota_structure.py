"""Issue 12, point 2: the Nota van Inlichtingen keeps one numbered item per question, whatever a
question, an answer, an announcement or the tender's title says."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal import pdf
from portal.models import Role
from portal.tenders import publication, questions
from tests import factories
from tests.documents import HOSTILE, flat, folded, outline, pages, structure
from tests.tenders.helpers import complete_draft


def _nota(value: str):
    tender = complete_draft()
    publication.publish_tender(tender, by=None, now=tender.publication_at)
    tender.title = value
    asker = factories.user_with_role(Role.PROVIDER_ADMIN)
    now = tender.publication_at + timedelta(hours=1)
    for n in range(2):
        question = questions.ask_question(tender, user=asker, text=f"{value} {n}", now=now)
        questions.answer_question(question, answer=value, by=None, now=now)
    return tender, questions.publish_nota(tender, announcements=value, by=None, now=now)


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_question_answer_or_announcement_adds_no_item_or_heading(app, value):
    plain, hostile = _nota("Vraag over het tarief"), _nota(value)
    with app.test_request_context():
        a = pdf.render_html("pdf/nota.html", questions.nota_context(*plain))
        b = pdf.render_html("pdf/nota.html", questions.nota_context(*hostile))
    assert structure(b) == structure(a)
    assert "<h2>Artikel 99" not in b


def test_the_nota_pdf_has_one_bookmark_per_question_and_prints_the_text_plainly(app):
    value = HOSTILE[1]
    with app.test_request_context():
        plain = questions.nota_pdf(*_nota("Vraag over het tarief"))
        data = questions.nota_pdf(*_nota(value))
    assert len(outline(data)) == len(outline(plain))
    assert folded(value) in flat(" ".join(pages(data)))
