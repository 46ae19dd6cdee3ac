"""The assessment through HTTP: opening, blindness, no peeking, conflicts, consensus, four eyes, sending."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader

from portal.assessment import deciding, opened, queries, service
from portal.bids.content import SubmittedContent
from portal.extensions import db
from portal.models import Decision, OutgoingMail, RequirementCheck, Score

from .conftest import build_scenario

pytestmark = pytest.mark.usefixtures("no_csrf")


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_before_opening_the_pages_show_nothing_of_any_bid(client, auth, scenario):
    scenario.appoint()
    auth.login(scenario.buyers[0])
    page = client.get(f"/beoordeling/beheer/{scenario.tender.id}").get_data(as_text=True)
    for submission in scenario.submissions:
        assert submission.bid.organisation.name not in page
        assert submission.sha256 not in page
    assert (
        client.get(f"/beoordeling/beheer/inschrijving/{scenario.submissions[0].id}/eisen").status_code == 404
    )
    auth.login(scenario.assessors[0])
    page = client.get(f"/beoordeling/{scenario.tender.id}/inschrijvingen").get_data(as_text=True)
    assert "nog niet geopend" in page
    assert client.get(f"/beoordeling/inschrijving/{scenario.submissions[0].id}").status_code in (
        403,
        404,
    )  # not declared yet, and sealed


def test_two_different_buyers_open_and_the_record_shows_who_and_the_hashes(client, auth, scenario):
    url = f"/beoordeling/beheer/{scenario.tender.id}/openen"
    auth.login(scenario.buyers[0])
    assert client.post(url).status_code == 302
    refused = client.post(url)
    assert refused.status_code == 422
    assert "andere inkoper" in refused.get_data(as_text=True)
    assert opened.of(scenario.tender).submissions == []
    auth.login(scenario.buyers[1])
    assert client.post(url).status_code == 302
    page = client.get(f"/beoordeling/beheer/{scenario.tender.id}").get_data(as_text=True)
    assert scenario.buyers[0].name in page
    assert scenario.buyers[1].name in page
    for submission in scenario.submissions:
        assert submission.sha256 in page
        assert submission.bid.organisation.name in page


def test_the_assessor_pages_never_show_the_organisation_name_kvk_or_file_names(client, auth, scenario):
    scenario.open()
    scenario.appoint_and_declare()
    auth.login(scenario.assessors[0])
    pages = [client.get(f"/beoordeling/{scenario.tender.id}/inschrijvingen").get_data(as_text=True)]
    for submission in scenario.submissions:
        response = client.get(f"/beoordeling/inschrijving/{submission.id}")
        assert response.status_code == 200
        pages.append(response.get_data(as_text=True))
    assert "Inschrijving 001" in pages[1]
    assert "Ons antwoord op" in pages[1]
    for page in pages:
        for submission in scenario.submissions:
            organisation = submission.bid.organisation
            assert organisation.name not in page
            assert organisation.kvk_number not in page
            assert "vog-verklaring.pdf" not in page
            assert submission.sha256 not in page


def test_an_assessor_sees_other_scores_only_after_submitting_his_own(client, auth, scenario):
    scenario.open()
    scenario.appoint_and_declare()
    submission, criterion = scenario.submissions[0], scenario.criteria[0]
    service.submit_score(
        submission, criterion, scenario.assessors[0], "8", "Zeer overtuigend plan", now=scenario.deadline
    )
    db.session.commit()
    auth.login(scenario.assessors[1])
    url = f"/beoordeling/inschrijving/{submission.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Zeer overtuigend plan" not in page
    assert scenario.assessors[0].name not in page
    response = client.post(
        f"{url}/{criterion.id}",
        data={f"c{criterion.id}-value": "6", f"c{criterion.id}-motivation": "Voldoende"},
    )
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Zeer overtuigend plan" in page
    assert scenario.assessors[0].name in page


def test_a_score_without_motivation_is_refused_and_nothing_is_saved(client, auth, scenario):
    scenario.open()
    scenario.appoint_and_declare()
    submission, criterion = scenario.submissions[0], scenario.criteria[0]
    auth.login(scenario.assessors[0])
    response = client.post(
        f"/beoordeling/inschrijving/{submission.id}/{criterion.id}", data={f"c{criterion.id}-value": "6"}
    )
    assert response.status_code == 422
    assert "Een motivering is verplicht" in response.get_data(as_text=True)
    assert db.session.query(Score).count() == 0


def test_an_assessor_gets_404_for_the_bid_of_an_organisation_he_named(client, auth, scenario):
    scenario.open()
    named = scenario.submissions[1]
    scenario.appoint_and_declare(conflicts={scenario.assessors[0].id: [named.bid.organisation]})
    auth.login(scenario.assessors[0])
    assert client.get(f"/beoordeling/inschrijving/{named.id}").status_code == 404
    response = client.post(
        f"/beoordeling/inschrijving/{named.id}/{scenario.criteria[0].id}",
        data={f"c{scenario.criteria[0].id}-value": "6", f"c{scenario.criteria[0].id}-motivation": "x"},
    )
    assert response.status_code == 404
    listing = client.get(f"/beoordeling/{scenario.tender.id}/inschrijvingen").get_data(as_text=True)
    assert listing.count("Inschrijving 0") == 2


def test_an_assessor_must_declare_before_seeing_a_bid(client, auth, scenario):
    scenario.open()
    service.appoint_assessor(scenario.tender, scenario.assessors[0], criterion=None, by=scenario.buyers[0])
    db.session.commit()
    auth.login(scenario.assessors[0])
    assert client.get(f"/beoordeling/inschrijving/{scenario.submissions[0].id}").status_code == 403
    response = client.post(f"/beoordeling/{scenario.tender.id}/verklaring", data={"confirm": "y"})
    assert response.status_code == 302
    assert client.get(f"/beoordeling/inschrijving/{scenario.submissions[0].id}").status_code == 200


def test_consensus_is_refused_until_every_assessor_has_scored(client, auth, scenario):
    scenario.open()
    scenario.appoint_and_declare()
    submission, criterion = scenario.submissions[0], scenario.criteria[0]
    service.submit_score(submission, criterion, scenario.assessors[0], "2", "Zwak", now=scenario.deadline)
    db.session.commit()
    auth.login(scenario.buyers[0])
    url = f"/beoordeling/beheer/inschrijving/{submission.id}/consensus/{criterion.id}"
    response = client.post(url, data={"value": "4", "motivation": "Samen besproken"})
    assert response.status_code == 422
    assert queries.consensus(submission.id, criterion.id) is None
    service.submit_score(submission, criterion, scenario.assessors[1], "8", "Sterk", now=scenario.deadline)
    db.session.commit()
    overview = client.get(f"/beoordeling/beheer/{scenario.tender.id}/consensus").get_data(as_text=True)
    assert "grote spreiding" in overview
    assert client.post(url, data={"value": "5", "motivation": "Samen besproken"}).status_code == 302
    assert queries.consensus(submission.id, criterion.id).value == 5


def test_a_requirement_of_another_tender_is_refused_and_earlier_checks_stay(client, auth, scenario):
    from tests import factories

    scenario.open()
    scenario.check_all()
    foreign = factories.RequirementFactory()
    submission = scenario.submissions[0]
    auth.login(scenario.buyers[0])
    response = client.post(
        f"/beoordeling/beheer/inschrijving/{submission.id}/eisen/{foreign.id}",
        data={f"r{foreign.id}-outcome": "not_met"},
    )
    assert response.status_code == 422
    assert db.session.query(RequirementCheck).filter_by(submission_id=submission.id).count() == 1


def test_the_provider_answers_a_clarification_once_in_the_portal(client, auth, scenario):
    scenario.open()
    submission = scenario.submissions[0]
    auth.login(scenario.buyers[0])
    deadline = (scenario.deadline + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    prefix = f"r{scenario.knockout.id}"
    response = client.post(
        f"/beoordeling/beheer/inschrijving/{submission.id}/eisen/{scenario.knockout.id}",
        data={
            f"{prefix}-outcome": "clarification",
            f"{prefix}-question": "Welke VOG?",
            f"{prefix}-response_deadline": deadline,
        },
    )
    assert response.status_code == 302
    clarification = queries.clarifications(submission.id)[0]
    auth.login(submission.bid.organisation.users[0])
    url = f"/beoordeling/verduidelijking/{clarification.id}"
    assert "Welke VOG?" in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"answer": "De VOG van maart 2026."}).status_code == 302
    again = client.post(url, data={"answer": "Toch iets anders."})
    assert again.status_code == 422
    db.session.refresh(clarification)
    assert clarification.answer == "De VOG van maart 2026."
    assert SubmittedContent.from_json(submission.content).requirements[0].explanation == "Zie bijlage"


def _ready_to_send(bids=2, max_providers=1):
    s = build_scenario(bids=bids, max_providers=max_providers)
    s.open()
    s.appoint_and_declare()
    s.score_all({sub.id: [8 - 2 * i, 6] for i, sub in enumerate(s.submissions)})
    s.check_all()
    deciding.draft_decisions(s.tender, s.buyers[0], now=s.deadline + timedelta(hours=3))
    db.session.commit()
    return s


def test_the_drafting_buyer_cannot_approve_his_own_decisions(client, auth, app):
    s = _ready_to_send()
    decision = queries.decisions(s.tender)[0]
    auth.login(s.buyers[0])
    response = client.post(f"/beoordeling/beheer/besluit/{decision.id}/goedkeuren")
    assert response.status_code == 422
    assert "tweede inkoper" in response.get_data(as_text=True)
    auth.login(s.buyers[1])
    assert client.post(f"/beoordeling/beheer/besluit/{decision.id}/goedkeuren").status_code == 302
    db.session.refresh(decision)
    assert decision.approved_by_id == s.buyers[1].id


def test_sending_twice_sends_one_mail_and_one_letter_per_provider(client, auth, app, smtp_server):
    s = _ready_to_send()
    for decision in queries.decisions(s.tender):
        deciding.approve_decision(decision, s.buyers[1], now=s.deadline + timedelta(hours=4))
    db.session.commit()
    auth.login(s.buyers[0])
    url = f"/beoordeling/beheer/{s.tender.id}/verzenden"
    assert client.post(url).status_code == 302
    first = {d.id: (d.sent_at, d.letter_sha256) for d in queries.decisions(s.tender)}
    assert client.post(url).status_code == 302
    assert {d.id: (d.sent_at, d.letter_sha256) for d in queries.decisions(s.tender)} == first
    recipients = sorted(m["To"] for m in smtp_server.messages)
    assert len(recipients) == 2
    assert len(set(recipients)) == 2
    assert db.session.query(OutgoingMail).count() == 2
    page = client.get(f"/beoordeling/beheer/{s.tender.id}/besluiten").get_data(as_text=True)
    assert "Verzonden: 2 / 2" in page


def test_the_provider_sees_the_outcome_reasons_and_own_letter_only(client, auth, app):
    s = _ready_to_send()
    for decision in queries.decisions(s.tender):
        deciding.approve_decision(decision, s.buyers[1], now=s.deadline)
    deciding.send_decisions(s.tender, s.buyers[0], now=s.deadline + timedelta(hours=5))
    db.session.commit()
    loser = s.submissions[1]
    auth.login(loser.bid.organisation.users[0])
    page = client.get(f"/beoordeling/besluit/{loser.id}").get_data(as_text=True)
    assert "Afgewezen" in page
    assert "plaats 2" in page
    own = queries.decisions_of(loser)[0]
    letter = client.get(f"/beoordeling/besluit/brief/{own.id}")
    assert letter.status_code == 200
    assert letter.mimetype == "application/pdf"
    other = queries.decisions_of(s.submissions[0])[0]
    assert client.get(f"/beoordeling/besluit/brief/{other.id}").status_code == 404
    assert client.get(f"/beoordeling/besluit/{s.submissions[0].id}").status_code == 404


def test_the_letters_read_back_with_scores_motivation_winners_and_standstill(app):
    s = _ready_to_send()
    for decision in queries.decisions(s.tender):
        deciding.approve_decision(decision, s.buyers[1], now=s.deadline)
    sent_at = s.deadline + timedelta(days=1)
    deciding.send_decisions(s.tender, s.buyers[0], now=sent_at)
    winner, loser = s.submissions
    from portal import uploads
    from portal.assessment import rules

    rejected = _text(uploads.path_of(queries.decisions_of(loser)[0].letter_stored_name).read_bytes())
    assert "Besluit tot afwijzing" in rejected
    assert "Hoe stelt u de inwoner centraal?" in rejected
    assert "plaats 2" in rejected
    assert winner.bid.organisation.name in rejected  # the winning bid and its relative advantages
    assert "+2,00" in rejected  # 8 against 6 on the first criterion
    assert "20 kalenderdagen" in rejected
    end = rules.standstill_end(sent_at, 20)
    assert re.search(rf"{end.day}\s+\w+\s+{end.year}", rejected)
    admitted = _text(uploads.path_of(queries.decisions_of(winner)[0].letter_stored_name).read_bytes())
    assert "Besluit tot toelating" in admitted
    assert "6,00" in admitted  # the second criterion's consensus score
    assert "afgerond op twee decimalen" in admitted
    decision = queries.decisions_of(winner)[0]
    from portal.pdf import sha256

    assert sha256(uploads.path_of(decision.letter_stored_name).read_bytes()) == decision.letter_sha256


def test_a_sent_decision_can_no_longer_be_edited(client, auth, app):
    s = _ready_to_send(bids=1)
    decision = queries.decisions(s.tender)[0]
    deciding.approve_decision(decision, s.buyers[1], now=s.deadline)
    deciding.send_decisions(s.tender, s.buyers[0], now=s.deadline)
    db.session.commit()
    auth.login(s.buyers[1])
    response = client.post(f"/beoordeling/beheer/besluit/{decision.id}", data={"motivation": "Anders"})
    assert response.status_code == 422
    db.session.refresh(decision)
    assert decision.motivation != "Anders"
    assert db.session.get(Decision, decision.id).sent_at is not None


def test_open_house_is_opened_by_one_buyer_after_the_admission_window_closes(client, auth, app):
    from datetime import UTC, datetime

    from portal.models import AdmissionWindow, Procedure, Role
    from tests import factories

    now = datetime.now(UTC).replace(microsecond=0)
    tender = factories.tender_with_matrix(procedure=Procedure.OPEN_HOUSE)
    closed = AdmissionWindow(
        tender=tender, opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=30)
    )
    db.session.add(closed)
    db.session.commit()
    running = next(w for w in tender.windows if w.id != closed.id)
    early = factories.submitted_bid(tender, window=closed)
    late = factories.submitted_bid(tender, window=running)
    auth.as_role(Role.BUYER)
    url = f"/beoordeling/beheer/{tender.id}/openen"
    refused = client.post(url, data={"window": running.id})
    assert refused.status_code == 422
    assert "nog niet verstreken" in refused.get_data(as_text=True)
    assert client.post(url, data={"window": closed.id}).status_code == 302
    assert opened.of(tender).submissions == [early]
    page = client.get(f"/beoordeling/beheer/{tender.id}").get_data(as_text=True)
    assert early.bid.organisation.name in page
    assert late.bid.organisation.name not in page


def test_viewing_a_bid_for_scoring_is_recorded_in_the_audit_trail(client, auth, scenario):
    from portal.models import AuditEvent

    scenario.open()
    scenario.appoint_and_declare()
    auth.login(scenario.assessors[0])
    client.get(f"/beoordeling/inschrijving/{scenario.submissions[0].id}")
    event = db.session.query(AuditEvent).filter_by(action="assessment.view_submission").one()
    assert (event.actor_id, event.object_id) == (scenario.assessors[0].id, scenario.submissions[0].id)


def test_approving_all_skips_the_decisions_the_buyer_drafted_himself(client, auth, app):
    s = _ready_to_send(bids=2)
    decisions = queries.decisions(s.tender)
    deciding.edit_decision(decisions[0], "Aangepast door de tweede inkoper", s.buyers[1], now=s.deadline)
    db.session.commit()
    auth.login(s.buyers[1])
    response = client.post(f"/beoordeling/beheer/{s.tender.id}/besluiten/goedkeuren", follow_redirects=True)
    assert "1 besluiten heeft u zelf opgesteld" in response.get_data(as_text=True)
    for decision in decisions:
        db.session.refresh(decision)
    assert decisions[0].approved_at is None
    assert decisions[1].approved_by_id == s.buyers[1].id


def test_buyer_pages_show_individual_scores_only_when_all_are_in(client, auth, scenario):
    scenario.open()
    scenario.appoint_and_declare()
    submission, criterion = scenario.submissions[0], scenario.criteria[0]
    deciding_buyer = scenario.buyers[0]
    service.submit_score(
        submission, criterion, scenario.assessors[0], "8", "Geheime motivering", now=scenario.deadline
    )
    db.session.commit()
    auth.login(deciding_buyer)
    item = f"/beoordeling/beheer/inschrijving/{submission.id}/consensus/{criterion.id}"
    assert "Geheime motivering" not in client.get(item).get_data(as_text=True)
    overview = client.get(f"/beoordeling/beheer/{scenario.tender.id}/consensus").get_data(as_text=True)
    assert "8,00" not in overview
    service.submit_score(
        submission, criterion, scenario.assessors[1], "6", "Voldoende", now=scenario.deadline
    )
    db.session.commit()
    assert "Geheime motivering" in client.get(item).get_data(as_text=True)


def test_the_provider_is_mailed_the_clarification_question_with_its_link(client, auth, scenario, smtp_server):
    scenario.open()
    submission = scenario.submissions[0]
    auth.login(scenario.buyers[0])
    prefix = f"r{scenario.knockout.id}"
    deadline = (scenario.deadline + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        f"/beoordeling/beheer/inschrijving/{submission.id}/eisen/{scenario.knockout.id}",
        data={
            f"{prefix}-outcome": "clarification",
            f"{prefix}-question": "Welke VOG bedoelt u?",
            f"{prefix}-response_deadline": deadline,
        },
    )
    clarification = queries.clarifications(submission.id)[0]
    [message] = smtp_server.messages
    assert message["To"] == submission.bid.organisation.users[0].email
    body = smtp_server.body_of(message)
    assert "Welke VOG bedoelt u?" in body
    assert f"/beoordeling/verduidelijking/{clarification.id}" in body


def test_an_open_house_letter_has_no_ranking_and_no_standstill(app):
    from portal import uploads
    from portal.models import Procedure

    s = build_scenario(bids=1, max_providers=None, procedure=Procedure.OPEN_HOUSE)
    s.tender.windows[0].closes_at = s.deadline
    s.tender.windows[0].opens_at = s.deadline - timedelta(days=30)
    db.session.commit()
    service.confirm_opening(
        s.tender, s.buyers[0], window=s.tender.windows[0], now=s.deadline + timedelta(hours=1)
    )
    s.appoint_and_declare()
    s.score_all({s.submissions[0].id: [6, 6]})
    s.check_all()
    deciding.draft_decisions(s.tender, s.buyers[0], now=s.deadline + timedelta(hours=3))
    deciding.approve_all(s.tender, s.buyers[1], now=s.deadline + timedelta(hours=3))
    deciding.send_decisions(s.tender, s.buyers[0], now=s.deadline + timedelta(hours=4))
    decision = queries.decisions(s.tender)[0]
    text = _text(uploads.path_of(decision.letter_stored_name).read_bytes())
    assert "Besluit tot toelating" in text
    assert "6,00" in text
    assert "opschortende termijn" not in text.lower()
    assert "rangschikking" not in text


def test_the_pages_read_the_frozen_content_never_the_working_copy_and_stay_blind(client, auth, scenario):
    """What the assessors and buyers read is the content the bids feature froze at submission: an
    answer changed in the bid's working copy afterwards is not shown, and the organisation never is."""
    scenario.open()
    scenario.appoint_and_declare()
    submission = scenario.submissions[0]
    organisation = submission.bid.organisation
    frozen = SubmittedContent.from_json(submission.content)
    for answer in submission.bid.criterion_answers:
        answer.text = "Later gewijzigd in de werkversie"
    for answer in submission.bid.requirement_answers:
        answer.text = "Later gewijzigde toelichting"
    db.session.commit()
    assert queries.lot_ids(submission) == frozen.lot_ids
    auth.login(scenario.assessors[0])
    page = client.get(f"/beoordeling/inschrijving/{submission.id}").get_data(as_text=True)
    assert frozen.criterion_answer(scenario.criteria[0].id) in page
    assert "Later gewijzigd" not in page
    assert organisation.name not in page
    assert organisation.kvk_number not in page
    assert "vog-verklaring.pdf" not in page
    auth.login(scenario.buyers[0])
    page = client.get(f"/beoordeling/beheer/inschrijving/{submission.id}/eisen").get_data(as_text=True)
    assert "Zie bijlage" in page
    assert "Later gewijzigde toelichting" not in page
    assert "vog-verklaring.pdf" in page
