"""The foundation: the app starts, the schema matches the models, headers are set, errors are friendly."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.extensions import db
from portal.models import Role
from tests import factories


def test_migrations_match_the_models_without_drift(app):
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == []


def test_flask_db_check_reports_no_drift(runner):
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_security_headers_on_every_page(client):
    response = client.get("/")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_behind_login_are_not_cached(client, auth):
    auth.as_role(Role.BUYER)
    response = client.get("/")
    assert response.headers["Cache-Control"] == "no-store"


def test_unknown_page_is_a_friendly_dutch_404(client):
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    assert "Deze pagina bestaat niet" in response.get_data(as_text=True)


def test_unexpected_error_shows_reference_and_no_traceback(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "RENDER_500_IN_TESTS", True)

    def broken():
        raise RuntimeError("secret internals")

    monkeypatch.setitem(app.view_functions, "dashboard.home", broken)
    response = client.get("/")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Referentiecode" in body
    assert "secret internals" not in body
    assert "Traceback" not in body


def test_check_constraints_hold_in_the_database(app):
    tender = factories.tender_with_matrix()
    result_level = tender.results[0].levels[0]
    result_level.level = 9
    try:
        db.session.flush()
        raise AssertionError("level 9 was accepted")
    except sa.exc.IntegrityError:
        db.session.rollback()


def test_dutch_is_the_default_and_english_can_be_chosen(client, no_csrf):
    assert "Direct naar de inhoud" in client.get("/inloggen").get_data(as_text=True)
    response = client.post("/taal", data={"language": "en", "next": "/inloggen"}, follow_redirects=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Skip to content" in body
    assert "E-mail address" in body


def test_language_switch_ignores_a_foreign_next(client, no_csrf):
    response = client.post("/taal", data={"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]
