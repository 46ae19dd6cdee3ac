"""portal.pdf: documents are rendered by WeasyPrint, read back as text, and fetch only static files."""

from __future__ import annotations

import gc
import io

import pikepdf
import pytest
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from portal import pdf


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_rendered_document_reads_back_with_its_text_and_page_numbers(app):
    with app.test_request_context():
        data = pdf.render_pdf("pdf/_base.html", {}, metadata={"title": "Proef"})
    # the base template has no content; render a small page through the same fetcher instead
    html = '<link rel="stylesheet" href="css/pdf.css"><h1>Raamovereenkomst</h1><p>Tarief € 1.234,56</p>'
    data = HTML(string=html, base_url=pdf.BASE_URL, url_fetcher=pdf.StaticOnlyFetcher()).write_pdf()
    text = _text(data)
    assert "Raamovereenkomst" in text
    assert "€ 1.234,56" in text
    assert "pagina 1 van 1" in text  # the shared stylesheet was loaded


@pytest.mark.parametrize(
    "reference",
    [
        '<link rel="stylesheet" href="file:///etc/passwd">',
        '<img src="http://127.0.0.1:9/x.png">',
        '<link rel="stylesheet" href="../config.py">',
    ],
)
def test_anything_outside_static_is_refused(reference):
    with pytest.raises(FatalURLFetchingError, match="Error fetching"):
        HTML(string=reference, base_url=pdf.BASE_URL, url_fetcher=pdf.StaticOnlyFetcher()).write_pdf()


def test_pdf_a_variant_is_identified_in_the_metadata(app):
    with app.test_request_context():
        data = pdf.render_pdf("pdf/_base.html", {}, pdf_variant="pdf/a-3b", metadata={"title": "Archief"})
    with pikepdf.open(io.BytesIO(data)) as document:
        meta = document.open_metadata()
        assert meta.pdfa_status == "3B"


def test_rendering_pauses_the_cyclic_collector_only_while_it_runs(app):
    with app.test_request_context():
        pdf.render_pdf("pdf/_base.html", {})
    assert gc.isenabled()
    seen = []

    def fail_inside() -> None:
        with pdf.cyclic_gc_paused():
            seen.append(gc.isenabled())
            raise RuntimeError

    with pytest.raises(RuntimeError):
        fail_inside()
    assert seen == [False]
    assert gc.isenabled()
    gc.disable()
    try:
        with pdf.cyclic_gc_paused():
            pass
        assert not gc.isenabled()  # a caller that had paused it keeps it paused
    finally:
        gc.enable()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Zorg B.V.", "Zorg B.V."),
        ("Zorg\r\n\r\n## Artikel 99", "Zorg ## Artikel 99"),
        ("a\x00b\x0bc\x0cd\x1ce\x85f", "a b c d e f"),
        ("a\u2028b\u2029c", "a b c"),  # Pango breaks lines on the Unicode separators
        ("a\u202eb\u2066c\u200fd", "a b c d"),  # bidi overrides, isolates and marks
        ("tab\there", "tab here"),
    ],
)
def test_one_line_folds_every_break_and_control_character_to_a_space(value, expected):
    assert pdf.one_line(value) == expected


def test_plain_folds_every_string_of_a_context_and_leaves_other_values_alone():
    from dataclasses import dataclass
    from datetime import date
    from decimal import Decimal

    from markupsafe import Markup

    @dataclass(frozen=True)
    class Row:
        name: str
        amount: Decimal

    context = {
        "rows": [Row("a\nb", Decimal("-1.50"))],
        "pair": ("x\ry", 3),
        "day": date(2027, 1, 1),
        "own": Markup("<br>\n"),
        "none": None,
    }
    assert pdf.plain(context) == {
        "rows": [Row("a b", Decimal("-1.50"))],
        "pair": ("x y", 3),
        "day": date(2027, 1, 1),
        "own": Markup("<br>\n"),
        "none": None,
    }
    assert context["rows"][0].name == "a\nb"  # the caller's data is not changed
