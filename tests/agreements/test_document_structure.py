"""Issue 12, point 2: no value a user typed adds, removes or reorders an article, a heading, a
contents entry or a table row of the raamovereenkomst; it reads back as plain text where it was put."""

from __future__ import annotations

import copy

import pytest

from portal import pdf, uploads
from portal.agreements import document, service
from tests import factories
from tests.agreements.helpers import NOW, priced_tender
from tests.documents import HOSTILE, flat, folded, outline, pages, structure, toc_entries

PLAIN = "Zorggroep Noorderzon B.V."
TERMS = service.DEFAULT_TERMS.read_text(encoding="utf-8")


@pytest.fixture
def content(app):
    tender = priced_tender()
    organisation = factories.admitted_provider(
        tender, factories.OrganisationFactory(name=PLAIN), rejected_lots=(tender.lots[1],)
    )
    with app.test_request_context():
        agreement = service.generate_agreement(tender, organisation, now=NOW)
    return agreement.versions[0].content


def _with(content: dict, value: str) -> dict:
    """The contract's content with every text a user typed (names, title, perceel, signatories)
    replaced by `value`."""
    hostile = copy.deepcopy(content)
    hostile["provider"].update(name=value, signatory_name=value, signatory_function=value, city=value)
    hostile["tender"]["title"] = value
    for municipality in hostile["municipalities"]:
        municipality["signatory_name"] = value
    for lot in hostile["lots"]:
        lot["name"] = f"{lot['name']} {value}"
        for line in lot["lines"]:
            line["result_name"] = value
    return hostile


def _kwargs() -> dict:
    return {"version": 2, "reason": "Wijziging", "created_at": NOW, "template_body": TERMS}


def _html(app, content: dict, reason: str = "Wijziging") -> str:
    context = document.build_context(content, **{**_kwargs(), "reason": reason})
    with app.test_request_context():
        return pdf.render_html("pdf/agreement.html", context)


def test_a_name_with_line_breaks_and_a_heading_adds_no_article_to_the_terms():
    values = {name: "x" for name in document.PLACEHOLDERS}
    plain = document.template_sections(TERMS, {**values, "aanbieder": PLAIN})
    for value in HOSTILE:
        sections = document.template_sections(TERMS, {**values, "aanbieder": value})
        assert [s["title"] for s in sections] == [s["title"] for s in plain]
        assert [[b["kind"] for b in s["blocks"]] for s in sections] == [
            [b["kind"] for b in s["blocks"]] for s in plain
        ]
        assert "\n" not in sections[0]["blocks"][1]["text"].replace(PLAIN, "")
        assert folded(value) in flat(sections[0]["blocks"][2]["text"])


def test_a_value_is_filled_in_once_and_never_read_as_a_placeholder():
    sections = document.template_sections(
        "## A\n{{ aanbieder }} {{ kvk }}", {"aanbieder": "{{ kvk }}", "kvk": "1"}
    )
    assert sections[0]["blocks"][0]["text"] == "{{ kvk }} 1"


def test_the_terms_are_parsed_into_articles_sub_headings_and_paragraphs():
    body = "Vooraf.\n\n## Een {{ aanbieder }}\nTekst\nloopt door.\n### Kop\nAlinea.\n\nTweede.\r\n## Twee\r\n"
    sections = document.template_sections(body, {"aanbieder": "A\n## B"})
    assert [s["title"] for s in sections] == ["Algemene bepalingen", "Een A ## B", "Twee"]
    assert [s["anchor"] for s in sections] == ["art-1", "art-2", "art-3"]
    assert sections[1]["blocks"] == [
        {"kind": "p", "text": "Tekst\nloopt door."},
        {"kind": "h3", "text": "Kop"},
        {"kind": "p", "text": "Alinea."},
        {"kind": "p", "text": "Tweede."},
    ]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_value_leaves_the_contract_with_the_same_elements(app, content, value):
    plain = structure(_html(app, content))
    hostile = _html(app, _with(content, value), reason=value)
    assert structure(hostile) == plain
    assert "<h2>Artikel 99" not in hostile  # escaped: text, not markup


def test_the_contract_pdf_has_the_same_bookmarks_contents_and_pages_whatever_the_names(app, content):
    with app.test_request_context():
        data = document.render(content, **_kwargs())
        plain_outline, plain_pages = outline(data), pages(data)
        plain_toc = toc_entries(plain_pages[0])
        for value in HOSTILE:
            data = document.render(_with(content, value), **_kwargs())
            read = pages(data)
            assert len(outline(data)) == len(plain_outline)
            toc = toc_entries(read[0])
            assert len(toc) == len(plain_toc)
            assert [t for t, _page in toc if t.startswith("Artikel")] == [
                t for t, _page in plain_toc if t.startswith("Artikel")
            ]
            text = flat(" ".join(read))
            assert "Artikel 99. " not in text
            assert "Artikel 10." not in text  # 3 fixed articles, 5 of the terms, the signatures
            assert folded(value) in text  # the value itself, as plain text
            assert [t for t in outline(data) if t.startswith("Artikel")] == [
                t for t in plain_outline if t.startswith("Artikel")
            ]


def test_a_provider_registered_with_an_article_in_its_name_gets_the_usual_contract(app, content):
    tender = priced_tender()
    organisation = factories.admitted_provider(
        tender, factories.OrganisationFactory(name=HOSTILE[1]), rejected_lots=(tender.lots[1],)
    )
    with app.test_request_context():
        agreement = service.generate_agreement(tender, organisation, now=NOW)
        data = uploads.path_of(agreement.versions[0].pdf_stored_name).read_bytes()
        plain = document.render(content, **_kwargs())
    assert outline(data) == outline(plain)
    assert [title for title, _page in toc_entries(pages(data)[0])] == [
        title for title, _page in toc_entries(pages(plain)[0])
    ]
    assert folded(HOSTILE[1]) in flat(" ".join(pages(data)))
