"""What every browser journey checks on every page it visits: no WCAG 2.1 A/AA violation found by
axe-core, and no console error (a blocked inline style, a failed script) other than an expected 4xx.

axe-core comes from npm (package.json's devDependencies, installed by `make assets`) and is read from
node_modules: it is injected into the page by the test, never served to users.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from tests import second_factor

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
EXPECTED_4XX = re.compile(r"Failed to load resource: the server responded with a status of 4\d\d")
LOGIN = "/inloggen"


@cache
def axe_source() -> str:
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `make assets` (npm install) first")
    return AXE.read_text(encoding="utf-8")


def watch_console(page: Any) -> list[str]:
    """Collect the page's console errors (and uncaught exceptions) from now on, except expected 4xx."""
    errors: list[str] = []

    def on_console(message: Any) -> None:
        if message.type == "error" and not EXPECTED_4XX.search(message.text):
            errors.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    return errors


def axe_violations(page: Any) -> list[str]:
    """Run axe-core on the page as it stands; one line per violated rule, naming the first nodes."""
    page.evaluate(axe_source())  # through the DevTools protocol: the page's CSP does not apply to it
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return [
        f"{page.url} [{v['id']}] {v['help']}: " + " | ".join(n["html"][:120] for n in v["nodes"][:3])
        for v in result["violations"]
    ]


def log_in(page: Any, base: str, email: str, password: str) -> None:
    page.goto(f"{base}{LOGIN}")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    second_factor.browser_factor(page, email)  # staff log in with a second factor
    page.wait_for_load_state()


def set_language(page: Any, language: str) -> None:
    """Press the header's language button when the page is not yet in `language`."""
    if page.locator("html").get_attribute("lang") != language:
        page.locator(f"header button[name=language][value={language}]").click()
        page.wait_for_load_state()
