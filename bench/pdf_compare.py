"""P3: WeasyPrint against headless Chromium printing the same HTML, both warm, median of several runs."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from weasyprint import HTML

from portal.pdf import BASE_URL, STATIC_DIR, StaticOnlyFetcher

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def median_seconds(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm-up
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def weasyprint_seconds(html: str, runs: int = 5, **write_options: object) -> float:
    def render() -> bytes:
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
        return document.write_pdf(**write_options)

    return median_seconds(render, runs)


def chromium_seconds(html: str, runs: int = 5) -> float:
    return chromium_seconds_and_pages(html, runs)[0]


def chromium_seconds_and_pages(html: str, runs: int = 5) -> tuple[float, int]:
    """The same HTML printed by Chromium, with the stylesheet's own @page size and margins (as WeasyPrint
    does; without prefer_css_page_size Chromium uses its default margins and needs fewer pages)."""
    import io

    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    chromium_html = html.replace('href="css/', f'href="file://{STATIC_DIR}/css/')
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()

        def render() -> bytes:
            page.set_content(chromium_html, wait_until="load")
            return page.pdf(prefer_css_page_size=True, print_background=True)

        try:
            seconds = median_seconds(render, runs)
            return seconds, len(PdfReader(io.BytesIO(render())).pages)
        finally:
            browser.close()
