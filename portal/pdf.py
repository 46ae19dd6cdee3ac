"""Rendering every document of the portal: render_pdf(template, context) -> bytes.

The context is plain data (dicts, dataclasses) prepared by a service, never ORM objects.
WeasyPrint only fetches the portal's own static files: any other URL is refused.
"""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path
from typing import Any

from flask import render_template
from weasyprint import HTML, default_url_fetcher  # noqa: F401 - default_url_fetcher documented below

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
STATIC_PREFIX = "static:///"


class RefusedURL(ValueError):
    pass


def static_only_fetcher(url: str, timeout: int = 10, ssl_context: Any = None) -> dict[str, Any]:
    """Serve `static:///<path>` from static/ and nothing else (no network, no file:// escapes)."""
    if not url.startswith(STATIC_PREFIX):
        raise RefusedURL(f"PDF rendering may only load the portal's static files, not {url!r}")
    path = (STATIC_DIR / url[len(STATIC_PREFIX) :]).resolve()
    if STATIC_DIR not in path.parents:
        raise RefusedURL(f"path outside static/: {url!r}")
    return {
        "string": path.read_bytes(),
        "mime_type": mimetypes.guess_type(path.name)[0] or "application/octet-stream",
        "filename": path.name,
    }


def render_html(template: str, context: dict[str, Any]) -> str:
    return render_template(template, **context)


def render_pdf(
    template: str,
    context: dict[str, Any],
    *,
    pdf_variant: str | None = None,
    metadata: dict[str, str] | None = None,
) -> bytes:
    """Render templates/<template> to PDF. `pdf_variant="pdf/a-3b"` for archive documents."""
    html = render_html(template, context)
    document = HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=static_only_fetcher).render()
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
