"""Every page of the portal at a desktop (1280 px) and a phone (390 px) width: the document itself never
scrolls sideways (a wide table scrolls inside its own container), and a full-page screenshot of each is
kept for looking at by hand in artifacts/screenshots/<width>/ (git ignores that folder).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import factories
from tests.conftest import CHROMIUM

from .a11y import log_in
from .test_every_page_accessible import visits  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.committed,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's Chromium is not installed"),
]

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
SIDEWAYS = "document.scrollingElement.scrollWidth - document.documentElement.clientWidth"


def _shoot(page, url: str, path: Path) -> list[str]:
    response = page.request.get(url)
    if "text/html" not in response.headers.get("content-type", ""):
        return []
    page.goto(url)
    page.screenshot(path=str(path), full_page=True)
    overflow = page.evaluate(SIDEWAYS)
    return [f"{url}: the page scrolls sideways by {overflow} px"] if overflow > 0 else []


@pytest.mark.parametrize("width", [1280, 390])
def test_no_page_scrolls_sideways_and_each_is_kept_as_a_screenshot(app, live_server, visits, width: int):  # noqa: F811
    from playwright.sync_api import sync_playwright

    folder = SHOTS / str(width)
    folder.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        for visit in visits:
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            if visit.email:
                log_in(page, live_server, visit.email, factories.PASSWORD)
            for endpoint, url in visit.urls:
                path = folder / f"{visit.actor}-{endpoint}.png"
                problems += _shoot(page, f"{live_server}{url}", path)
            context.close()
        browser.close()
    assert problems == [], "\n".join(problems)


@pytest.fixture
def five_municipalities(app):
    from portal.extensions import db
    from portal.models import Bid, Role

    names = ["Aa en Hunze", "Assen", "Midden-Drenthe", "Noordenveld", "Tynaarlo"]
    with app.app_context():
        tender = factories.tender_with_matrix(results=2, levels=(4, 5, 6, 7, 8), municipalities=5)
        for municipality, name in zip(tender.municipalities, names, strict=True):
            municipality.name = name
        user = factories.user_with_role(Role.PROVIDER_ADMIN)
        bid = Bid(tender=tender, organisation=user.organisation)
        db.session.add(bid)
        db.session.commit()
        data = {"email": user.email, "bid_id": bid.id, "tender_id": tender.id}
        db.session.remove()
    return data


def test_the_choice_matrix_of_the_five_municipalities_fits_a_1280_px_screen(
    app, live_server, five_municipalities
):
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        log_in(page, live_server, five_municipalities["email"], factories.PASSWORD)
        page.goto(f"{live_server}/inschrijvingen/{five_municipalities['bid_id']}/keuze")
        page.screenshot(path=str(SHOTS / "choice-five-municipalities-1280.png"), full_page=True)
        wrap = page.evaluate(
            "(w => [w.scrollWidth, w.clientWidth])(document.querySelector('.nmd-table-wrap'))"
        )
        browser.close()
    assert wrap[0] <= wrap[1], f"the matrix is {wrap[0]} px wide in a {wrap[1]} px column"
