"""Every page of the portal, in Dutch and in English, as the role that uses it: axe-core finds no WCAG 2.1
A/AA violation and the console shows no error (other than an expected 4xx).

The pages are the GET routes of the authorization matrix (tests/<feature>/access_cases.py) on its world:
each page is visited once, by the first role in ROLE_ORDER that may open it, and every role visits its
start page, so the provider's, buyer's, assessor's, contract manager's, council viewer's and admin's main
pages are all seen. Downloads (PDF, CSV, XLSX, JSON) are fetched but not rendered.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests import factories
from tests.access.cases import ACTORS
from tests.access.world import build_world
from tests.conftest import CHROMIUM
from tests.test_access_matrix import CASES

from .a11y import LOGIN, axe_violations, log_in, set_language, watch_console

pytestmark = [
    pytest.mark.browser,
    pytest.mark.committed,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's Chromium is not installed"),
]

ROLE_ORDER = ACTORS  # anonymous first (the public pages), then the provider roles, then staff
ALWAYS = {"dashboard.home", "accounts.profile"}  # every role's own start page and account
PROVIDER_VIEWS = {"tenders.public_index", "tenders.public_show"}  # public, but with buttons for providers
# Not pages of this installation: without an eHerkenning broker configured (the tests' app has none) these
# send the visitor back to the log-in page by design (tests/accounts/test_broker.py covers them with one).
NOT_PAGES = {"accounts.broker_login", "accounts.broker_callback", "accounts.broker_register"}


@dataclass(frozen=True)
class Visit:
    actor: str
    email: str | None
    urls: list[tuple[str, str]]  # (endpoint, url)


def plan_visits(world) -> list[Visit]:
    seen: set[str] = set()
    visits = []
    for actor in ROLE_ORDER:
        urls = []
        for case in CASES:
            if case.method != "GET" or actor not in case.allowed or case.endpoint in NOT_PAGES:
                continue
            again = case.endpoint in ALWAYS or (actor == "provider_admin" and case.endpoint in PROVIDER_VIEWS)
            if case.endpoint in seen and not again:
                continue
            if actor == "anonymous" and case.endpoint in ALWAYS:
                continue
            seen.add(case.endpoint)
            urls.append((case.endpoint, case.url(world)))
        email = None if actor == "anonymous" else world.users[actor].email
        visits.append(Visit(actor, email, urls))
    return visits


@pytest.fixture
def visits(app):
    from portal.extensions import db

    with app.app_context():
        planned = plan_visits(build_world())
        db.session.remove()
    return planned


def _check_page(page, url: str) -> list[str]:
    response = page.request.get(url)
    if "text/html" not in response.headers.get("content-type", ""):
        return []
    page.goto(url)
    if page.url.split("?")[0].endswith(LOGIN) and not url.endswith(LOGIN):
        return [f"{url}: sent to the log-in page"]
    title = page.title()
    untitled = [] if " – " in title else [f"{url}: the title {title!r} does not say which page this is"]
    return untitled + axe_violations(page)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_page_has_no_wcag_violation_and_no_console_error(app, live_server, visits, language: str):
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    seen_pages = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        for visit in visits:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            errors = watch_console(page)
            page.goto(f"{live_server}/")
            set_language(page, language)
            if visit.email:
                log_in(page, live_server, visit.email, factories.PASSWORD)
                assert page.locator("html").get_attribute("lang") == language, (
                    "the language was lost at log-in"
                )
            for _endpoint, url in visit.urls:
                problems.extend(_check_page(page, f"{live_server}{url}"))
                seen_pages += 1
            problems.extend(errors)
            context.close()
        browser.close()
    assert seen_pages > 60
    assert problems == [], "\n".join(problems)


def test_the_check_itself_finds_a_violation_and_a_blocked_inline_style(live_server):
    """A page with an image without text and an inline style: axe and the console watcher both speak."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page()
        errors = watch_console(page)
        page.goto(f"{live_server}/inloggen")
        page.evaluate(
            "document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/x.png\">')"
        )
        page.evaluate(
            "document.querySelector('main').insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')"
        )
        found = axe_violations(page)
        browser.close()
    assert any("[image-alt]" in line for line in found), found
    assert any("Content Security Policy" in line for line in errors), errors
