"""Registration, confirmation, log-in, passwords and sessions through HTTP, with mail over real SMTP."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from portal import sessions
from portal.extensions import db
from portal.models import AccessRequest, AuditEvent, AuditOutcome, Organisation, OutgoingMail, Role, User
from tests import factories
from tests.accounts.helpers import count, link_in, registration_data

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _login(client, email: str, password: str = factories.PASSWORD, **extra: str):
    return client.post("/inloggen", data={"email": email, "password": password, **extra})


def _logged_in(client) -> bool:
    response = client.get("/account")
    return response.status_code == 200


def _stored() -> tuple[int, int, int, int]:
    return count(Organisation), count(User), count(OutgoingMail), count(AccessRequest)


def _text(response) -> str:
    return response.get_data(as_text=True)


# --- registration ------------------------------------------------------------------------------------


def test_registration_page_asks_for_organisation_and_first_user(client):
    page = _text(client.get("/aanmelden"))
    for label in ("KvK-nummer", "AGB-code", "Postcode", "Naam van de tekenbevoegde", "Kies een wachtwoord"):
        assert label in page


def test_registration_confirmation_and_login_end_to_end_over_smtp(client, no_csrf, smtp_server):
    response = client.post("/aanmelden", data=registration_data())
    assert response.status_code == 302
    assert response.location.endswith("/aanmelden/verstuurd")
    user = db.session.scalar(sa.select(User).where(User.email == "anne@zorgopmaat.example"))
    assert user.roles == {Role.PROVIDER_ADMIN}
    assert user.email_confirmed_at is None

    refused = _login(client, "anne@zorgopmaat.example", "Drie-lange-woorden-samen")
    assert refused.status_code == 422
    assert "Bevestig eerst uw e-mailadres" in _text(refused)

    [message] = smtp_server.messages
    assert message["To"] == "anne@zorgopmaat.example"
    link = link_in(smtp_server.body_of(message), "/bevestigen/")
    assert "Bevestigen" in _text(client.get(link))
    assert user.email_confirmed_at is None, "opening the link (a mail scanner) confirms nothing"
    assert client.post(link).status_code == 302
    db.session.refresh(user)
    assert user.email_confirmed_at is not None

    response = _login(client, "anne@zorgopmaat.example", "Drie-lange-woorden-samen")
    assert response.status_code == 302
    assert _logged_in(client)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"kvk_number": "1234567"}, "Een KvK-nummer bestaat uit precies 8 cijfers."),
        ({"kvk_number": "1234567X"}, "Een KvK-nummer bestaat uit precies 8 cijfers."),
        ({"agb_code": "123"}, "Een AGB-code bestaat uit precies 8 cijfers."),
        ({"postcode": "ABCD 12"}, "Vul een Nederlandse postcode in"),
        ({"password": "kort-wachtw", "confirm": "kort-wachtw"}, "minstens 12 tekens"),
        ({"confirm": "een-ander-wachtwoord"}, "De twee wachtwoorden zijn niet gelijk."),
        ({"email": "anne@"}, "Vul een geldig e-mailadres in"),
        ({"email": "anne zorg@example.org"}, "Vul een geldig e-mailadres in"),
        ({"name": ""}, "Dit veld is verplicht."),
    ],
)
def test_registration_refusal_is_shown_next_to_the_field_and_nothing_is_stored(
    client, no_csrf, overrides, message
):
    before = _stored()
    response = client.post("/aanmelden", data=registration_data(**overrides))
    assert response.status_code == 422
    page = _text(response)
    assert message in page
    assert 'aria-invalid="true"' in page
    assert _stored() == before


def test_registration_without_csrf_token_is_refused_and_nothing_is_stored(client):
    before = _stored()
    response = client.post("/aanmelden", data=registration_data())
    assert response.status_code == 400
    assert "Het formulier is verlopen of onvolledig verstuurd" in _text(response)
    assert _stored() == before


def test_expired_confirmation_link_says_so_and_offers_a_new_one(client, no_csrf, smtp_server):
    with time_machine.travel(START, tick=False) as traveller:
        client.post("/aanmelden", data=registration_data())
        link = link_in(smtp_server.body_of(smtp_server.messages[0]), "/bevestigen/")
        traveller.shift(timedelta(hours=48, seconds=1))
        response = client.post(link)
    assert response.status_code == 400
    page = _text(response)
    assert "Deze link is verlopen" in page
    assert "/bevestigen/opnieuw" in page
    assert (
        db.session.scalar(sa.select(User.email_confirmed_at).where(User.email == "anne@zorgopmaat.example"))
        is None
    )

    client.post("/bevestigen/opnieuw", data={"email": "anne@zorgopmaat.example"})
    new_link = link_in(smtp_server.body_of(smtp_server.messages[-1]), "/bevestigen/")
    assert client.post(new_link).status_code == 302


def test_tampered_confirmation_link_is_refused(client, no_csrf, smtp_server):
    client.post("/aanmelden", data=registration_data())
    link = link_in(smtp_server.body_of(smtp_server.messages[0]), "/bevestigen/")
    response = client.post(link.replace("/bevestigen/", "/bevestigen/x"))
    assert response.status_code == 400
    assert "Deze link werkt niet" in _text(response)


def test_resending_the_confirmation_says_the_same_for_unknown_addresses(client, no_csrf, smtp_server):
    factories.UserFactory(email="bevestigd@example.org")
    known = _text(
        client.post("/bevestigen/opnieuw", data={"email": "bevestigd@example.org"}, follow_redirects=True)
    )
    unknown = _text(
        client.post("/bevestigen/opnieuw", data={"email": "niemand@example.org"}, follow_redirects=True)
    )
    flash = "Heeft dit adres een account dat nog niet bevestigd is?"
    assert flash in known
    assert flash in unknown
    assert smtp_server.messages == []


# --- log-in -------------------------------------------------------------------------------------------


def _error_of(response, field: str) -> str:
    match = re.search(rf'id="{field}-error">(.*?)</div>', _text(response), re.S)
    return match.group(1).strip() if match else ""


def test_unknown_email_and_wrong_password_get_the_same_message(client, no_csrf):
    factories.UserFactory(email="bekend@example.org")
    unknown = _login(client, "onbekend@example.org", "Een-wachtwoord-dat-fout-is")
    wrong = _login(client, "bekend@example.org", "Een-wachtwoord-dat-fout-is")
    deactivated = factories.UserFactory(email="uit@example.org", is_active=False)
    inactive = _login(client, deactivated.email)
    assert unknown.status_code == wrong.status_code == inactive.status_code == 422
    assert _error_of(unknown, "password") == _error_of(wrong, "password") == _error_of(inactive, "password")
    assert "horen niet bij een actief account" in _error_of(unknown, "password")


@pytest.mark.parametrize("target", ["https://evil.example", "//evil.example", "/\\evil.example"])
def test_next_to_another_host_is_ignored_after_login(client, no_csrf, target):
    user = factories.UserFactory()
    response = _login(client, user.email, next=target)
    assert response.status_code == 302
    assert response.location in ("/", "http://localhost/")


def test_next_on_this_host_is_followed_after_login(client, no_csrf):
    user = factories.UserFactory()
    response = _login(client, user.email, next="/account")
    assert response.location.endswith("/account")


def test_login_starts_a_new_session_and_the_anonymous_one_is_worthless(app, client, no_csrf):
    user = factories.UserFactory()
    client.get("/inloggen")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    before = client.get_cookie("session").value
    _login(client, user.email)
    after = client.get_cookie("session").value
    assert before != after
    with client.session_transaction() as session:
        assert "planted" not in session
    stranger = app.test_client()
    stranger.set_cookie("session", before, domain="localhost")
    assert not _logged_in(stranger)


def test_session_cookie_is_httponly_and_samesite_lax(client, no_csrf):
    user = factories.UserFactory()
    response = _login(client, user.email)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_logout_invalidates_a_copied_cookie(app, client, no_csrf):
    user = factories.UserFactory()
    _login(client, user.email)
    copied = client.get_cookie("session").value
    client.post("/uitloggen")
    thief = app.test_client()
    thief.set_cookie("session", copied, domain="localhost")
    response = thief.get("/account")
    assert response.status_code == 302
    assert "/inloggen" in response.location


def test_successful_and_failed_login_are_audited_without_the_password(client, no_csrf):
    user = factories.UserFactory()
    _login(client, user.email, "Fout-wachtwoord-geheim")
    _login(client, user.email)
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "accounts.login")).all()
    assert [(e.outcome, e.actor_id) for e in events] == [
        (AuditOutcome.REFUSED, user.id),
        (AuditOutcome.ALLOWED, user.id),
    ]
    assert all(e.ip == "127.0.0.1" for e in events)
    for event in db.session.scalars(sa.select(AuditEvent)):
        assert "Fout-wachtwoord-geheim" not in str(event.detail)
        assert factories.PASSWORD not in str(event.detail)


def test_refused_access_is_audited(client, auth):
    provider = auth.as_role(Role.PROVIDER_ADMIN)
    assert client.get("/beheer/gebruikers").status_code == 403
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "admin.manage_users")).one()
    assert (event.outcome, event.actor_id, event.organisation_id) == (
        AuditOutcome.REFUSED,
        provider.id,
        provider.organisation_id,
    )


# --- time-outs --------------------------------------------------------------------------------------------


def test_idle_session_ends_after_30_minutes_with_a_message(client, auth):
    with time_machine.travel(START, tick=False) as traveller:
        auth.login(factories.UserFactory())
        traveller.shift(timedelta(minutes=29))
        assert _logged_in(client)
        traveller.shift(timedelta(minutes=29))
        assert _logged_in(client), "activity resets the idle clock"
        traveller.shift(timedelta(minutes=31))
        response = client.get("/account")
        assert response.status_code == 302
        assert "/inloggen" in response.location
        assert "U was te lang niet actief" in _text(client.get(response.location))
        assert not _logged_in(client)


def test_session_ends_after_12_hours_even_when_active(client, auth):
    with time_machine.travel(START, tick=False) as traveller:
        auth.login(factories.UserFactory())
        for _ in range(24):  # active every 25 minutes, for 10 hours
            traveller.shift(timedelta(minutes=25))
            assert _logged_in(client)
        traveller.shift(timedelta(hours=2, minutes=1))
        with client.session_transaction() as session:
            session[sessions.SESSION_SEEN] = datetime.now(UTC).timestamp()  # not idle: only the 12 h count
        response = client.get("/account")
        assert response.status_code == 302
        assert "Uw sessie is na 12 uur verlopen" in _text(client.get(response.location))


# --- passwords ----------------------------------------------------------------------------------------------


def test_password_reset_end_to_end_ends_every_session(app, client, no_csrf, smtp_server):
    user = factories.UserFactory()
    other_device = app.test_client()
    _login(other_device, user.email)
    client.post("/wachtwoord-vergeten", data={"email": user.email})
    link = link_in(smtp_server.body_of(smtp_server.messages[0]), "/wachtwoord-herstellen/")
    assert client.get(link).status_code == 200
    weak = client.post(link, data={"password": "kort", "confirm": "kort"})
    assert weak.status_code == 422
    assert "minstens 12 tekens" in _text(weak)
    response = client.post(link, data={"password": "Mijn-nieuwe-zin-2026", "confirm": "Mijn-nieuwe-zin-2026"})
    assert response.status_code == 302
    assert "/inloggen" in response.location
    assert not _logged_in(other_device)
    assert (
        client.post(
            link, data={"password": "Nog-een-keer-2026!", "confirm": "Nog-een-keer-2026!"}
        ).status_code
        == 400
    )
    assert _login(client, user.email).status_code == 422
    assert _login(client, user.email, "Mijn-nieuwe-zin-2026").status_code == 302
    db.session.refresh(user)
    assert user.password_changed_at is not None
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "accounts.reset_password"))


def test_reset_link_expires_after_an_hour(client, no_csrf, smtp_server):
    user = factories.UserFactory()
    with time_machine.travel(START, tick=False) as traveller:
        client.post("/wachtwoord-vergeten", data={"email": user.email})
        link = link_in(smtp_server.body_of(smtp_server.messages[0]), "/wachtwoord-herstellen/")
        traveller.shift(timedelta(hours=1, seconds=1))
        response = client.get(link)
    assert response.status_code == 400
    assert "Deze link is verlopen" in _text(response)
    assert "/wachtwoord-vergeten" in _text(response)


def test_password_change_ends_other_sessions_and_keeps_this_one(app, client, no_csrf):
    user = factories.UserFactory()
    _login(client, user.email)
    other_device = app.test_client()
    _login(other_device, user.email)
    wrong = client.post(
        "/account/wachtwoord",
        data={"current_password": "fout", "password": "Een-nieuwe-zin-1", "confirm": "Een-nieuwe-zin-1"},
    )
    assert wrong.status_code == 422
    assert "Dit is niet uw huidige wachtwoord." in _text(wrong)
    assert _logged_in(other_device)
    response = client.post(
        "/account/wachtwoord",
        data={
            "current_password": factories.PASSWORD,
            "password": "Een-nieuwe-zin-1",
            "confirm": "Een-nieuwe-zin-1",
        },
    )
    assert response.status_code == 302
    assert _logged_in(client)
    assert not _logged_in(other_device)


# --- the own account ------------------------------------------------------------------------------------------


def test_profile_shows_email_and_roles_and_saves_the_language(client, auth, no_csrf):
    user = auth.as_role(Role.BUYER)
    page = _text(client.get("/account"))
    assert user.email in page
    assert "Inkoper" in page
    assert "/account/wachtwoord" in page
    response = client.post("/account", data={"name": "Nieuwe Naam", "locale": "en"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.name, user.locale) == ("Nieuwe Naam", "en")
    assert client.post("/account", data={"name": "X", "locale": "de"}).status_code == 422


def test_reset_link_points_to_the_configured_portal_even_with_a_forged_host_header(
    app, client, no_csrf, smtp_server, monkeypatch
):
    monkeypatch.setitem(app.config, "PORTAL_BASE_URL", "https://inkoop.example")
    user = factories.UserFactory()
    client.post("/wachtwoord-vergeten", data={"email": user.email}, headers={"Host": "evil.example"})
    body = smtp_server.body_of(smtp_server.messages[0])
    assert "https://inkoop.example/wachtwoord-herstellen/" in body
    assert "evil.example" not in body


def test_double_submitted_registration_stores_one_organisation_and_tells_the_account(
    client, no_csrf, smtp_server
):
    first = client.post("/aanmelden", data=registration_data())
    second = client.post("/aanmelden", data=registration_data())
    assert first.status_code == second.status_code == 302
    assert count(Organisation) == 1
    assert count(User) == 1
    assert [m["To"] for m in smtp_server.messages] == ["anne@zorgopmaat.example"] * 2
    assert "probeerde zojuist een organisatie aan te melden" in smtp_server.body_of(smtp_server.messages[1])


def test_registration_form_is_rate_limited_like_the_log_in(client, no_csrf):
    for _ in range(5):
        assert client.post("/aanmelden", data=registration_data(kvk_number="123")).status_code == 422
    response = client.post("/aanmelden", data=registration_data())
    assert response.status_code == 429
    assert "Te veel pogingen" in _text(response)
    assert count(Organisation) == 0
