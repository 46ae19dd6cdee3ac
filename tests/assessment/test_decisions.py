"""The decisions page at scale: filtered and paged, bulk approval of a selection (four eyes), and an
outcome changed with its reason in the audit trail."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.assessment import checklist, deciding, queries
from portal.assessment.service import AssessmentRefused
from portal.extensions import db
from portal.models import AuditEvent, DecisionOutcome, OutgoingMail

from .conftest import Scenario, build_scenario

pytestmark = pytest.mark.usefixtures("no_csrf")


def _drafted(bids: int = 3) -> Scenario:
    """Decisions drafted by buyer 0: the first bid knocked out (rejected), the others admitted."""
    s = build_scenario(bids=bids, max_providers=None)
    s.open()
    s.appoint_and_declare()
    s.score_all({x.id: [8, 8] for x in s.submissions})
    s.check_all(not_met={s.submissions[0].id})
    deciding.draft_decisions(s.tender, s.buyers[0], now=s.deadline + timedelta(hours=3))
    db.session.commit()
    return s


def _outcomes(s: Scenario) -> dict[int, tuple[DecisionOutcome, bool]]:
    return {d.submission_id: (d.outcome, d.approved_at is not None) for d in queries.decisions(s.tender)}


def test_bulk_approval_of_a_filtered_selection_never_by_the_drafting_buyer(client, auth, app):
    s = _drafted()
    url = f"/beoordeling/beheer/{s.tender.id}/besluiten/goedkeuren?besluit=admitted"
    auth.login(s.buyers[0])  # drafted them all
    client.post(url)
    assert not any(approved for _o, approved in _outcomes(s).values())
    auth.login(s.buyers[1])
    assert client.post(url).status_code == 302
    found = _outcomes(s)
    assert found[s.submissions[0].id] == (DecisionOutcome.REJECTED, False)  # outside the filter
    assert all(found[x.id] == (DecisionOutcome.ADMITTED, True) for x in s.submissions[1:])


def test_the_buyer_who_edited_a_decision_cannot_approve_it_in_bulk(client, auth, app):
    s = _drafted(bids=2)
    decision = queries.decisions_of(s.submissions[1])[0]
    deciding.edit_decision(decision, "Aangepast", s.buyers[1], now=s.deadline + timedelta(hours=4))
    db.session.commit()
    auth.login(s.buyers[1])
    client.post(f"/beoordeling/beheer/{s.tender.id}/besluiten/goedkeuren")
    found = _outcomes(s)
    assert found[s.submissions[1].id][1] is False  # his own edit waits for another buyer
    assert found[s.submissions[0].id][1] is True


def test_changing_the_outcome_needs_a_reason_and_is_audited(app):
    s = _drafted(bids=1)
    decision = queries.decisions_of(s.submissions[0])[0]
    now = s.deadline + timedelta(hours=4)
    with pytest.raises(AssessmentRefused, match="waarom"):
        deciding.edit_decision(
            decision, "Toch toegelaten", s.buyers[1], now=now, outcome=DecisionOutcome.ADMITTED
        )
    reason = "De VOG bleek wel tijdig ingediend."
    deciding.edit_decision(
        decision, "Toegelaten", s.buyers[1], now=now, outcome=DecisionOutcome.ADMITTED, reason=reason
    )
    db.session.commit()
    assert decision.outcome is DecisionOutcome.ADMITTED
    assert decision.approved_at is None
    event = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.action == "assessment.edit_decision")
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event.detail["outcome_from"] == "rejected"
    assert event.detail["outcome_to"] == "admitted"
    assert event.detail["reason"] == reason
    with pytest.raises(AssessmentRefused, match="tweede inkoper"):
        deciding.approve_decision(decision, s.buyers[1], now=now)


def test_the_outcome_change_through_the_page_shows_the_refusal(client, auth, app):
    s = _drafted(bids=1)
    decision = queries.decisions_of(s.submissions[0])[0]
    auth.login(s.buyers[1])
    url = f"/beoordeling/beheer/besluit/{decision.id}"
    refused = client.post(url, data={"outcome": "admitted", "motivation": "Toegelaten", "change_reason": ""})
    assert refused.status_code == 422
    assert "Schrijf waarom u het besluit wijzigt." in refused.get_data(as_text=True)
    done = client.post(
        url, data={"outcome": "admitted", "motivation": "Toegelaten", "change_reason": "Herzien"}
    )
    assert done.status_code == 302
    assert queries.decisions_of(s.submissions[0])[0].outcome is DecisionOutcome.ADMITTED


def test_the_decisions_page_filters_and_pages(client, auth, app, monkeypatch):
    s = _drafted()
    auth.login(s.buyers[1])
    base = f"/beoordeling/beheer/{s.tender.id}/besluiten"
    rejected = client.get(base + "?besluit=rejected").get_data(as_text=True)
    assert "1–1 van 1 besluiten" in rejected
    assert "Noorderzon 0" in rejected
    assert "Noorderzon 1" not in rejected
    assert "Geen besluiten" in client.get(base + "?status=verzonden").get_data(as_text=True)
    monkeypatch.setattr(checklist, "PAGE_SIZE", 2)
    monkeypatch.setattr("portal.assessment.decision_list.PAGE_SIZE", 2)
    monkeypatch.setattr("portal.assessment.views.PAGE_SIZE", 2)
    second = client.get(base + "?pagina=2").get_data(as_text=True)
    assert "3–3 van 3 besluiten" in second
    assert "Noorderzon 2" in second
    assert "Noorderzon 0" not in second


def test_one_click_sends_every_letter_in_background_batches_and_a_second_click_sends_none(
    client, auth, app, smtp_server, monkeypatch
):
    s = _drafted(bids=3)
    for decision in queries.decisions(s.tender):
        deciding.approve_decision(decision, s.buyers[1], now=s.deadline + timedelta(hours=4))
    db.session.commit()
    monkeypatch.setattr(deciding, "SEND_BATCH", 1)
    auth.login(s.buyers[0])
    url = f"/beoordeling/beheer/{s.tender.id}/verzenden"
    assert client.post(url).status_code == 302  # the batches ran after the commit (inline in tests)
    assert all(d.sent_at is not None for d in queries.decisions(s.tender))
    assert len(smtp_server.messages) == 3
    batches = sa.select(sa.func.count()).where(AuditEvent.action == "assessment.send_decisions")
    assert db.session.scalar(batches) >= 3  # one batch of one per decision
    assert client.post(url).status_code == 302
    assert len(smtp_server.messages) == 3
    assert db.session.query(OutgoingMail).count() == 3
    page = client.get(f"/beoordeling/beheer/{s.tender.id}/besluiten").get_data(as_text=True)
    assert "Verzonden: 3 / 3" in page


def test_the_edit_page_shows_the_current_outcome_chosen(client, auth, app):
    s = _drafted(bids=1)
    decision = queries.decisions_of(s.submissions[0])[0]
    auth.login(s.buyers[1])
    html = client.get(f"/beoordeling/beheer/besluit/{decision.id}").get_data(as_text=True)
    rejected = re.search(r'<input[^>]*value="rejected"[^>]*>', html)
    admitted = re.search(r'<input[^>]*value="admitted"[^>]*>', html)
    assert rejected is not None
    assert admitted is not None
    assert "checked" in rejected.group(0)
    assert "checked" not in admitted.group(0)
