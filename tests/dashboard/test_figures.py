"""The coverage page over HTTP, from real contracts, admissions and a sealed bid."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from portal import clock
from portal.agreements import service
from portal.extensions import db
from portal.figures.coverage import Filters, coverage_rows
from portal.models import (
    AdmissionWindow,
    AgreementStatus,
    Bid,
    BidSubmission,
    Domain,
    Organisation,
    Role,
    Tender,
)
from tests import factories
from tests.agreements.helpers import priced_tender, result_level
from tests.conftest import Auth


def _in_window(organisation: Organisation, window: AdmissionWindow) -> None:
    db.session.execute(
        sa.update(BidSubmission)
        .where(BidSubmission.bid_id.in_(sa.select(Bid.id).where(Bid.organisation_id == organisation.id)))
        .values(admission_window_id=window.id)
    )
    db.session.commit()


@pytest.fixture
def region(app: Flask) -> Tender:
    """m0: R1-4 has a contract (C) and an admission (A); R1-5 only a sealed bid (B); m1 nothing."""
    tender = priced_tender(results=1, municipalities=2, lots=1)
    now = datetime.now(UTC)
    closed = AdmissionWindow(
        tender=tender, opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=10)
    )
    db.session.add(closed)
    db.session.commit()
    running = next(w for w in tender.windows if w is not closed)
    m0 = tender.municipalities[0]
    four, five = result_level(tender, "R1", 4), result_level(tender, "R1", 5)
    admitted = factories.admitted_provider(tender, lines=[(four, m0)])
    sealed = factories.admitted_provider(tender, lines=[(five, m0)])
    contracted = factories.admitted_provider(tender, lines=[(four, m0)])
    _in_window(admitted, closed)
    _in_window(sealed, running)  # closes in 30 days: still sealed
    _in_window(contracted, closed)
    with app.test_request_context():
        service.generate_agreement(tender, contracted, now=now).status = AgreementStatus.ACTIVE
    db.session.commit()
    return tender


def _counts(tender: Tender, municipality_index: int) -> dict[int, tuple[str, str, bool]]:
    rows = coverage_rows(
        Filters(municipality_id=tender.municipalities[municipality_index].id), now=clock.now(), suppress=False
    )
    return {row.cell.level: (row.contracted, row.admitted, row.gap) for row in rows}


def test_coverage_counts_the_contract_and_the_unsealed_admission_never_the_sealed_bid(region: Tender) -> None:
    assert _counts(region, 0) == {4: ("1", "1", False), 5: ("0", "0", True)}
    assert _counts(region, 1) == {4: ("0", "0", True), 5: ("0", "0", True)}


def _row(page: str, level: int) -> str:
    rows = re.findall(r"<tr class=\"utrecht-table__row\">(.*?)</tr>", page, re.S)
    return next(" ".join(re.sub(r"<[^>]+>", " ", r).split()) for r in rows if f">{level}</td>" in r)


def test_the_buyer_sees_exact_counts_and_gaps_in_words(
    client: FlaskClient, auth: Auth, region: Tender
) -> None:
    auth.as_role(Role.BUYER)
    page = client.get(f"/cijfers?municipality={region.municipalities[0].id}").text
    assert _row(page, 4).endswith("4 1 1 Gedekt")
    assert _row(page, 5).endswith("5 0 0 Geen aanbieder")
    assert "4 plekken, waarvan 3 zonder aanbieder" in client.get("/cijfers").text


def test_the_council_viewer_sees_small_counts_as_less_than_five(
    client: FlaskClient, auth: Auth, region: Tender
) -> None:
    auth.as_role(Role.VIEWER)
    page = client.get(f"/cijfers?municipality={region.municipalities[0].id}").text
    assert _row(page, 4).endswith("4 &lt; 5 &lt; 5 Gedekt")


def test_gaps_only_and_the_domain_filter(client: FlaskClient, auth: Auth, region: Tender) -> None:
    auth.as_role(Role.CONTRACT_MANAGER)
    page = client.get("/cijfers?gaps_only=y").text
    assert "Gedekt" not in page
    assert page.count("Geen aanbieder</span>") == 3
    assert "4 plekken" in client.get(f"/cijfers?domain={region.results[0].domain_id}").text
    other = Domain(name="Wonen")
    db.session.add(other)
    db.session.commit()
    assert "Geen plekken gevonden" in client.get(f"/cijfers?domain={other.id}").text


def test_a_bad_filter_is_refused_next_to_its_field_and_ignored(
    client: FlaskClient, auth: Auth, region: Tender
) -> None:
    auth.as_role(Role.BUYER)
    response = client.get("/cijfers?municipality=abc&pagina=-3")
    assert response.status_code == 200
    assert "4 plekken" in response.text
    assert "utrecht-form-field-error-message" in response.text


def test_a_provider_under_a_client_stop_in_force_is_not_counted_as_contracted(region: Tender) -> None:
    from portal.models import ActionKind, Agreement
    from portal.monitoring import service as monitoring

    agreement = db.session.scalar(sa.select(Agreement).where(Agreement.tender_id == region.id))
    assert agreement is not None
    m0, result = region.municipalities[0], result_level(region, "R1", 4).result
    stop = monitoring.NewAction(
        kind=ActionKind.CLIENT_STOP,
        title="Stop",
        happens_on=clock.to_local(clock.now()).date(),
        lines=[(m0.id, result.id)],
    )
    monitoring.create_action(agreement.organisation, stop, user=None, now=clock.now())
    db.session.commit()
    assert _counts(region, 0)[4][0] == "0"
    assert _counts(region, 0)[5] == ("0", "0", True)
