"""The OCDS export reads a tender in a fixed number of statements, however many contracts it has."""

from __future__ import annotations

from portal import clock
from portal.agreements import service as agreements
from portal.assessment import deciding
from portal.extensions import db
from portal.models import Role
from tests import factories
from tests.opendata.helpers import BASE, get_json
from tests.tenders.world_extension import TINY_PDF
from tests.test_query_counts import counting


def _tender_with_contracts(app, providers: int):
    tender = factories.tender_with_matrix(lots=2)
    organisations = [factories.admitted_provider(tender) for _ in range(providers)]
    manager, buyer = factories.user_with_role(Role.CONTRACT_MANAGER), factories.user_with_role(Role.BUYER)
    with app.test_request_context():
        deciding.send_decisions(tender, buyer, now=clock.now())
        for organisation in organisations:
            agreement = agreements.create_agreement(tender, organisation, now=clock.now(), user=manager)
            agreements.attach_pdf(agreement.versions[-1], TINY_PDF + str(agreement.id).encode())
            agreements.send_agreement(agreement, user=manager, now=clock.now())
    db.session.commit()
    return tender


def _statements(client, tender) -> int:
    with counting() as statements:
        record = get_json(client, f"{BASE}/inkooptrajecten/{tender.id}/record.json")
    assert len(record["records"][0]["compiledRelease"]["contracts"]) >= 1
    return statements[0]


def test_the_record_of_a_tender_with_many_contracts_takes_as_many_statements_as_with_one(app, client):
    small = _statements(client, _tender_with_contracts(app, 1))
    large = _statements(client, _tender_with_contracts(app, 4))
    assert large == small
