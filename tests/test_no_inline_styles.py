"""The Content-Security-Policy allows styles and scripts from the portal's own files only, so a page
template has no style attribute, no <style> block, no inline script and no event-handler attribute
(the browser would block them and log an error). PDF and mail templates are not pages: they keep theirs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
NOT_PAGES = ("pdf", "mail")
FORBIDDEN = {
    "style attribute": re.compile(r"\sstyle\s*="),
    "style block": re.compile(r"<style[\s>]", re.IGNORECASE),
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "event handler": re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE),
    "javascript: link": re.compile(r"javascript:", re.IGNORECASE),
}


def _page_templates() -> list[Path]:
    return [
        p for p in sorted(TEMPLATES.rglob("*.html")) if p.relative_to(TEMPLATES).parts[0] not in NOT_PAGES
    ]


@pytest.mark.parametrize("kind", sorted(FORBIDDEN))
def test_page_templates_have_nothing_the_content_security_policy_blocks(kind: str) -> None:
    pattern = FORBIDDEN[kind]
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in _page_templates()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert found == [], f"{kind} in {found}"


def test_the_check_sees_the_page_templates() -> None:
    assert len(_page_templates()) > 40
