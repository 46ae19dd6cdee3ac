"""The provider's whole bid with the keyboard only: Tab to move, Space to tick, Enter to press, and the
focus visible at every stop. Once with JavaScript and once with JavaScript switched off (every page works
without it; the answers are then saved by their buttons, not by autosave).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import BidStatus, BidSubmission, Role
from tests import factories
from tests.conftest import CHROMIUM

from .a11y import axe_violations, watch_console
from .test_bid_journey import PDF, journey_data  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.committed,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's Chromium is not installed"),
]

FOCUS_SHOWN = """() => { const el = document.activeElement;
  if (!el || el === document.body) return '';  /* Tab went past the last element, to the browser */
  const s = getComputedStyle(el);
  const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
  return ring ? '' : 'focus not visible on ' + el.outerHTML.slice(0, 100); }"""


@pytest.fixture
def bid_data(app, journey_data):  # type: ignore[no-untyped-def]  # noqa: F811 - the journey's tender
    with app.app_context():
        data = {"email": factories.user_with_role(Role.PROVIDER_ADMIN).email}
        db.session.remove()
    return data


class Keyboard:
    """Moves through a page with Tab only, checking at every stop that the focus can be seen."""

    def __init__(self, page, *, javascript: bool) -> None:
        self.page = page
        self.javascript = javascript  # without it page.evaluate cannot run: only selectors are used then
        self.unseen: list[str] = []

    def tab_to(self, locator, limit: int = 250) -> None:
        focused = locator.and_(self.page.locator(":focus"))
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            problem = self.page.evaluate(FOCUS_SHOWN) if self.javascript else ""
            if problem:
                self.unseen.append(f"{self.page.url}: {problem}")
            if focused.count() == 1:
                return
        raise AssertionError(f"Tab never reached {locator} on {self.page.url}")

    def press(self, locator) -> None:
        """Enter on a link or button: it opens the next page."""
        self.tab_to(locator)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")

    def tick(self, locator) -> None:
        """Space on a checkbox or radio button."""
        self.tab_to(locator)
        self.page.keyboard.press(" ")
        assert locator.is_checked()

    def type_into(self, locator, text: str) -> None:
        self.tab_to(locator)
        self.page.keyboard.type(text)


def _log_in(keys: Keyboard, base: str, email: str) -> None:
    page = keys.page
    page.goto(f"{base}/inloggen")
    keys.type_into(page.locator("input[name=email]"), email)
    keys.type_into(page.locator("input[name=password]"), factories.PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _choose_answer_upload(keys: Keyboard, evidence: Path) -> None:
    from playwright.sync_api import expect

    page = keys.page
    keys.press(page.get_by_role("link", name="1. Keuze"))
    keys.tick(page.locator("input[name=keuze]").first)
    keys.press(page.get_by_role("button", name="Keuze opslaan"))
    expect(page.get_by_text("Uw keuze is opgeslagen.")).to_be_visible()

    keys.press(page.get_by_role("link", name="2. Eisen"))
    declaration = page.locator("section.nmd-requirement", has_text="VOG-beleid")
    keys.tick(declaration.get_by_label("Ja, wij voldoen hieraan"))
    keys.press(declaration.get_by_role("button", name="Antwoord opslaan"))
    expect(page.get_by_text("Uw antwoord is opgeslagen.")).to_be_visible()
    polis = page.locator("section.nmd-requirement", has_text="Verzekeringspolis")
    keys.tab_to(polis.locator("input[type=file]"))
    # The file dialog is the operating system's, out of the browser's reach (headless Chromium opens none
    # on Space): the file is put on the input that has keyboard focus.
    polis.locator("input[type=file]").set_input_files(str(evidence))
    keys.press(polis.get_by_role("button", name="Uploaden", exact=True))
    expect(page.get_by_text("Het bewijsstuk is toegevoegd.")).to_be_visible()


def _answer_sign_submit(keys: Keyboard) -> None:
    from playwright.sync_api import expect

    page = keys.page
    keys.press(page.get_by_role("link", name="3. Gunningscriteria"))
    keys.type_into(page.locator("textarea").first, "Wij luisteren eerst naar de inwoner.")
    keys.press(page.get_by_role("button", name="Antwoord opslaan"))
    expect(page.get_by_text("Uw antwoord is opgeslagen.")).to_be_visible()

    keys.press(page.get_by_role("link", name="4. Ondertekenen en indienen"))
    keys.tick(page.get_by_label("Ik verklaar als tekenbevoegde"))
    keys.press(page.get_by_role("button", name="Inschrijving indienen"))
    expect(page.get_by_role("heading", name="Uw inschrijving is ontvangen")).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_provider_makes_a_whole_bid_with_the_keyboard_only(
    app, live_server, bid_data, tmp_path: Path, javascript: bool
):
    from playwright.sync_api import sync_playwright

    evidence = tmp_path / "polis.pdf"
    evidence.write_bytes(PDF)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_context(java_script_enabled=javascript).new_page()
        errors = watch_console(page)
        keys = Keyboard(page, javascript=javascript)
        _log_in(keys, live_server, bid_data["email"])
        keys.press(
            page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Mijn inschrijvingen")
        )
        keys.press(page.get_by_role("button", name="Inschrijving starten"))
        _choose_answer_upload(keys, evidence)
        _answer_sign_submit(keys)
        found = axe_violations(page) if javascript else []  # the every-page test runs axe on these pages
        browser.close()

    assert keys.unseen == [], "\n".join(keys.unseen)
    assert errors == []
    assert found == []
    with app.app_context():
        submission = db.session.scalar(sa.select(BidSubmission))
        assert submission.bid.status is BidStatus.SUBMITTED
        assert submission.content["criteria"][0]["answer"] == "Wij luisteren eerst naar de inwoner."
        db.session.remove()
