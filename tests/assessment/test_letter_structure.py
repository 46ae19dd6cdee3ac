"""Issue 12, point 2: the decision letters keep their headings, paragraphs and table rows whatever the
names, titles, questions, notes and motivations typed into the tender and its assessment."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal import pdf
from portal.assessment import deciding, letters, queries
from portal.extensions import db
from portal.models import DecisionOutcome, RequirementCheck, Score
from tests.assessment.conftest import build_scenario
from tests.documents import HOSTILE, flat, folded, outline, pages, structure


def _decisions(value: str | None):
    """An aanbesteding with a winner and a bid knocked out; every text a person typed is `value`."""
    s = build_scenario(bids=2, max_providers=1)
    if value is not None:
        s.tender.title = value
        s.tender.lots[0].name = value
        s.knockout.text = value
        for criterion in s.criteria:
            criterion.question = value
        for submission in s.submissions:
            submission.bid.organisation.name = value
    s.open()
    s.appoint_and_declare()
    s.score_all({sub.id: [8 - 2 * i, 6] for i, sub in enumerate(s.submissions)})
    winner, loser = s.submissions
    s.check_all(not_met={loser.id})
    if value is not None:
        ids = [winner.id, loser.id]
        db.session.execute(sa.update(Score).where(Score.submission_id.in_(ids)).values(motivation=value))
        db.session.execute(
            sa.update(RequirementCheck).where(RequirementCheck.submission_id.in_(ids)).values(note=value)
        )
    deciding.draft_decisions(s.tender, s.buyers[0], now=s.deadline + timedelta(hours=3))
    db.session.commit()
    return [queries.decisions_of(winner)[0], queries.decisions_of(loser)[0]], s.deadline


def _template(decision) -> str:
    admitted = decision.outcome is DecisionOutcome.ADMITTED
    return "pdf/decision_admitted.html" if admitted else "pdf/decision_rejected.html"


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_text_leaves_both_letters_with_the_same_elements(app, value):
    plain, now = _decisions(None)
    hostile, _ = _decisions(value)
    assert value.splitlines()[0] in hostile[1].motivation  # the knock-out line quotes the text
    with app.test_request_context():
        for mine, theirs in zip(plain, hostile, strict=True):
            assert mine.outcome is theirs.outcome
            a = pdf.render_html(_template(mine), letters.letter_context(mine, now=now))
            b = pdf.render_html(_template(theirs), letters.letter_context(theirs, now=now))
            assert structure(b) == structure(a)
            assert "<h2>Artikel 99" not in b


def test_the_letter_pdfs_have_the_same_headings_and_show_the_text_plainly(app):
    value = HOSTILE[1]
    (plain, now), (hostile, _) = _decisions(None), _decisions(value)
    with app.test_request_context():
        for mine, theirs in zip(plain, hostile, strict=True):
            a = letters.render_letter(mine, now=now)
            b = letters.render_letter(theirs, now=now)
            assert len(outline(b)) == len(outline(a))
            assert folded(value) in flat(" ".join(pages(b)))
