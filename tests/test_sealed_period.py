"""The sealed period (issue 12, point 6): before the opening no staff page tells who bids.

Two organisations with distinctive names, KvK numbers and e-mail addresses follow an aanbesteding, ask
a question and submit a bid through the real pages and services. Then every staff role walks every
page it can reach (each GET route of the application, filled in with this tender's and these bids'
ids): no name, KvK number, e-mail address or bid hash of a bidder may appear. After the opening the
same audit page and the assessor's declaration do name them (the walk is not blind).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
import time_machine
from flask import Flask, url_for
from flask.testing import FlaskClient

from portal import clock, sealed
from portal.assessment import service as assessment
from portal.extensions import db
from portal.models import Bid, BidSubmission, Role, Tender, User
from portal.tenders import publication
from tests import factories
from tests.bids.conftest import complete
from tests.conftest import Auth
from tests.tenders.helpers import complete_draft

pytestmark = pytest.mark.usefixtures("no_csrf")

BIDDERS = (
    ("Zorggroep Verzegeld Alfa B.V.", "91827364", "alfa.inschrijver@verzegeld-alfa.example"),
    ("Stichting Geheime Beta", "82736455", "beta.inschrijver@geheim-beta.example"),
)
STAFF = (Role.BUYER, Role.ASSESSOR, Role.CONTRACT_MANAGER, Role.ADMIN, Role.VIEWER)
FILLABLE = {"tender_id", "bid_id", "submission_id", "version", "fmt", "criterion_id"}
# The account list shows every registered account, bidding or not: it tells nothing about bids.
NOT_WALKED = {"static", "admin.users"}


def _bid_through_the_pages(
    client: FlaskClient, auth: Auth, tender: Tender, name: str, kvk: str, email: str
) -> BidSubmission:
    organisation = factories.OrganisationFactory(name=name, kvk_number=kvk)
    provider = factories.UserFactory(email=email, roles=[Role.PROVIDER_ADMIN], organisation=organisation)
    auth.login(provider)
    assert client.post(f"/inkooptrajecten/{tender.id}/volgen").status_code == 302
    assert (
        client.post(f"/inkooptrajecten/{tender.id}/vragen", data={"text": "Mag het later?"}).status_code
        == 302
    )
    assert client.post(f"/inschrijvingen/start/{tender.id}").status_code == 302
    bid = db.session.scalar(sa.select(Bid).where(Bid.organisation_id == organisation.id))
    complete(bid, provider)
    response = client.post(
        f"/inschrijvingen/{bid.id}/indienen", data={"idempotency_key": kvk * 4, "confirm": "y"}
    )
    assert response.status_code == 302
    return db.session.scalar(sa.select(BidSubmission).where(BidSubmission.bid_id == bid.id))


@pytest.fixture
def world(client: FlaskClient, auth: Auth) -> dict[str, Any]:
    tender = complete_draft()
    publication.publish_tender(tender, by=None, now=tender.publication_at)
    db.session.commit()
    submissions = [_bid_through_the_pages(client, auth, tender, *bidder) for bidder in BIDDERS]
    staff = {role: factories.user_with_role(role) for role in STAFF}
    assessment.appoint_assessor(tender, staff[Role.ASSESSOR], criterion=None, by=staff[Role.BUYER])
    db.session.commit()
    markers = [value for bidder in BIDDERS for value in bidder] + [s.sha256 for s in submissions]
    return {"tender": tender, "submissions": submissions, "staff": staff, "markers": markers}


def _staff_urls(app: Flask, world: dict) -> list[str]:
    """Every GET page of the application that needs no more than this tender's and these bids' ids."""
    tender, submissions = world["tender"], world["submissions"]
    values = [
        {
            "tender_id": tender.id,
            "bid_id": s.bid_id,
            "submission_id": s.id,
            "version": s.version,
            "fmt": "csv",
            "criterion_id": tender.criteria[0].id,
        }
        for s in submissions
    ]
    urls = {"/beheer/audit?action=bids", "/beheer/audit?action=tenders", "/beheer/audit?pagina=2"}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" in rule.methods and rule.endpoint not in NOT_WALKED and rule.arguments <= FILLABLE:
                for value in values:
                    urls.add(url_for(rule.endpoint, **{k: value[k] for k in rule.arguments}))
    return sorted(urls)


def _leaks(body: bytes, markers: list[str]) -> list[str]:
    text = body.decode("utf-8", errors="replace")
    return [m for m in markers if m in text or m.lower() in text.lower()]


@pytest.mark.parametrize("role", STAFF, ids=lambda role: role.value)
def test_before_the_opening_no_staff_page_names_counts_or_hashes_a_bidder(app, client, auth, world, role):
    auth.login(world["staff"][role])
    shown = 0
    for url in _staff_urls(app, world):
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code == 200:
            shown += 1
            assert _leaks(response.data, world["markers"]) == [], url
    assert shown >= 2  # the role really saw pages: the walk is not blind


def test_before_the_opening_the_audit_trail_has_no_bid_or_provider_event_of_the_tender(client, auth, world):
    auth.login(world["staff"][Role.ADMIN])
    trail = client.get("/beheer/audit").text
    assert "tenders.publish" in trail  # staff events of the tender stay
    assert "bids." not in trail
    assert "tenders.follow" not in trail


def test_the_declaration_cannot_be_made_before_the_opening(client, auth, world):
    auth.login(world["staff"][Role.ASSESSOR])
    url = f"/beoordeling/{world['tender'].id}/verklaring"
    assert "nog niet geopend" in client.get(url).text
    response = client.post(url, data={"confirm": "y"})
    assert response.status_code == 422
    assert "zodra de inschrijvingen zijn geopend" in response.text
    assert _leaks(response.data, world["markers"]) == []


def test_after_the_opening_the_audit_trail_and_the_declaration_name_the_bidders(client, auth, world):
    tender, staff = world["tender"], world["staff"]
    second_buyer = factories.user_with_role(Role.BUYER)
    with time_machine.travel(tender.submission_deadline + timedelta(hours=1), tick=False):
        assessment.confirm_opening(tender, staff[Role.BUYER], now=clock.now())
        assessment.confirm_opening(tender, second_buyer, now=clock.now())
        db.session.commit()
        auth.login(staff[Role.ADMIN])
        trail = client.get("/beheer/audit?action=bids").text
        auth.login(staff[Role.ASSESSOR])
        declaration = client.get(f"/beoordeling/{tender.id}/verklaring").text
    for submission in world["submissions"]:
        assert submission.sha256 in trail
    for name, _kvk, email in BIDDERS:
        assert email in trail
        assert re.search(re.escape(name), declaration)


def test_bidders_are_visible_only_from_the_opening_second_on():
    now = clock.now()
    assert not sealed.bidders_visible(None, now=now)
    assert not sealed.bidders_visible(now + timedelta(seconds=1), now=now)
    assert sealed.bidders_visible(now, now=now)


def test_a_bidders_events_outside_any_tender_stay_on_the_audit_trail(client, auth, world):
    from portal import audit

    bidder = db.session.scalar(sa.select(User).where(User.email == BIDDERS[0][2]))
    audit.record("accounts.change_password", bidder, actor=bidder)
    db.session.commit()
    auth.login(world["staff"][Role.ADMIN])
    trail = client.get("/beheer/audit?action=accounts.").text
    assert "<code>accounts.change_password</code>" in trail


def test_an_event_whose_detail_holds_no_plain_number_does_not_break_the_audit_trail(client, auth, world):
    from portal import audit

    audit.record("bids.view", None, actor=world["staff"][Role.BUYER], bid_id="12; DROP", tender_id="x")
    db.session.commit()
    auth.login(world["staff"][Role.ADMIN])
    response = client.get("/beheer/audit?action=bids.view")
    assert response.status_code == 200
    assert "bid_id=12; DROP" in response.text


def test_the_outbox_rule_places_bid_receipts_and_rectification_mail_until_the_opening(client, auth, world):
    from portal.models import OutgoingMail

    tender, staff = world["tender"], world["staff"]
    publication.publish_rectification(
        tender, what="Bijlage 2", why="Typfout", by=staff[Role.BUYER], now=clock.now()
    )
    db.session.add(
        OutgoingMail(recipient=BIDDERS[0][2], subject="Nieuw wachtwoord", body_text="x", dedupe_key="x-1")
    )
    db.session.commit()

    def sealed_keys() -> set[str]:
        query = sa.select(OutgoingMail.dedupe_key).where(sealed.outgoing_mail_sealed(clock.now()))
        return {key.split(":")[0].split("-")[0] for key in db.session.scalars(query)}

    assert sealed_keys() == {"bids.receipt", "rectification"}
    receipts = db.session.scalar(
        sa.select(sa.func.count()).where(OutgoingMail.dedupe_key.like("bids.receipt:%"))
    )
    assert receipts == len(BIDDERS)
    with time_machine.travel(tender.submission_deadline + timedelta(hours=1), tick=False):
        assessment.confirm_opening(tender, staff[Role.BUYER], now=clock.now())
        assessment.confirm_opening(tender, factories.user_with_role(Role.BUYER), now=clock.now())
        assert sealed_keys() == set()


def test_the_outbox_page_shows_a_failed_receipt_of_a_sealed_tender_without_its_recipient(client, auth, world):
    from portal.models import OutgoingMail

    receipts = list(
        db.session.scalars(sa.select(OutgoingMail).where(OutgoingMail.dedupe_key.like("bids.receipt:%")))
    )
    for message in receipts:
        message.attempts, message.failed_at, message.sent_at = 6, clock.now(), None
        message.last_error = f"550 mailbox unavailable <{message.recipient}>"
    db.session.commit()
    auth.login(world["staff"][Role.ADMIN])
    page = client.get("/beheer/e-mail").text
    assert page.count("nog verzegeld") == len(receipts) > 0
    for name, kvk, email in BIDDERS:
        assert email not in page
        assert name not in page
        assert kvk not in page
