"""The reader's language: chosen in the header, kept across logging in, and English pages say that
documents with legal force stay Dutch."""

from __future__ import annotations

from flask import render_template_string

from tests import factories


def test_the_language_chosen_before_logging_in_is_kept_after_it(client, no_csrf) -> None:
    user = factories.UserFactory()
    client.post("/taal", data={"language": "en", "next": "/inloggen"})
    response = client.post("/inloggen", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    page = client.get("/account").get_data(as_text=True)
    assert '<html lang="en"' in page


def test_a_fresh_log_in_without_a_choice_uses_the_default(client, no_csrf) -> None:
    user = factories.UserFactory()
    client.post("/inloggen", data={"email": user.email, "password": factories.PASSWORD})
    assert '<html lang="nl"' in client.get("/account").get_data(as_text=True)


NOTE = '{% from "macros/components.html" import dutch_document_note %}{{ dutch_document_note() }}'


def test_english_readers_are_told_a_legal_document_stays_dutch(app) -> None:
    with app.test_request_context():
        from flask import session
        from flask_babel import refresh

        session["locale"] = "en"
        refresh()
        assert "only available in Dutch" in render_template_string(NOTE)


def test_dutch_readers_get_no_such_note(app) -> None:
    with app.test_request_context():
        from flask_babel import refresh

        refresh()
        assert render_template_string(NOTE).strip() == ""
