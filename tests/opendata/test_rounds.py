"""Open house: each admission round is awarded on its own, once every decision of that round is sent."""

from __future__ import annotations

from datetime import timedelta

from portal import clock
from portal.agreements import amendments
from portal.agreements import service as agreements
from portal.assessment import deciding
from portal.extensions import db
from portal.models import AdmissionWindow, Bid, Role
from tests import factories
from tests.opendata.helpers import BASE, get_json, text_of
from tests.opendata.validation import assert_record_package


def _in_window(tender, organisation, window) -> None:
    factories.admitted_provider(tender, organisation)
    bid = db.session.scalar(
        db.select(Bid).where(Bid.tender_id == tender.id, Bid.organisation_id == organisation.id)
    )
    bid.submissions[-1].admission_window_id = window.id
    db.session.commit()


def _record(client, tender):
    package = get_json(client, f"{BASE}/inkooptrajecten/{tender.id}/record.json")
    assert_record_package(package)
    return package["records"][0]


def test_each_admission_round_is_awarded_when_its_decisions_are_sent(app, client):
    tender = factories.tender_with_matrix(lots=1)
    first_window = tender.windows[0]
    now = clock.now()
    second_window = AdmissionWindow(opens_at=now + timedelta(days=40), closes_at=now + timedelta(days=50))
    tender.windows.append(second_window)
    db.session.commit()
    buyer = factories.user_with_role(Role.BUYER)
    early, late = factories.OrganisationFactory(), factories.OrganisationFactory()
    _in_window(tender, early, first_window)
    with app.test_request_context():
        deciding.send_decisions(tender, buyer, now=now)
    _in_window(tender, late, second_window)  # decided and approved, not yet sent
    record = _record(client, tender)
    (award,) = record["compiledRelease"]["awards"]
    assert award["id"] == f"perceel-{tender.lots[0].id}-ronde-{first_window.id}"
    assert [s["name"] for s in award["suppliers"]] == [early.name]
    assert late.name not in text_of(record)
    with app.test_request_context():
        deciding.send_decisions(tender, buyer, now=now + timedelta(days=51))
    db.session.commit()
    record = _record(client, tender)
    awards = {a["id"]: a for a in record["compiledRelease"]["awards"]}
    assert [
        s["name"] for s in awards[f"perceel-{tender.lots[0].id}-ronde-{second_window.id}"]["suppliers"]
    ] == [late.name]
    assert len(awards) == 2
    assert record["compiledRelease"]["tender"]["status"] == "active"  # open house: toetreding goes on


def test_an_ended_contract_is_terminated(app, client):
    tender = factories.tender_with_matrix(lots=1)
    organisation = factories.admitted_provider(tender)
    manager, buyer = factories.user_with_role(Role.CONTRACT_MANAGER), factories.user_with_role(Role.BUYER)
    now = clock.now()
    with app.test_request_context():
        deciding.send_decisions(tender, buyer, now=now)
        agreement = agreements.generate_agreement(tender, organisation, now=now, user=manager)
        agreements.send_agreement(agreement, user=manager, now=now)
        end = tender.contract_start + timedelta(days=200)
        amendments.end_agreement(
            agreement, end, reason="Op verzoek", user=manager, now=now + timedelta(seconds=5)
        )
    db.session.commit()
    record = _record(client, tender)
    assert [r["tag"][0] for r in record["releases"]][-2:] == ["contract", "contractTermination"]
    (contract,) = record["compiledRelease"]["contracts"]
    assert contract["status"] == "terminated"
    assert contract["period"]["endDate"].startswith(end.isoformat())
