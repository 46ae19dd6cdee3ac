"""Consensus per criterion across bids, and the internal note kept out of the letter."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.assessment import checklist, deciding, letters, queries, service
from portal.extensions import db
from portal.models import DecisionOutcome
from tests.documents import pages

from .conftest import build_scenario

INTERNAL = "INTERN: twijfel binnen het team over de borging"
EXTERNAL = "Het plan beschrijft concreet hoe de inwoner meebeslist."


def test_the_internal_note_never_appears_in_a_letter_only_the_external_motivation(app):
    s = build_scenario(bids=1, max_providers=None)
    s.open()
    s.appoint_and_declare()
    s.score_all({s.submissions[0].id: [8, 6]}, consensus=False)
    for criterion in s.criteria:
        service.record_consensus(
            s.submissions[0], criterion, s.buyers[0], "8", INTERNAL, now=s.deadline, external=EXTERNAL
        )
    s.check_all()
    deciding.draft_decisions(s.tender, s.buyers[0], now=s.deadline + timedelta(hours=3))
    db.session.commit()
    (decision,) = queries.decisions_of(s.submissions[0])
    assert decision.outcome is DecisionOutcome.ADMITTED
    context = letters.letter_context(decision, now=s.deadline)
    assert INTERNAL not in repr(context)
    assert INTERNAL not in decision.motivation
    with app.test_request_context():
        text = "\n".join(pages(letters.render_letter(decision, now=s.deadline)))
    assert INTERNAL.split(":")[0] not in text
    assert "meebeslist" in text


def test_without_an_external_motivation_the_letter_says_nothing_of_the_note(app):
    s = build_scenario(bids=1, max_providers=None)
    s.open()
    s.appoint_and_declare()
    s.score_all({s.submissions[0].id: [8, 6]})  # the note only ("Eens met de beoordelaars")
    s.check_all()
    deciding.draft_decisions(s.tender, s.buyers[0], now=s.deadline + timedelta(hours=3))
    (decision,) = queries.decisions_of(s.submissions[0])
    assert "Eens met de beoordelaars" not in repr(letters.letter_context(decision, now=s.deadline))


@pytest.mark.usefixtures("no_csrf")
def test_accepting_the_note_prefills_the_external_text_and_saves_nothing(client, auth, app):
    s = build_scenario(bids=1)
    s.open()
    s.appoint_and_declare()
    s.score_all({s.submissions[0].id: [8, 6]}, consensus=False)
    auth.login(s.buyers[0])
    url = f"/beoordeling/beheer/inschrijving/{s.submissions[0].id}/consensus/{s.criteria[0].id}"
    form = {"value": "8", "motivation": INTERNAL, "external_motivation": "", "overnemen": "1"}
    page = client.post(url, data=form)
    assert page.status_code == 200
    assert page.get_data(as_text=True).count(INTERNAL) == 2  # the note, and the prefilled letter text
    assert queries.consensus(s.submissions[0].id, s.criteria[0].id) is None
    form.pop("overnemen")
    assert client.post(url, data=form).status_code == 302
    assert queries.consensus(s.submissions[0].id, s.criteria[0].id).external_motivation is None
    client.post(url, data=form | {"external_motivation": EXTERNAL})
    assert queries.consensus(s.submissions[0].id, s.criteria[0].id).external_motivation == EXTERNAL


@pytest.mark.usefixtures("no_csrf")
def test_consensus_per_criterion_filters_spreads_and_undecided_and_pages(client, auth, app, monkeypatch):
    s = build_scenario(bids=3)
    s.open()
    s.appoint_and_declare()
    first, second, third = s.submissions
    criterion = s.criteria[1]
    now = s.deadline
    for submission, (a, b) in zip(s.submissions, [(2, 10), (6, 6), (8, 8)], strict=True):
        service.submit_score(submission, criterion, s.assessors[0], str(a), "m", now=now)
        service.submit_score(submission, criterion, s.assessors[1], str(b), "m", now=now)
    service.record_consensus(third, criterion, s.buyers[0], "8", "eens", now=now)
    db.session.commit()
    auth.login(s.buyers[0])
    base = f"/beoordeling/beheer/{s.tender.id}/consensus?criterium={criterion.id}"
    codes = {x.id: f"{i:03d}" for i, x in enumerate(s.submissions, start=1)}
    spreads = client.get(base + "&alleen=spreiding").get_data(as_text=True)
    assert "grote spreiding" in spreads
    assert f">{codes[first.id]}<" in spreads
    assert f">{codes[second.id]}<" not in spreads
    undecided = client.get(base + "&alleen=open").get_data(as_text=True)
    assert f">{codes[third.id]}<" not in undecided
    assert "1 van 3 inschrijvingen hebben een consensusscore" in undecided
    monkeypatch.setattr(checklist, "PAGE_SIZE", 2)
    second_page = client.get(base + "&pagina=2").get_data(as_text=True)
    assert f">{codes[third.id]}<" in second_page
    assert f">{codes[first.id]}<" not in second_page
    assert client.get(f"/beoordeling/beheer/{s.tender.id}/consensus?criterium=999999").status_code == 404
