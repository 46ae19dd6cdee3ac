"""Mouse clicks on the matrix choice page tick exactly the checkbox under the pointer.

The "alles van dit resultaat" button once covered the first level row of its result (the Utrecht
button rule outranked `.nmd-linkbutton`), so a click meant for a checkbox ticked every level in every
municipality. Runs in Chromium against a live server, at a desktop and a phone width.
"""

from __future__ import annotations

import os

import pytest

from portal.extensions import db
from portal.models import Bid, Role
from tests import factories
from tests.conftest import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.committed,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's Chromium is not installed"),
]

SHOTS = os.environ.get("NMD_SCREENSHOTS")  # a folder to keep screenshots in, for looking at by hand


@pytest.fixture
def choice_data(app):
    with app.app_context():
        tender = factories.tender_with_matrix(results=2, levels=(4, 5, 6), municipalities=3)
        user = factories.user_with_role(Role.PROVIDER_ADMIN)
        bid = Bid(tender=tender, organisation=user.organisation)
        db.session.add(bid)
        db.session.commit()
        data = {"email": user.email, "bid_id": bid.id}
        db.session.remove()
    return data


@pytest.mark.parametrize("width", [1280, 390])
def test_a_mouse_click_on_each_checkbox_of_a_result_ticks_exactly_those(
    app, live_server, choice_data, width: int
):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(f"{live_server}/inloggen")
        page.get_by_label("E-mailadres").fill(choice_data["email"])
        page.get_by_label("Wachtwoord").fill(factories.PASSWORD)
        page.locator("main button[type=submit]").click()
        expect(page.get_by_text("U bent ingelogd.")).to_be_visible()

        page.goto(f"{live_server}/inschrijvingen/{choice_data['bid_id']}/keuze")
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/choice-{width}.png", full_page=True)
        boxes = page.locator("input[name=keuze]")
        first_result = [v for v in boxes.evaluate_all("els => els.map(e => e.value)")][:9]  # R1: 3 levels × 3
        assert len(first_result) == 9
        for value in first_result:
            box = page.locator(f"input[name=keuze][value='{value}']")
            box.scroll_into_view_if_needed()
            bounds = box.bounding_box()
            assert bounds is not None
            page.mouse.click(bounds["x"] + bounds["width"] / 2, bounds["y"] + bounds["height"] / 2)
            # a press of a covering button would have submitted the form and reloaded the page
            page.wait_for_load_state()
        ticked = page.locator("input[name=keuze]:checked").evaluate_all("els => els.map(e => e.value)")
        browser.close()

    assert sorted(ticked) == sorted(first_result)
