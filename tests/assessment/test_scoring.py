"""Scoring per criterion across bids: blind on the HTML, previous/next, progress, conflicts respected."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.assessment import queries, service
from portal.bids.content import SubmittedContent
from portal.extensions import db

from .conftest import build_scenario

pytestmark = pytest.mark.usefixtures("no_csrf")


def _url(s, criterion, nr=None) -> str:
    tail = f"?nr={nr}" if nr else ""
    return f"/beoordeling/{s.tender.id}/criterium/{criterion.id}{tail}"


def _secrets(submission) -> list[str]:
    organisation = submission.bid.organisation
    content = SubmittedContent.from_json(submission.content)
    files = [e.name for a in content.requirements for e in a.evidence]
    return [organisation.name, organisation.kvk_number, submission.sha256, *files]


def test_the_per_criterion_view_never_shows_who_bid(client, auth, app):
    s = build_scenario(bids=3)
    s.open()
    s.appoint_and_declare()
    auth.login(s.assessors[0])
    for nr in (1, 2, 3):
        html = client.get(_url(s, s.criteria[0], nr)).get_data(as_text=True)
        assert f"Inschrijving {nr} van 3" in html
        for submission in s.submissions:
            for secret in _secrets(submission):
                assert secret not in html
        assert re.search(r"Inschrijving 00\d", html)


def test_scoring_moves_to_the_next_bid_and_counts_progress(client, auth, app):
    s = build_scenario(bids=3)
    s.open()
    s.appoint_and_declare()
    criterion = s.criteria[0]
    auth.login(s.assessors[0])
    first = client.get(_url(s, criterion)).get_data(as_text=True)
    assert "Inschrijving 1 van 3" in first
    assert "u heeft er 0 van 3 beoordeeld" in first
    refused = client.post(_url(s, criterion, 1), data={f"c{criterion.id}-value": "6"})
    assert refused.status_code == 422
    done = client.post(
        _url(s, criterion, 1),
        data={f"c{criterion.id}-value": "6", f"c{criterion.id}-motivation": "Voldoende"},
    )
    assert done.status_code == 302
    assert done.headers["Location"].endswith(_url(s, criterion, 2))
    second = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "u heeft er 1 van 3 beoordeeld" in second
    assert 'rel="prev"' in second
    assert len(queries.individual_scores(s.submissions[0].id, criterion.id)) == 1
    back = client.get(_url(s, criterion, 1)).get_data(as_text=True)
    assert "Voldoende" in back
    assert "Score indienen" not in back  # given once


def test_a_conflicted_bid_is_left_out_and_an_unappointed_criterion_is_404(client, auth, app):
    s = build_scenario(bids=3)
    s.open()
    s.appoint()
    named = s.submissions[1].bid.organisation
    service.declare_conflicts(s.tender, s.assessors[0], [named], note="", now=s.deadline + timedelta(hours=2))
    service.declare_conflicts(s.tender, s.assessors[1], [], note="", now=s.deadline + timedelta(hours=2))
    db.session.commit()
    auth.login(s.assessors[0])
    html = client.get(_url(s, s.criteria[0], 2)).get_data(as_text=True)
    assert "Inschrijving 2 van 2" in html
    assert named.name not in html
    only_one = build_scenario(bids=1)
    only_one.open()
    service.appoint_assessor(
        only_one.tender, s.assessors[0], criterion=only_one.criteria[0], by=only_one.buyers[0]
    )
    service.declare_conflicts(
        only_one.tender, s.assessors[0], [], note="", now=only_one.deadline + timedelta(hours=2)
    )
    db.session.commit()
    assert client.get(_url(only_one, only_one.criteria[1])).status_code == 404
    assert client.get(_url(only_one, only_one.criteria[0])).status_code == 200
