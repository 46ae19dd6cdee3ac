"""A rectification that moves a deadline moves the tender's own deadline, end to end over HTTP."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from portal import clock
from portal.bids import service as bids
from portal.extensions import db
from portal.models import AuditEvent, Bid, BidStatus, Opening, Rectification, Role, Tender, User
from portal.tenders import forms, publication, service
from tests import factories
from tests.bids.conftest import complete
from tests.conftest import Auth
from tests.tenders.helpers import complete_draft

B = "/inkooptrajecten/beheer"


def _published_with_drafts(count: int) -> tuple[Tender, list[tuple[Bid, User]]]:
    """A published aanbesteding and `count` providers, each with a complete draft bid."""
    tender = complete_draft()
    publication.publish_tender(tender, by=None, now=tender.publication_at)
    drafts = []
    for _ in range(count):
        provider = factories.user_with_role(Role.PROVIDER_ADMIN)
        bid = bids.start_bid(tender, provider.organisation, provider, now=clock.now())
        drafts.append((complete(bid, provider), provider))
    db.session.commit()
    return tender, drafts


def _form_value(moment: datetime) -> str:
    return forms.to_form_value(moment).strftime(forms.LOCAL_FORMAT)


def _submit(client: FlaskClient, auth: Auth, bid: Bid, provider: User, key: str) -> TestResponse:
    auth.login(provider)
    return client.post(f"/inschrijvingen/{bid.id}/indienen", data={"idempotency_key": key, "confirm": "y"})


def test_bid_between_old_and_new_deadline_is_accepted_and_after_the_new_one_refused(
    client, auth, no_csrf, smtp_server
):
    tender, [(early, first), (late, second)] = _published_with_drafts(2)
    old = tender.submission_deadline
    new = (old + timedelta(days=7)).replace(second=0)  # the form has minutes
    buyer = auth.as_role(Role.BUYER)
    response = client.post(
        f"{B}/{tender.id}/rectificatie",
        data={
            "what": "Sluitingsdatum een week later",
            "why": "Storing",
            "submission_deadline": _form_value(new),
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert tender.submission_deadline == new
    moved = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "tenders.deadline_moved")
    ).one()
    assert (moved.actor_id, moved.detail["field"]) == (buyer.id, "submission_deadline")
    assert moved.detail["old"] == str(old)
    assert moved.detail["new"] == str(new)
    assert any("Nieuwe sluitingsdatum inschrijvingen" in smtp_server.body_of(m) for m in smtp_server.messages)

    with time_machine.travel(old + timedelta(hours=1), tick=False):
        assert _submit(client, auth, early, first, "a" * 32).status_code == 302
    db.session.expire_all()
    assert early.status is BidStatus.SUBMITTED

    with time_machine.travel(new + timedelta(seconds=1), tick=False):
        refused = _submit(client, auth, late, second, "b" * 32)
    assert refused.status_code == 422
    db.session.expire_all()
    assert late.status is BidStatus.DRAFT


def test_rectification_into_the_past_is_refused_next_to_the_field(client, auth, no_csrf):
    tender, _ = _published_with_drafts(0)
    old = tender.submission_deadline
    auth.as_role(Role.BUYER)
    response = client.post(
        f"{B}/{tender.id}/rectificatie",
        data={
            "what": "Eerder",
            "why": "Graag",
            "submission_deadline": _form_value(clock.now() - timedelta(hours=2)),
        },
    )
    assert response.status_code == 422
    assert 'id="submission_deadline-error"' in response.text
    assert "De nieuwe datum moet in de toekomst liggen." in response.text
    db.session.expire_all()
    assert tender.submission_deadline == old
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Rectification)) == 0


def test_a_deadline_cannot_move_once_the_bids_are_opened():
    tender, _ = _published_with_drafts(0)
    opener = factories.user_with_role(Role.BUYER)
    db.session.add(Opening(tender_id=tender.id, first_by_id=opener.id, first_at=clock.now()))
    db.session.flush()
    with pytest.raises(service.InvalidInput) as refused:
        publication.publish_rectification(
            tender,
            what="Later",
            why="Graag",
            by=None,
            now=clock.now(),
            submission_deadline=tender.submission_deadline + timedelta(days=3),
        )
    assert refused.value.problems[0].field == "submission_deadline"
    assert "geopend" in str(refused.value.problems[0])


def test_open_house_rectification_moves_the_closing_of_the_open_admission_window(client, auth, no_csrf):
    tender = factories.tender_with_matrix(contract_start=(clock.now() + timedelta(days=120)).date())
    factories.RequirementFactory(tender=tender)
    factories.AwardCriterionFactory(tender=tender)
    window = tender.windows[0]
    drafts = []
    for _ in range(2):
        provider = factories.user_with_role(Role.PROVIDER_ADMIN)
        bid = bids.start_bid(tender, provider.organisation, provider, now=clock.now())
        drafts.append((complete(bid, provider), provider))
    old = window.closes_at
    new = (old + timedelta(days=7)).replace(second=0, microsecond=0)
    auth.as_role(Role.BUYER)
    page = client.get(f"{B}/{tender.id}/rectificatie").text
    assert 'name="submission_deadline"' in page
    response = client.post(
        f"{B}/{tender.id}/rectificatie",
        data={"what": "Ronde een week langer", "why": "Storing", "submission_deadline": _form_value(new)},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert window.closes_at == new
    moved = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "tenders.deadline_moved")
    ).one()
    assert moved.detail["window_id"] == str(window.id)

    (early, first), (late, second) = drafts
    with time_machine.travel(old + timedelta(hours=1), tick=False):
        assert _submit(client, auth, early, first, "c" * 32).status_code == 302
    db.session.expire_all()
    assert early.submissions[0].admission_window_id == window.id
    with time_machine.travel(new + timedelta(seconds=1), tick=False):
        assert _submit(client, auth, late, second, "d" * 32).status_code == 422


def test_open_house_without_an_open_window_has_nothing_to_extend():
    tender = factories.tender_with_matrix(contract_start=(clock.now() + timedelta(days=120)).date())
    window = tender.windows[0]
    with pytest.raises(service.InvalidInput) as refused:
        publication.publish_rectification(
            tender,
            what="Later",
            why="Graag",
            by=None,
            now=window.closes_at + timedelta(minutes=1),
            submission_deadline=window.closes_at + timedelta(days=3),
        )
    assert refused.value.problems[0].field == "submission_deadline"
    assert "geen toelatingsronde open" in str(refused.value.problems[0])
