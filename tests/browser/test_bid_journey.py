"""A provider walks through a whole bid in Chromium: register, confirm the e-mail, log in, choose,
answer, upload, submit, download the receipt.

Runs against a real server (werkzeug, in a thread) on the test database with committed data.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.bids import receipt
from portal.extensions import db
from portal.models import AnswerType, BidSubmission
from tests import factories
from tests.conftest import CHROMIUM

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.committed,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's Chromium is not installed"),
]


@pytest.fixture
def journey_data(app):
    with app.app_context():
        tender = factories.tender_with_matrix(results=2, levels=(4, 5), municipalities=2)
        factories.RequirementFactory(
            tender=tender, answer_type=AnswerType.DECLARATION, text="Wij hebben een VOG-beleid"
        )
        factories.RequirementFactory(
            tender=tender,
            answer_type=AnswerType.FILE,
            evidence_required=True,
            knockout=False,
            text="Verzekeringspolis beroepsaansprakelijkheid",
        )
        factories.AwardCriterionFactory(tender=tender, word_limit=10)
        data = {"email": "anna@zorg-journey.example", "title": tender.title}
        db.session.remove()
    return data


def _register_and_confirm(page, live_server: str, email: str, smtp_server) -> None:
    """Register an organisation through the form and confirm the address with the link from the e-mail."""
    from playwright.sync_api import expect

    page.goto(f"{live_server}/aanmelden")
    for label, value in [
        ("Naam van de organisatie", "Zorg Journey B.V."),
        ("KvK-nummer", "87654321"),
        ("Straat en huisnummer", "Brink 1"),
        ("Postcode", "9401 AA"),
        ("Plaats", "Assen"),
        ("Naam van de tekenbevoegde", "Anna Journey"),
        ("Functie van de tekenbevoegde", "Directeur"),
        ("Uw naam", "Anna Journey"),
        ("Uw e-mailadres", email),
        ("Kies een wachtwoord", factories.PASSWORD),
        ("Herhaal het wachtwoord", factories.PASSWORD),
    ]:
        page.get_by_label(label, exact=True).fill(value)
    page.locator("main button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    for _ in range(50):  # the mail is sent right after the request, by the server's thread
        if smtp_server.messages:
            break
        page.wait_for_timeout(100)
    body = smtp_server.body_of(smtp_server.messages[-1])
    path = re.search(r"https?://[^/\s]+(/bevestigen/\S+)", body).group(1)
    page.goto(f"{live_server}{path}")
    page.locator("main button[type=submit]").click()


def test_provider_registers_and_submits_a_whole_bid_and_downloads_the_receipt(
    app, live_server, journey_data, smtp_server, tmp_path: Path
):
    from playwright.sync_api import expect, sync_playwright

    evidence = tmp_path / "polis.pdf"
    evidence.write_bytes(PDF)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(accept_downloads=True)
        _register_and_confirm(page, live_server, journey_data["email"], smtp_server)
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
            timeout=30000
        )  # autosave.js after its 2 s pause (a loaded 2-core machine took over 15 s)
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
