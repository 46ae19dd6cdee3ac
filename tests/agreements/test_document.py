"""The raamovereenkomst PDF: exactly what was admitted, PDF/A-3b, reproducible."""

from __future__ import annotations

import hashlib
import io
import re

import pikepdf
import pytest
from pypdf import PdfReader

from portal import uploads
from portal.agreements import document, service
from tests import factories
from tests.agreements.helpers import NOW, dutch, pdf_text, priced_tender, result_level, tariff


@pytest.fixture
def contract(app):
    tender = priced_tender()
    m0, m1, m2 = tender.municipalities
    _lot1, lot2 = tender.lots
    # R1/4 and R2/5 are in perceel 1; R1/5 and R2/4 in perceel 2, which is rejected
    lines = [
        (result_level(tender, "R1", 4), m0),
        (result_level(tender, "R1", 4), m1),
        (result_level(tender, "R2", 5), m1),
        (result_level(tender, "R1", 5), m2),
        (result_level(tender, "R2", 4), m0),
    ]
    organisation = factories.admitted_provider(tender, lines=lines, rejected_lots=(lot2,))
    with app.test_request_context():
        agreement = service.generate_agreement(tender, organisation, now=NOW)
    return tender, agreement


def test_the_pdf_states_every_admitted_result_level_and_tariff_per_municipality(app, contract):
    tender, agreement = contract
    text = pdf_text(uploads.path_of(agreement.versions[0].pdf_stored_name).read_bytes())
    m0, m1, _m2 = tender.municipalities
    for code, level, index in (("R1", 4, 0), ("R1", 4, 1), ("R2", 5, 1)):
        assert dutch(tariff(tender, code, level, index).amount) in text
    assert "R1 Resultaat 1" in text
    assert "R2 Resultaat 2" in text
    assert agreement.number in text
    assert m0.name in text
    assert m1.name in text
    assert m0.cbs_code in text
    assert tender.lots[0].name in text


def test_the_pdf_states_nothing_that_was_not_admitted(app, contract):
    tender, agreement = contract
    text = pdf_text(uploads.path_of(agreement.versions[0].pdf_stored_name).read_bytes())
    not_chosen = [("R1", 4, 2), ("R2", 5, 0), ("R2", 5, 2), ("R1", 5, 0), ("R1", 5, 1)]
    rejected_lot = [("R1", 5, 2), ("R2", 4, 0)]
    for code, level, index in not_chosen + rejected_lot:
        assert dutch(tariff(tender, code, level, index).amount) not in text
    assert tender.lots[1].name not in text
    assert tender.municipalities[2].name not in text  # only chosen in the rejected perceel
    assert [m.cbs_code for m in agreement.municipalities] == sorted(
        [tender.municipalities[0].cbs_code, tender.municipalities[1].cbs_code],
        key=lambda code: next(m.name for m in tender.municipalities if m.cbs_code == code),
    )


def test_the_pdf_has_parties_terms_contents_and_page_numbers(app, contract):
    _tender, agreement = contract
    text = pdf_text(uploads.path_of(agreement.versions[0].pdf_stored_name).read_bytes())
    organisation = agreement.organisation
    assert organisation.kvk_number in text
    assert organisation.signatory_name in text
    assert "Inhoud" in text
    assert "Prestatieafspraken" in text
    for topic in ("Kwaliteit", "Wachttijden", "Rapportage", "Samenwerking", "Onderaanneming"):
        assert topic in text
    assert "{{" not in text  # every placeholder was filled in
    assert f"contractnummer {agreement.number}" in text
    assert "pagina 1 van" in text
    assert "Open house" in text
    assert "1 januari 2027" in text


def test_the_pdf_is_pdf_a_3b_with_its_number_and_parties_in_the_metadata(app, contract):
    _, agreement = contract
    data = uploads.path_of(agreement.versions[0].pdf_stored_name).read_bytes()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        meta = pdf.open_metadata()
        assert meta.get("pdfaid:part") == "3"
        assert meta.get("pdfaid:conformance") == "B"
        assert agreement.number in str(pdf.docinfo.get("/Title"))
        keywords = str(pdf.docinfo.get("/Keywords"))
        assert agreement.number in keywords
        assert agreement.organisation.name in keywords
        fonts = {str(font.get("/BaseFont")) for page in pdf.pages for font in page.Resources.Font.values()}
        assert any("DejaVu" in name for name in fonts)
        assert all(
            "/FontFile2" in font.get("/FontDescriptor", {}) or "/DescendantFonts" in font
            for page in pdf.pages
            for font in page.Resources.Font.values()
        )


def test_the_stored_hash_is_the_sha256_of_the_stored_pdf(app, contract):
    _, agreement = contract
    version = agreement.versions[0]
    data = uploads.path_of(version.pdf_stored_name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == version.pdf_sha256


def test_rendering_the_same_version_again_yields_the_same_text(app, contract):
    _, agreement = contract
    version = agreement.versions[0]
    with app.test_request_context():
        again = document.render_version(version)
    assert pdf_text(again) == pdf_text(uploads.path_of(version.pdf_stored_name).read_bytes())
    assert hashlib.sha256(again).hexdigest() == version.pdf_sha256  # even byte for byte


def test_a_template_placeholder_cannot_run_code():
    body = "## Test\n{{ aanbieder }} {{ ''.__class__ }} {{ config }} {% for x in y %}"
    sections = document.template_sections(body, {"aanbieder": "Zorg B.V."})
    assert sections[0]["blocks"][0]["text"] == "Zorg B.V. {{ ''.__class__ }} {{ config }} {% for x in y %}"
    assert document.unknown_placeholders("{{ aanbieder }} {{ config }}") == ["config"]


def _toc_entries(first_page: str) -> list[tuple[str, int]]:
    """("Artikel 1. Partijen", 2), ... from the table of contents' dot leaders on the cover."""
    return [
        (match.group(1).strip(), int(match.group(2)))
        for match in re.finditer(r"^(.+?) \.{5,}\s*(\d+)$", first_page, flags=re.MULTILINE)
    ]


def test_the_contents_give_the_page_each_article_and_perceel_starts_on(app, contract):
    _, agreement = contract
    data = uploads.path_of(agreement.versions[0].pdf_stored_name).read_bytes()
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    entries = _toc_entries(pages[0])
    assert len(entries) >= 5
    assert entries[0][0] == "Artikel 1. Partijen"
    for title, number in entries:
        starts = [i + 1 for i, text in enumerate(pages[1:], start=1) if title in text.splitlines()]
        assert starts, title
        assert number == starts[0], title
    for i, text in enumerate(pages, start=1):
        assert f"pagina {i} van {len(pages)}" in text
        assert f"{agreement.number} · versie 1" in text  # the running header on every page
