"""Requirement checks at scale: knock-out proposals, one requirement across bids, "met" in bulk."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.assessment import checking, checklist, deciding, opened, queries, service
from portal.assessment.service import AssessmentRefused
from portal.extensions import db
from portal.models import DecisionOutcome, RequirementOutcome
from portal.models.assessment import SubmittedAnswer
from tests import factories

from .conftest import Scenario, build_scenario


def _with_a_nee(bids: int = 2) -> tuple[Scenario, int]:
    """A scenario whose last bid answered "nee" on the knock-out; opened, scored, consensus recorded."""
    s = build_scenario(bids=bids, max_providers=None)
    organisation = factories.OrganisationFactory(name="Zorggroep Nee B.V.")
    nee = factories.submitted_bid(
        s.tender,
        organisation,
        declarations={s.knockout.id: False},
        submitted_at=s.deadline - timedelta(hours=1),
    )
    s.submissions.append(nee)
    s.open()
    s.appoint_and_declare()
    s.score_all({x.id: [8, 8] for x in s.submissions})
    return s, nee.id


def _later(s: Scenario, hours: int = 3):
    return s.deadline + timedelta(hours=hours)


def _check(s: Scenario, submission_id: int, outcome: RequirementOutcome, note: str) -> None:
    submission = next(x for x in s.submissions if x.id == submission_id)
    service.check_requirement(submission, s.knockout, outcome, note=note, by=s.buyers[0], now=_later(s))


def _draft(s: Scenario) -> dict[int, DecisionOutcome]:
    deciding.draft_decisions(s.tender, s.buyers[0], now=_later(s, 4))
    return {d.submission_id: d.outcome for d in queries.decisions(s.tender)}


def test_a_knockout_answered_nee_is_proposed_not_met_with_its_reason(app):
    s, nee = _with_a_nee()
    assert checking.index_answers(s.tender, opened.of(s.tender), now=_later(s)) == 3
    assert checking.index_answers(s.tender, opened.of(s.tender), now=_later(s)) == 0  # once
    proposal = queries.checks(nee)[s.knockout.id]
    assert proposal.proposed
    assert proposal.outcome is RequirementOutcome.NOT_MET
    assert proposal.flag_reason == "answered_no"
    assert proposal.checked_by_id is None
    assert all(s.knockout.id not in queries.checks(x.id) for x in s.submissions if x.id != nee)
    assert db.session.query(SubmittedAnswer).count() == 3


def test_no_decision_is_drafted_while_a_proposal_is_unconfirmed_and_a_confirmation_is_motivated(app):
    s, nee = _with_a_nee()
    checking.index_answers(s.tender, opened.of(s.tender), now=_later(s))
    checking.mark_met(s.tender, s.knockout, [x.id for x in s.submissions], by=s.buyers[0], now=_later(s))
    with pytest.raises(AssessmentRefused, match="voorstel"):
        _draft(s)
    with pytest.raises(AssessmentRefused, match="motivering"):
        _check(s, nee, RequirementOutcome.NOT_MET, note=" ")
    _check(s, nee, RequirementOutcome.NOT_MET, note="Geen VOG: bevestigd.")
    outcomes = _draft(s)
    assert outcomes[nee] is DecisionOutcome.REJECTED
    assert sum(o is DecisionOutcome.ADMITTED for o in outcomes.values()) == 2


def test_a_buyer_overrides_a_proposal_only_with_a_motivation(app):
    s, nee = _with_a_nee(bids=1)
    checking.index_answers(s.tender, opened.of(s.tender), now=_later(s))
    checking.mark_met(s.tender, s.knockout, [s.submissions[0].id], by=s.buyers[0], now=_later(s))
    with pytest.raises(AssessmentRefused, match="motivering"):
        _check(s, nee, RequirementOutcome.MET, note="")
    _check(s, nee, RequirementOutcome.MET, note="‘Nee’ was een vergissing: de VOG zit in de bijlage.")
    assert not queries.checks(nee)[s.knockout.id].proposed
    assert _draft(s)[nee] is DecisionOutcome.ADMITTED


def test_drafting_makes_the_proposals_even_when_nobody_opened_the_requirement_pages(app):
    s, nee = _with_a_nee(bids=1)
    _check(s, s.submissions[0].id, RequirementOutcome.MET, note="")
    with pytest.raises(AssessmentRefused, match="voorstel"):
        _draft(s)
    assert queries.checks(nee)[s.knockout.id].proposed


def test_met_in_bulk_leaves_proposals_and_refuses_an_empty_choice(app):
    s, nee = _with_a_nee()
    checking.index_answers(s.tender, opened.of(s.tender), now=_later(s))
    marked, left = checking.mark_met(
        s.tender, s.knockout, [x.id for x in s.submissions], by=s.buyers[0], now=_later(s)
    )
    assert (marked, left) == (2, 1)
    assert queries.checks(nee)[s.knockout.id].proposed
    with pytest.raises(AssessmentRefused, match="Kies"):
        checking.mark_met(s.tender, s.knockout, [10**6], by=s.buyers[0], now=_later(s))


# --- through HTTP ---------------------------------------------------------------------------------


def _url(s: Scenario, tail: str = "") -> str:
    return f"/beoordeling/beheer/{s.tender.id}/eisen/{s.knockout.id}{tail}"


@pytest.mark.usefixtures("no_csrf")
def test_the_buyer_marks_every_met_answer_met_in_two_requests_per_requirement(client, auth, app):
    s, nee = _with_a_nee(bids=3)
    auth.login(s.buyers[0])
    requests = 0
    for requirement in s.tender.requirements:
        filtered = f"/beoordeling/beheer/{s.tender.id}/eisen/{requirement.id}?antwoord=ja&uitkomst=open"
        page = client.get(filtered)
        requests += 1
        assert page.status_code == 200
        assert "1–3 van 3 inschrijvingen" in page.get_data(as_text=True)
        action = filtered.replace(f"/{requirement.id}?", f"/{requirement.id}/voldaan?")
        assert client.post(action, data={"bereik": "alle"}).status_code == 302
        requests += 1
    assert requests <= 2 * len(s.tender.requirements)
    checks = queries.check_states([x.id for x in s.submissions])
    assert [checks[x.id][s.knockout.id].outcome for x in s.submissions if x.id != nee] == ["met"] * 3
    assert checks[nee][s.knockout.id].proposed


@pytest.mark.usefixtures("no_csrf")
def test_the_list_filters_on_the_answer_and_text_and_pages_by_fifty(client, auth, app, monkeypatch):
    s, _nee = _with_a_nee(bids=2)
    auth.login(s.buyers[0])
    page = client.get(_url(s, "?antwoord=nee")).get_data(as_text=True)
    assert "Zorggroep Nee B.V." in page
    assert "Noorderzon 0" not in page
    assert "knock-outeis met ‘nee’ beantwoord" in page
    page = client.get(_url(s, "?q=noorderzon+1")).get_data(as_text=True)
    assert "Noorderzon 1" in page
    assert "Noorderzon 0" not in page
    assert "1–1 van 1" in page
    monkeypatch.setattr(checklist, "PAGE_SIZE", 2)
    page = client.get(_url(s, "?pagina=2")).get_data(as_text=True)
    assert "3–3 van 3 inschrijvingen" in page
    assert "Zorggroep Nee B.V." in page
    assert "Noorderzon 0" not in page
    page = client.get(_url(s, "?uitkomst=onzin&perceel=abc&pagina=-1")).get_data(as_text=True)
    assert "1–2 van 3" in page  # unknown filter values show the whole list


@pytest.mark.usefixtures("no_csrf")
def test_not_met_from_the_list_needs_a_motivation_and_returns_to_the_filter(client, auth, app):
    s, _nee = _with_a_nee(bids=1)
    other = s.submissions[0].id
    auth.login(s.buyers[0])
    url = _url(s, f"/{other}?antwoord=ja")
    page = client.get(url)
    assert page.status_code == 200
    assert "Noorderzon 0" in page.get_data(as_text=True)
    refused = client.post(url, data={f"r{s.knockout.id}-outcome": "not_met", f"r{s.knockout.id}-note": ""})
    assert refused.status_code == 422
    assert "Schrijf de motivering" in refused.get_data(as_text=True)
    done = client.post(
        url, data={f"r{s.knockout.id}-outcome": "not_met", f"r{s.knockout.id}-note": "Onvolledig"}
    )
    assert done.status_code == 302
    assert done.headers["Location"].endswith(_url(s, "?antwoord=ja"))
    assert queries.checks(other)[s.knockout.id].note == "Onvolledig"


@pytest.mark.usefixtures("no_csrf")
def test_another_tenders_requirement_or_bid_and_a_foreign_evidence_id_answer_404(client, auth, app):
    s, nee = _with_a_nee(bids=1)
    t, _nee = _with_a_nee(bids=1)
    auth.login(s.buyers[0])
    assert client.get(f"/beoordeling/beheer/{s.tender.id}/eisen/{t.knockout.id}").status_code == 404
    assert client.get(_url(s, f"/{t.submissions[0].id}")).status_code == 404
    assert client.post(_url(s, "/voldaan"), data={"inschrijving": [t.submissions[0].id]}).status_code == 302
    assert s.knockout.id not in queries.checks(t.submissions[0].id)
    assert client.get(f"/beoordeling/beheer/inschrijving/{nee}/bewijs/{10**6}").status_code == 404


@pytest.mark.usefixtures("no_csrf")
def test_the_overview_counts_each_state_per_requirement(client, auth, app):
    s, _nee = _with_a_nee(bids=2)
    auth.login(s.buyers[0])
    page = client.get(f"/beoordeling/beheer/{s.tender.id}/eisen").get_data(as_text=True)
    assert f"/eisen/{s.knockout.id}?uitkomst=proposed" in page
    assert f"/eisen/{s.knockout.id}?uitkomst=open" in page
    assert "Zorggroep Nee" not in page


def test_met_in_bulk_never_overrides_a_not_met_or_a_clarification(app):
    s, nee = _with_a_nee(bids=2)
    checking.index_answers(s.tender, opened.of(s.tender), now=_later(s))
    first, second = s.submissions[0].id, s.submissions[1].id
    _check(s, first, RequirementOutcome.NOT_MET, note="Onvolledig")
    marked, left = checking.mark_met(
        s.tender, s.knockout, [first, second, nee], by=s.buyers[0], now=_later(s)
    )
    assert (marked, left) == (1, 2)
    assert queries.checks(first)[s.knockout.id].outcome is RequirementOutcome.NOT_MET
