"""A care provider logs in with eHerkenning for the first time in a real browser, through the test
OpenID Connect provider, and confirms its organisation. At a desktop and a phone width."""

from __future__ import annotations

import os

import pytest

from tests.conftest import CHROMIUM
from tests.oidc_provider import OidcProvider

pytestmark = [
    pytest.mark.browser,
    pytest.mark.committed,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's Chromium is not installed"),
]

SHOTS = os.environ.get("NMD_SCREENSHOTS")  # a folder to keep screenshots in, for looking at by hand


@pytest.mark.parametrize("width", [1280, 390])
def test_a_provider_new_here_logs_in_with_eherkenning_and_confirms_its_organisation(
    app, live_server, monkeypatch, width: int
):
    from playwright.sync_api import expect, sync_playwright

    provider = OidcProvider()
    provider.start()
    monkeypatch.setitem(app.config, "EHERKENNING_ISSUER", provider.issuer)
    monkeypatch.setitem(app.config, "EHERKENNING_CLIENT_ID", provider.client_id)
    monkeypatch.setitem(app.config, "EHERKENNING_CLIENT_SECRET", provider.client_secret)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(f"{live_server}/inloggen")
            if SHOTS:
                page.screenshot(path=f"{SHOTS}/broker-login-{width}.png", full_page=True)
            page.get_by_role("link", name="Inloggen met eHerkenning").click()
            expect(page.get_by_role("heading", name="Uw organisatie bevestigen")).to_be_visible()
            expect(page.get_by_text("12345678")).to_be_visible()
            if SHOTS:
                page.screenshot(path=f"{SHOTS}/broker-register-{width}.png", full_page=True)
            for label, value in [
                ("Naam van de organisatie", "Zorg via eHerkenning B.V."),
                ("Straat en huisnummer", "Brink 4"),
                ("Postcode", "9401 HS"),
                ("Plaats", "Assen"),
                ("Naam van de tekenbevoegde", "Sam Tekenbevoegd"),
                ("Functie van de tekenbevoegde", "Directeur"),
                ("Uw naam", "Eva Eigenaar"),
                ("Uw e-mailadres", f"eva{width}@zorg-via-eh.example"),
            ]:
                page.get_by_label(label, exact=True).fill(value)
            page.get_by_role("button", name="Organisatie bevestigen").click()
            expect(page.get_by_text("U bent ingelogd met eHerkenning.")).to_be_visible()
            browser.close()
    finally:
        provider.stop()
