"""The choice page's matrix is rendered from what the database holds when the page is asked for: every
provider sees exactly their own choice, and master data the admin corrects (a municipality's or a
domain's name) shows at once, on a published tender too."""

from __future__ import annotations

import re
from decimal import Decimal

from portal import clock
from portal.bids import service
from portal.extensions import db
from portal.models import Bid, Role, TenderStatus
from tests import factories

CHECKED = re.compile(r'name="keuze" value="(\d+:\d+)" checked')


def _page(client, auth, user, bid):
    auth.login(user)
    response = client.get(f"/inschrijvingen/{bid.id}/keuze")
    assert response.status_code == 200
    return response.text


def test_two_providers_each_see_only_their_own_choice(client, auth, tender):
    first, second = (
        factories.user_with_role(Role.PROVIDER_ADMIN),
        factories.user_with_role(Role.PROVIDER_ADMIN),
    )
    levels = [rl for result in tender.results for rl in result.levels]
    m1, m2 = tender.municipalities
    bids = []
    for user, pairs in (
        (first, {(levels[0].id, m1.id)}),
        (second, {(levels[1].id, m2.id), (levels[2].id, m1.id)}),
    ):
        bid = service.start_bid(tender, user.organisation, user, now=clock.now())
        service.save_choice(bid, pairs, version=0, user=user, now=clock.now())
        bids.append((user, bid, pairs))
    db.session.commit()

    for user, bid, pairs in bids:
        page = _page(client, auth, user, bid)
        assert set(CHECKED.findall(page)) == {f"{rl}:{m}" for rl, m in pairs}
        assert page.count('name="keuze"') == len(levels) * 2


def test_the_english_page_shows_english_amounts(client, auth, tender, bid, provider):
    dutch = _page(client, auth, provider, bid)
    with client.session_transaction() as session:
        session["locale"] = "en"
    english = client.get(f"/inschrijvingen/{bid.id}/keuze").text
    assert re.search(r"€\s\d[\d.]*,\d\d", dutch)  # € 1.234,56
    assert re.search(r"€\d[\d,]*\.\d\d", english)  # €1,234.56


def test_a_corrected_municipality_or_domain_name_shows_at_once_on_a_published_tender(
    client, auth, tender, bid, provider
):
    assert tender.status is TenderStatus.PUBLISHED
    municipality, domain = tender.municipalities[0], tender.results[0].domain
    assert municipality.name in _page(client, auth, provider, bid)
    municipality.name, domain.name = "Gemeente Nieuwnaam", "Domein Nieuwnaam"
    db.session.commit()
    page = _page(client, auth, provider, bid)
    assert "Gemeente Nieuwnaam" in page
    assert "Domein Nieuwnaam" in page


def test_a_draft_tender_shows_a_changed_tariff(client, auth):
    tender = factories.tender_with_matrix(results=1, levels=(4,), municipalities=1, lots=1)
    tender.status = TenderStatus.DRAFT
    user = factories.user_with_role(Role.PROVIDER_ADMIN)
    bid = Bid(
        tender=tender, organisation=user.organisation
    )  # as if started before the tender was unpublished
    db.session.add(bid)
    db.session.commit()
    tariff = tender.results[0].levels[0].tariffs[0]
    tariff.amount = Decimal("111.00")
    db.session.commit()
    assert "111,00" in _page(client, auth, user, bid)
    tariff.amount = Decimal("222.00")
    db.session.commit()
    assert "222,00" in _page(client, auth, user, bid)
