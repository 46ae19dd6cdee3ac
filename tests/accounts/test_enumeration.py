"""Public forms do not reveal which e-mail addresses and KvK numbers have an account (issue 12, point 9).

Each test posts the same form for something registered and something new, from two fresh browsers,
and compares what comes back: the status, where it redirects, and the page after the redirect, word
for word apart from the CSRF token. What differs goes by mail (over the real SMTP server) to the
address concerned.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from portal.extensions import db
from portal.models import AccessRequest, Organisation, Role, User
from tests import factories
from tests.accounts.helpers import count, link_in, registration_data

_CSRF = re.compile(r'(name="csrf_token"[^>]*value=")[^"]*"')


def _answer(app, url: str, data: dict[str, str]) -> tuple[int, str, int, str]:
    """What a stranger sees: status and redirect of the POST, then status and text of the next page."""
    client = app.test_client()
    posted = client.post(url, data=data)
    shown = client.get(posted.location) if posted.status_code == 302 else posted
    return (
        posted.status_code,
        posted.location or "",
        shown.status_code,
        _CSRF.sub(r"\1…", shown.get_data(True)),
    )


def _mail_to(smtp_server, address: str) -> str:
    [message] = [m for m in smtp_server.messages if m["To"] == address]
    return smtp_server.body_of(message)


def test_registration_answers_the_same_for_a_registered_and_a_new_email(app, no_csrf, smtp_server):
    existing = factories.user_with_role(Role.PROVIDER_ADMIN)
    known = _answer(app, "/aanmelden", registration_data(email=existing.email.upper(), kvk_number="11111111"))
    new = _answer(
        app, "/aanmelden", registration_data(email="nieuw@zorgopmaat.example", kvk_number="22222222")
    )
    assert known == new
    assert known[:2] == (302, "/aanmelden/verstuurd")
    body = _mail_to(smtp_server, existing.email)
    assert "probeerde zojuist een organisatie aan te melden" in body
    assert link_in(body, "/wachtwoord-vergeten")
    assert "/bevestigen/" in _mail_to(smtp_server, "nieuw@zorgopmaat.example")
    kvks = set(db.session.scalars(sa.select(Organisation.kvk_number)))
    assert "22222222" in kvks
    assert "11111111" not in kvks


def test_registration_answers_the_same_for_a_registered_and_a_new_kvk(app, no_csrf, smtp_server):
    admin = factories.user_with_role(Role.PROVIDER_ADMIN)
    kvk = admin.organisation.kvk_number
    known = _answer(app, "/aanmelden", registration_data(email="gerrit@zorgopmaat.example", kvk_number=kvk))
    new = _answer(
        app, "/aanmelden", registration_data(email="hanna@zorgopmaat.example", kvk_number="22222222")
    )
    assert known == new
    assert "/organisatie/collegas" in _mail_to(smtp_server, admin.email), "the access request, as before"
    assert "bestaat al een account" in _mail_to(smtp_server, "gerrit@zorgopmaat.example")
    request = db.session.scalars(sa.select(AccessRequest)).one()
    assert (request.organisation_id, request.email) == (admin.organisation_id, "gerrit@zorgopmaat.example")
    assert db.session.scalar(sa.select(User).where(User.email == "gerrit@zorgopmaat.example")) is None


def test_registration_refusals_do_not_depend_on_what_is_registered(app, no_csrf):
    existing = factories.user_with_role(Role.PROVIDER_ADMIN)
    weak = {"password": "Wachtwoord123", "confirm": "Wachtwoord123"}
    known = _answer(app, "/aanmelden", registration_data(email=existing.email, **weak))
    new = _answer(app, "/aanmelden", registration_data(email="nieuw@example.org", **weak))
    assert known[0] == new[0] == 422
    assert _CSRF.sub("", known[3]).replace(existing.email, "X") == _CSRF.sub("", new[3]).replace(
        "nieuw@example.org", "X"
    )


def _access_data(kvk: str, email: str) -> dict[str, str]:
    return {"kvk_number": kvk, "name": "Cor Smit", "email": email, "message": "Ik ben de nieuwe teamleider"}


def test_access_request_answers_the_same_for_a_registered_and_an_unknown_kvk(app, no_csrf, smtp_server):
    admin = factories.user_with_role(Role.PROVIDER_ADMIN)
    known = _answer(
        app, "/aanmelden/toegang-vragen", _access_data(admin.organisation.kvk_number, "cor@a.example")
    )
    unknown = _answer(app, "/aanmelden/toegang-vragen", _access_data("99999999", "cor@b.example"))
    assert known == unknown
    assert known[0] == 302
    assert "cor@a.example" in _mail_to(smtp_server, admin.email)
    assert "doorgestuurd naar de beheerder" in _mail_to(smtp_server, "cor@a.example")
    assert link_in(_mail_to(smtp_server, "cor@b.example"), "/aanmelden")
    assert count(AccessRequest) == 1


def test_access_request_with_an_address_that_has_an_account_mails_that_account(app, no_csrf, smtp_server):
    admin = factories.user_with_role(Role.PROVIDER_ADMIN)
    existing = factories.UserFactory(email="cor@a.example")
    known = _answer(
        app, "/aanmelden/toegang-vragen", _access_data(admin.organisation.kvk_number, existing.email)
    )
    new = _answer(
        app, "/aanmelden/toegang-vragen", _access_data(admin.organisation.kvk_number, "cor@b.example")
    )
    assert known == new
    assert "vroeg zojuist met uw e-mailadres toegang" in _mail_to(smtp_server, existing.email)
    assert [r.email for r in db.session.scalars(sa.select(AccessRequest))] == ["cor@b.example"]


def test_forgot_password_answers_the_same_and_mails_either_address(app, no_csrf, smtp_server):
    user = factories.UserFactory()
    known = _answer(app, "/wachtwoord-vergeten", {"email": user.email})
    unknown = _answer(app, "/wachtwoord-vergeten", {"email": "niemand@example.org"})
    assert known == unknown
    assert link_in(_mail_to(smtp_server, user.email), "/wachtwoord-herstellen/")
    assert "geen actief account" in _mail_to(smtp_server, "niemand@example.org")


def test_forgot_password_says_the_same_whether_or_not_the_address_exists(client, no_csrf, smtp_server):
    user = factories.UserFactory()
    known = client.post("/wachtwoord-vergeten", data={"email": user.email}, follow_redirects=True)
    unknown = client.post(
        "/wachtwoord-vergeten", data={"email": "niemand@example.org"}, follow_redirects=True
    )
    flash = "Als dit e-mailadres bij een account hoort"
    assert flash in known.get_data(True)
    assert flash in unknown.get_data(True)
    assert known.status_code == unknown.status_code == 200
    assert [m["To"] for m in smtp_server.messages] == [user.email, "niemand@example.org"]
