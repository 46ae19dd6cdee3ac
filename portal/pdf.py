"""Rendering every document of the portal: render_pdf(template, context) -> bytes.

The context is plain data (dicts, dataclasses) prepared by a service, never ORM objects.
WeasyPrint only fetches the portal's own static files: any other URL is refused.
"""

from __future__ import annotations

import gc
import hashlib
import mimetypes
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import render_template
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


def render_html(template: str, context: dict[str, Any]) -> str:
    return render_template(template, **context)


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
    metadata: dict[str, str] | None = None,
) -> bytes:
    """Render templates/<template> to PDF. `pdf_variant="pdf/a-3b"` for archive documents."""
    html = render_html(template, context)
    with cyclic_gc_paused():
        return _write_pdf(html, pdf_variant, metadata)


def _write_pdf(html: str, pdf_variant: str | None, metadata: dict[str, str] | None) -> bytes:
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).render()
    if metadata:
        document.metadata.title = metadata.get("title", document.metadata.title)
        document.metadata.authors = (
            [metadata["author"]] if "author" in metadata else document.metadata.authors
        )
        document.metadata.keywords = metadata.get("keywords", "").split(",") if "keywords" in metadata else []
    options: dict[str, Any] = {}
    if pdf_variant:
        options["pdf_variant"] = pdf_variant
    return document.write_pdf(**options)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
