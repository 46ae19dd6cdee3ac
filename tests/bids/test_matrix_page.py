"""The choice page's matrix is rendered once per published tender and language; every provider still
sees exactly their own choice in it, and a draft tender is rendered afresh every time."""

from __future__ import annotations

import re
from decimal import Decimal

from portal import clock
from portal.bids import matrix_page, service
from portal.extensions import db
from portal.models import Bid, Role, TenderStatus
from tests import factories

CHECKED = re.compile(r'name="keuze" value="(\d+:\d+)" checked')


def _page(client, auth, user, bid):  # type: ignore[no-untyped-def]
    auth.login(user)
    response = client.get(f"/inschrijvingen/{bid.id}/keuze")
    assert response.status_code == 200
    return response.text


def test_two_providers_share_the_rendered_matrix_but_each_sees_only_their_own_choice(client, auth, tender):
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

    pages = [_page(client, auth, user, bid) for user, bid, _pairs in bids]
    for page, (_user, _bid, pairs) in zip(pages, bids, strict=True):
        assert set(CHECKED.findall(page)) == {f"{rl}:{m}" for rl, m in pairs}
        assert page.count('name="keuze"') == len(levels) * 2
    assert len(matrix_page._cache) == 1  # one rendering served both


def test_the_english_page_has_its_own_rendering(client, auth, tender, bid, provider):
    dutch = _page(client, auth, provider, bid)
    with client.session_transaction() as session:
        session["locale"] = "en"
    english = client.get(f"/inschrijvingen/{bid.id}/keuze").text
    assert re.search(r"€\s\d[\d.]*,\d\d", dutch)  # € 1.234,56
    assert re.search(r"€\d[\d,]*\.\d\d", english)  # €1,234.56
    assert len(matrix_page._cache) == 2


def test_a_draft_tender_is_rendered_afresh_so_a_changed_tariff_shows(client, auth):
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
    assert matrix_page._cache == {}
