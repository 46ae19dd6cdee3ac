"""The accessibility statement and "Hoe werkt inschrijven?": public, linked from every page's footer,
in Dutch and English, and saying what they must say."""

from __future__ import annotations

from lxml import html


def _page(client, url: str, language: str = "nl"):
    with client.session_transaction() as session:
        session["locale"] = language
    response = client.get(url)
    assert response.status_code == 200
    return html.fromstring(response.get_data(as_text=True))


def test_every_page_footer_links_to_both_help_pages(client) -> None:
    footer = _page(client, "/inloggen").xpath("//footer//a/@href")
    assert "/toegankelijkheid" in footer
    assert "/hoe-werkt-inschrijven" in footer


def test_the_statement_names_its_status_the_tests_and_how_to_report_a_problem(app, client) -> None:
    page = _page(client, "/toegankelijkheid")
    text = page.text_content()
    assert page.xpath("string(//h1)") == "Toegankelijkheidsverklaring"
    assert "eerste maatregelen genomen (C)" in text
    assert "WCAG 2.1" in text
    assert page.xpath("//main//a/@href").count(f"mailto:{app.config['HELPDESK_EMAIL']}") == 1
    assert "Deze verklaring is opgesteld op 2 december 2026." in text


def test_the_statement_in_english(client) -> None:
    page = _page(client, "/toegankelijkheid", "en")
    assert page.xpath("string(//h1)") == "Accessibility statement"
    assert "This statement was drawn up on 2 December 2026." in page.text_content()


def test_how_to_bid_lists_the_six_steps_with_links_to_register_and_tenders(client) -> None:
    page = _page(client, "/hoe-werkt-inschrijven")
    steps = [h.text_content() for h in page.xpath("//ol[contains(@class, 'nmd-steps')]/li/h2")]
    assert steps == [
        "Meld uw organisatie aan",
        "Kies een inkooptraject",
        "Kies wat u wilt leveren",
        "Beantwoord de eisen",
        "Beantwoord de gunningscriteria",
        "Onderteken en dien in",
    ]
    links = page.xpath("//main//a/@href")
    assert "/aanmelden" in links
    assert "/inkooptrajecten" in links


def test_how_to_bid_in_english_says_legal_documents_stay_dutch(client) -> None:
    text = _page(client, "/hoe-werkt-inschrijven", "en").text_content()
    assert "How does bidding work?" in text
    assert "The framework agreement and the letters are always in Dutch" in text
