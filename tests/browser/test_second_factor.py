"""A buyer sets up the second factor in a real browser: QR code and key, first code, recovery codes;
then logs in again with a code. At a desktop and a phone width."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from portal.models import Role
from tests import factories
from tests.conftest import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.committed,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's Chromium is not installed"),
]

SHOTS = os.environ.get("NMD_SCREENSHOTS")  # a folder to keep screenshots in, for looking at by hand


def _shot(page, name: str, width: int) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


def _password(page, base: str, email: str) -> None:
    page.goto(f"{base}/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(factories.PASSWORD)
    page.locator("main button[type=submit]").click()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_buyer_sets_up_the_factor_and_logs_in_with_it(app, live_server, width: int):
    from playwright.sync_api import expect, sync_playwright

    with app.app_context():
        email = factories.UserFactory(roles=[Role.BUYER]).email
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": width, "height": 900})
        _password(page, live_server, email)
        expect(page.get_by_role("heading", name="Tweede factor instellen")).to_be_visible()
        qr = page.get_by_role(
            "img", name="QR-code om het Inkoopportaal aan uw authenticator-app toe te voegen"
        )
        expect(qr).to_be_visible()
        assert qr.evaluate("img => img.naturalWidth") > 100  # the data URI image loaded under the CSP
        _shot(page, "factor-enrol", width)
        secret = page.locator("main code").inner_text().replace(" ", "")
        page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
        page.locator("main button[type=submit]").click()
        expect(page.get_by_role("heading", name="Uw herstelcodes")).to_be_visible()
        expect(page.locator("main li code")).to_have_count(10)
        _shot(page, "factor-codes", width)
        page = browser.new_context(viewport={"width": width, "height": 900}).new_page()  # a fresh browser
        _password(page, live_server, email)
        expect(page.get_by_role("heading", name="Code uit uw app")).to_be_visible()
        _shot(page, "factor-code", width)
        next_step = datetime.now(UTC) + timedelta(seconds=30)  # this step's code set the factor up
        page.get_by_label("Code").fill(pyotp.TOTP(secret).at(next_step))
        page.locator("main button[type=submit]").click()
        expect(page.get_by_text("U bent ingelogd.")).to_be_visible()
        browser.close()
