"""The heaviest pages of P1, each with the log-in it needs. Filled in as the features land."""

from __future__ import annotations

from dataclasses import dataclass

from bench.loadgen import Login


@dataclass(frozen=True)
class Page:
    name: str
    url: str | None
    login: Login | None = None
    missing: str = ""


def heavy_pages() -> list[Page]:
    not_yet = "page not built yet (issues 5-7); measured once it lands"
    return [
        Page("provider matrix choice", None, missing=not_yet),
        Page("bid overview", None, missing=not_yet),
        Page("assessor scoring page", None, missing=not_yet),
        Page("contract register (350 rows)", None, missing=not_yet),
        Page("tender result page", None, missing=not_yet),
        Page("start page (anonymous, published tenders)", "/"),
    ]
