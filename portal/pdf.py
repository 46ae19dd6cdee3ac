"""Rendering every document of the portal: render_pdf(template, context) -> bytes.

The context is plain data (dicts, dataclasses) prepared by a service, never ORM objects.
WeasyPrint only fetches the portal's own static files: any other URL is refused.

Data never becomes structure: every string of the context is folded to one line (`one_line`) before
the template sees it, and Jinja escapes it, so a value can only ever be text inside the element the
template put it in; it cannot start a heading, an article, a paragraph or a table row of its own.
"""

from __future__ import annotations

import gc
import hashlib
import mimetypes
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields, is_dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import render_template
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
BASE_URL = STATIC_DIR.as_uri() + "/"  # templates link "css/pdf.css", resolved inside static/


class RefusedURL(ValueError):
    pass


class StaticOnlyFetcher(URLFetcher):
    """Serve files below static/ and nothing else: no network, no file outside static/."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("file",), fail_on_errors=True)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if not url.startswith("file://"):
            raise RefusedURL(f"PDF rendering may only load the portal's static files, not {url!r}")
        path = Path(unquote(urlsplit(url).path)).resolve()
        if STATIC_DIR not in path.parents:
            raise RefusedURL(f"path outside static/: {url!r}")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})


# C0 and C1 control characters (line breaks and tabs included), the Unicode line and paragraph
# separators (Pango breaks lines on them) and the bidirectional embeddings, overrides and isolates.
_BREAKS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]+")


def one_line(value: str) -> str:
    """The value as one line of plain text: every run of control, separator or bidi characters is one
    space. A text that has none (nearly every value) is returned as it is."""
    return _BREAKS.sub(" ", value) if _BREAKS.search(value) else value


def plain(value: Any) -> Any:
    """The context with every string in it folded by `one_line`, through dicts, lists, tuples and
    dataclasses; other values (numbers, dates, None) as they are."""
    if isinstance(value, Markup):
        return value  # the portal's own markup, never data
    if isinstance(value, str):
        return one_line(value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, tuple):
        items = [plain(item) for item in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: plain(getattr(value, f.name)) for f in fields(value) if f.init})
    return value


def render_html(template: str, context: dict[str, Any]) -> str:
    return render_template(template, **plain(context))


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """WeasyPrint allocates hundreds of thousands of small objects per document, which makes Python's
    cyclic collector run over and over while nothing is garbage yet; pausing it for the render saves
    about a sixth of the CPU time (issue 8, P3). The collector resumes, as it was, right after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render_pdf(
    template: str,
    context: dict[str, Any],
    *,
    pdf_variant: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> bytes:
    """Render templates/<template> to PDF. `pdf_variant="pdf/a-3b"` for archive documents. `metadata`:
    title, author, keywords (a list, or a comma-separated text) and custom (extra keys of the PDF's
    document information, which no text of the document can imitate)."""
    html = render_html(template, context)
    with cyclic_gc_paused():
        return _write_pdf(html, pdf_variant, metadata)


def _write_pdf(html: str, pdf_variant: str | None, metadata: dict[str, Any] | None) -> bytes:
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).render()
    if metadata:
        metadata = plain(metadata)
        document.metadata.title = metadata.get("title", document.metadata.title)
        document.metadata.authors = (
            [metadata["author"]] if "author" in metadata else document.metadata.authors
        )
        keywords = metadata.get("keywords") or []
        document.metadata.keywords = keywords.split(",") if isinstance(keywords, str) else list(keywords)
    options: dict[str, Any] = {}
    if metadata and metadata.get("custom"):
        document.metadata.custom = dict(metadata["custom"])  # e.g. {"BidSha256": ...}: read back by key
        options["custom_metadata"] = True
    if pdf_variant:
        options["pdf_variant"] = pdf_variant
    return document.write_pdf(**options)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
