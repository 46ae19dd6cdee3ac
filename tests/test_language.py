"""The reader's language: chosen in the header, kept across logging in, and English pages say that
documents with legal force stay Dutch."""

from __future__ import annotations

from flask import render_template_string

from portal.models import Role
from tests import factories, second_factor


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


def test_the_language_chosen_before_logging_in_survives_the_second_factor(client, no_csrf) -> None:
    buyer = factories.UserFactory(roles=[Role.BUYER])
    secret = second_factor.enrol(buyer)
    client.post("/taal", data={"language": "en", "next": "/inloggen"})
    password = client.post("/inloggen", data={"email": buyer.email, "password": factories.PASSWORD})
    assert password.headers["Location"].endswith("/inloggen/code")
    assert '<html lang="en"' in client.get("/inloggen/code").get_data(as_text=True)
    code = second_factor.next_code(buyer)
    assert secret
    assert client.post("/inloggen/code", data={"code": code}).status_code == 302
    assert '<html lang="en"' in client.get("/account").get_data(as_text=True)
