"""The contract term in Chromium: a contract manager requests a verbeterplan, the provider submits it, the
manager accepts it; a cliëntenstop is imposed (shown on the contract) and lifted.

Runs against a real server (werkzeug, in a thread) on the test database with committed data. Screenshots of
each page at 1280 and 390 px go to $SCREENSHOT_DIR when it is set (to look at them).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from portal.extensions import db
from portal.models import AgreementStatus, Role
from tests import factories, second_factor
from tests.conftest import CHROMIUM
from tests.monitoring.helpers import contracted

pytestmark = [
    pytest.mark.browser,
    pytest.mark.committed,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's Chromium is not installed"),
]
SHOTS = os.environ.get("SCREENSHOT_DIR")


@pytest.fixture
def journey(app):
    with app.app_context():
        agreement = contracted(AgreementStatus.ACTIVE)
        data = {
            "agreement_id": agreement.id,
            "provider": agreement.organisation.name,
            "manager": factories.user_with_role(Role.CONTRACT_MANAGER).email,
            "admin": factories.user_with_role(Role.PROVIDER_ADMIN, agreement.organisation).email,
            "municipality": sorted(m.name for m in agreement.municipalities)[0],
        }
        db.session.remove()
    return data


def _shot(page, name: str) -> None:
    if not SHOTS:
        return
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _log_in(browser, live_server: str, email: str):
    from playwright.sync_api import expect

    page = browser.new_page()
    page.goto(f"{live_server}/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(factories.PASSWORD)
    page.locator("main button[type=submit]").click()
    second_factor.browser_factor(page, email)  # staff log in with a second factor
    expect(page.get_by_text("U bent ingelogd.")).to_be_visible()
    return page


def _new_action(page, kind: str, title: str, dates: dict[str, str]) -> None:
    page.get_by_label("Soort actie").select_option(label=kind)
    page.get_by_label("Onderwerp").fill(title)
    for label, value in dates.items():
        page.get_by_label(label).fill(value)


def test_plan_requested_submitted_accepted_and_a_client_stop_imposed_and_lifted(journey, live_server):
    from playwright.sync_api import expect, sync_playwright

    from portal import clock

    today = clock.to_local(clock.now()).date()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        manager = _log_in(browser, live_server, journey["manager"])
        manager.get_by_role("link", name="Monitoring").first.click()
        _shot(manager, "monitoring-list")
        manager.get_by_role("link", name=journey["provider"]).click()
        _new_action(manager, "Verbeterplan", "Dossiervorming op orde", {"Uiterste datum": today.isoformat()})
        _shot(manager, "monitoring-provider")
        manager.get_by_role("button", name="Actie vastleggen").click()
        expect(manager.get_by_text("De actie is vastgelegd.")).to_be_visible()

        provider = _log_in(browser, live_server, journey["admin"])
        provider.get_by_role("link", name="Monitoring").first.click()
        provider.get_by_role("link", name="Dossiervorming op orde").click()
        provider.get_by_label("Uw verbeterplan").fill(
            "Elke cliënt heeft binnen zes weken een ondersteuningsplan."
        )
        _shot(provider, "monitoring-plan-provider")
        provider.get_by_role("button", name="Verbeterplan indienen").click()
        expect(provider.get_by_text("Uw verbeterplan is ingediend.")).to_be_visible()

        manager.reload()  # the manager is still on the action's page
        expect(manager.get_by_text("binnen zes weken een ondersteuningsplan")).to_be_visible()
        _shot(manager, "monitoring-plan-manager")
        manager.get_by_role("button", name="Goedkeuren").click()
        expect(manager.locator(".nmd-badge", has_text="Goedgekeurd")).to_be_visible()

        manager.get_by_role("link", name=journey["provider"]).click()
        _new_action(manager, "Cliëntenstop", "Wachtlijst", {"Datum (gesprek": today.isoformat()})
        manager.get_by_label("Aantekeningen of reden").fill("Te weinig personeel voor nieuwe cliënten.")
        manager.get_by_label(journey["municipality"]).check()
        manager.get_by_label("R1 Resultaat 1").check()
        manager.get_by_role("button", name="Actie vastleggen").click()
        expect(manager.get_by_text("De actie is vastgelegd.")).to_be_visible()
        stop_page = manager.url  # the new action's own page
        manager.goto(f"{live_server}/overeenkomsten/{journey['agreement_id']}")
        stop = manager.locator(".nmd-flash--warning")
        expect(stop).to_contain_text(f"{journey['municipality']}: R1 Resultaat 1")
        _shot(manager, "agreement-with-stop")
        provider.goto(f"{live_server}/monitoring/mijn")
        expect(provider.locator(".nmd-flash--warning")).to_contain_text("R1 Resultaat 1")
        _shot(provider, "monitoring-mine")

        manager.goto(stop_page)
        manager.get_by_role("button", name="Opheffen").click()
        expect(manager.locator(".nmd-badge", has_text="Opgeheven")).to_be_visible()
        manager.goto(f"{live_server}/overeenkomsten/{journey['agreement_id']}")
        expect(manager.locator(".nmd-flash--warning")).to_have_count(0)
        browser.close()
