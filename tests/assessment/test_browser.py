"""Two assessors and two buyers score and decide one bid in Chromium, against a real server.

Runs on the test database with committed data; the bid is made by the factory (bids have their own journey).
"""

from __future__ import annotations

import pytest

from portal.assessment import queries, service
from portal.extensions import db
from portal.models import Decision, DecisionOutcome
from tests import factories, second_factor
from tests.conftest import CHROMIUM

from .conftest import build_scenario

pytestmark = [
    pytest.mark.browser,
    pytest.mark.committed,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's Chromium is not installed"),
]


@pytest.fixture
def journey(app):
    with app.app_context():
        s = build_scenario(bids=1, max_providers=None)
        s.open()
        for assessor in s.assessors:
            service.appoint_assessor(s.tender, assessor, criterion=None, by=s.buyers[0])
        db.session.commit()
        data = {
            "tender_id": s.tender.id,
            "title": s.tender.title,
            "assessors": [a.email for a in s.assessors],
            "buyers": [b.email for b in s.buyers],
            "organisation": s.submissions[0].bid.organisation.name,
            "kvk": s.submissions[0].bid.organisation.kvk_number,
            "submission_id": s.submissions[0].id,
            "criteria": [c.id for c in s.criteria],
        }
        db.session.remove()
    return data


def _login(browser, base: str, email: str):
    from playwright.sync_api import expect

    page = browser.new_context().new_page()
    page.goto(f"{base}/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(factories.PASSWORD)
    page.locator("main button[type=submit]").click()
    second_factor.browser_factor(page, email)  # staff log in with a second factor
    expect(page.get_by_text("U bent ingelogd.")).to_be_visible()
    return page


def _score_as_assessor(
    browser, base: str, email: str, journey: dict, value: str, motivation: str, *, per_criterion: bool = False
):
    from playwright.sync_api import expect

    page = _login(browser, base, email)
    page.get_by_role("link", name="Beoordeling", exact=True).first.click()
    page.get_by_role("link", name=journey["title"]).click()
    page.get_by_role("link", name="Verklaring afleggen").click()
    page.get_by_label("Ik verklaar dit naar waarheid").check()
    page.get_by_role("button", name="Verklaring vastleggen").click()
    expect(page.get_by_text("Uw verklaring is vastgelegd.")).to_be_visible()
    if not per_criterion:
        page.get_by_role("link", name="Inschrijving 001").click()
    for criterion_id in journey["criteria"]:
        if per_criterion:  # the same criterion, bid after bid (here: one bid)
            page.goto(f"{base}/beoordeling/{journey['tender_id']}/criterium/{criterion_id}")
            expect(page.get_by_text("Inschrijving 1 van 1")).to_be_visible()
        section = page.locator("main") if per_criterion else page.locator(f"section#c{criterion_id}")
        section.get_by_label(f"{value} – Score {value}").check()
        section.get_by_label("Motivering").fill(motivation)
        section.get_by_role("button", name="Score indienen").click()
        expect(page.get_by_text("Uw beoordeling is vastgelegd.")).to_be_visible()
        html = page.content()
        assert journey["organisation"] not in html
        assert journey["kvk"] not in html
    return page


def test_two_assessors_and_two_buyers_score_and_decide_one_bid(app, live_server, journey):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        first = _score_as_assessor(browser, live_server, journey["assessors"][0], journey, "8", "Sterk plan")
        assert "Nog geen andere scores." in first.content()
        second = _score_as_assessor(
            browser, live_server, journey["assessors"][1], journey, "6", "Voldoende", per_criterion=True
        )
        expect(second.get_by_text("Sterk plan").first).to_be_visible()  # seen only after his own score

        buyer = _login(browser, live_server, journey["buyers"][0])
        for criterion_id in journey["criteria"]:
            buyer.goto(
                f"{live_server}/beoordeling/beheer/{journey['tender_id']}/consensus?criterium={criterion_id}"
            )
            buyer.get_by_role("link", name="Vastleggen").first.click()
            buyer.get_by_label("Consensusscore").fill("7")
            buyer.get_by_label("Interne notitie").fill("Samen besproken: goed onderbouwd")
            buyer.get_by_role("button", name="Notitie overnemen").click()  # accepted, not copied silently
            expect(buyer.get_by_label("Motivering in de brief")).to_have_value(
                "Samen besproken: goed onderbouwd"
            )
            buyer.get_by_role("button", name="Consensusscore vastleggen").click()
            expect(buyer.get_by_text("De consensusscore is vastgelegd.")).to_be_visible()
        buyer.get_by_role("link", name="Eisen", exact=True).click()  # one requirement across all bids
        buyer.locator("main table a").first.click()
        buyer.get_by_role("button", name="Voldaan voor alle 1 inschrijvingen van dit filter").first.click()
        expect(buyer.get_by_text("1 inschrijvingen voldoen aan deze eis.")).to_be_visible()
        buyer.goto(f"{live_server}/beoordeling/beheer/{journey['tender_id']}/resultaten")
        expect(buyer.get_by_role("cell", name="7,00", exact=True).last).to_be_visible()
        buyer.get_by_role("link", name="Besluiten", exact=True).last.click()
        buyer.get_by_role("button", name="Besluiten opstellen uit de beoordeling").click()
        expect(buyer.get_by_text("De besluiten zijn opgesteld.")).to_be_visible()

        approver = _login(browser, live_server, journey["buyers"][1])
        approver.goto(f"{live_server}/beoordeling/beheer/{journey['tender_id']}/besluiten")
        approver.get_by_role("button", name="besluiten van dit filter goedkeuren").click()  # in bulk
        expect(approver.get_by_text("De besluiten zijn goedgekeurd.")).to_be_visible()
        approver.get_by_role("button", name="Besluiten verzenden").click()
        expect(approver.get_by_text("Verzonden: 1 / 1")).to_be_visible()
        browser.close()

    with app.app_context():
        decision = db.session.query(Decision).one()
        assert decision.outcome is DecisionOutcome.ADMITTED
        assert decision.sent_at is not None
        assert decision.approved_by_id != decision.drafted_by_id
        assert len(queries.individual_scores(journey["submission_id"], journey["criteria"][0])) == 2
        db.session.remove()
