"""A provider walks through a whole bid in Chromium: log in, choose, answer, upload, submit, receipt.

Runs against a real server (werkzeug, in a thread) on the test database with committed data.
Registration is the accounts feature's page; here the provider's account is made by the factory.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.bids import receipt
from portal.extensions import db
from portal.models import AnswerType, BidSubmission, Role
from tests import factories
from tests.conftest import CHROMIUM

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.committed,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's Chromium is not installed"),
]


@pytest.fixture
def journey_data(app):  # type: ignore[no-untyped-def]
    with app.app_context():
        tender = factories.tender_with_matrix(results=2, levels=(4, 5), municipalities=2)
        factories.RequirementFactory(
            tender=tender, answer_type=AnswerType.DECLARATION, text="Wij hebben een VOG-beleid"
        )
        factories.RequirementFactory(
            tender=tender, answer_type=AnswerType.FILE, evidence_required=True, knockout=False,
            text="Verzekeringspolis beroepsaansprakelijkheid",
        )  # fmt: skip
        factories.AwardCriterionFactory(tender=tender, word_limit=10)
        user = factories.user_with_role(Role.PROVIDER_ADMIN)
        data = {"email": user.email, "title": tender.title}
        db.session.remove()
    return data


def test_provider_submits_a_whole_bid_and_downloads_the_receipt(
    app, live_server, journey_data, tmp_path: Path
):
    from playwright.sync_api import expect, sync_playwright

    evidence = tmp_path / "polis.pdf"
    evidence.write_bytes(PDF)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(accept_downloads=True)
        page.goto(f"{live_server}/inloggen")
        page.get_by_label("E-mailadres").fill(journey_data["email"])
        page.get_by_label("Wachtwoord").fill(factories.PASSWORD)
        page.locator("main button[type=submit]").click()
        expect(page.get_by_text("U bent ingelogd.")).to_be_visible()

        page.goto(f"{live_server}/inschrijvingen")
        page.get_by_role("button", name="Inschrijving starten").click()
        expect(page.get_by_role("heading", name="Voortgang")).to_be_visible()

        page.get_by_role("link", name="1. Keuze").click()
        page.get_by_role("button", name="alles van dit resultaat").first.click()
        expect(page.get_by_text("Uw keuze is opgeslagen.")).to_be_visible()

        page.get_by_role("link", name="2. Eisen").click()
        declaration = page.locator("section.nmd-requirement", has_text="VOG-beleid")
        declaration.get_by_label("Ja, wij voldoen hieraan").check()
        declaration.get_by_role("button", name="Antwoord opslaan").click()
        expect(page.get_by_text("Uw antwoord is opgeslagen.")).to_be_visible()
        polis = page.locator("section.nmd-requirement", has_text="Verzekeringspolis")
        polis.locator("input[type=file]").set_input_files(str(evidence))
        polis.get_by_role("button", name="Uploaden", exact=True).click()
        expect(page.get_by_text("Het bewijsstuk is toegevoegd.")).to_be_visible()

        page.get_by_role("link", name="3. Gunningscriteria").click()
        page.locator("textarea").first.fill("Wij luisteren eerst naar de inwoner.")
        expect(page.get_by_text("6 van 10 woorden")).to_be_visible()  # counted live by wordcount.js
        expect(page.get_by_text("Automatisch opgeslagen om")).to_be_visible(
            timeout=15000
        )  # autosave.js after its 2 s pause
        page.reload()  # resume: the answer came back from the server
        expect(page.locator("textarea").first).to_have_value("Wij luisteren eerst naar de inwoner.")

        page.get_by_role("link", name="4. Ondertekenen en indienen").click()
        page.get_by_label("Ik verklaar als tekenbevoegde").check()
        page.get_by_role("button", name="Inschrijving indienen").click()
        expect(page.get_by_role("heading", name="Uw inschrijving is ontvangen")).to_be_visible()

        with page.expect_download() as download_info:
            page.get_by_role("link", name="Ontvangstbewijs downloaden (PDF)").click()
        data = Path(download_info.value.path()).read_bytes()
        browser.close()

    with app.app_context():
        submission = db.session.scalar(sa.select(BidSubmission))
        assert receipt.hash_from_pdf(data) == submission.sha256
        db.session.remove()
