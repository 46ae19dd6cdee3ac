"""Business log-in through an eHerkenning broker (issue 18), against a real OpenID Connect provider
served by the tests (tests/oidc_provider.py): discovery, PKCE, the ID token's signature, audience,
nonce and state checked; the assurance level; the organisation created at its first log-in."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEvent, BrokerIdentity, Organisation, Role, User
from tests import factories
from tests.oidc_provider import BRANCH_CLAIM, OidcProvider

DETAILS = {
    "organisation_name": "Zorg via eHerkenning B.V.",
    "agb_code": "",
    "street": "Brink 4",
    "postcode": "9401 HS",
    "city": "Assen",
    "signatory_name": "Sam Tekenbevoegd",
    "signatory_function": "Directeur",
    "name": "Eva Eigenaar",
    "email": "eva@zorg-via-eh.example",
}


@pytest.fixture
def provider(app, monkeypatch):
    server = OidcProvider()
    server.start()
    monkeypatch.setitem(app.config, "EHERKENNING_ISSUER", server.issuer)
    monkeypatch.setitem(app.config, "EHERKENNING_CLIENT_ID", server.client_id)
    monkeypatch.setitem(app.config, "EHERKENNING_CLIENT_SECRET", server.client_secret)
    yield server
    server.stop()


def _to_broker(client, provider, level: str = "loa2plus"):
    """The portal sends the browser to the broker (asking for `level`); it sends it back with a code."""
    start = client.get("/inloggen/eherkenning")
    assert start.status_code == 302
    location = start.headers["Location"]
    assert location.startswith(f"{provider.issuer}/authorize?")
    query = parse_qs(urlsplit(location).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["acr_values"] == [f"urn:etoegang:core:assurance-class:{level}"]
    back = urlsplit(httpx.get(location, follow_redirects=False).headers["location"])
    assert back.path == "/inloggen/eherkenning/terug"
    return back


def _through_broker(client, provider, level: str = "loa2plus"):
    back = _to_broker(client, provider, level)
    return client.get(f"{back.path}?{back.query}")


def _logged_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_a_new_organisation_confirms_its_details_at_the_first_log_in_and_goes_straight_in_after(
    client, no_csrf, provider
):
    provider.identity[BRANCH_CLAIM] = "000012345678"
    response = _through_broker(client, provider)
    assert provider.pkce_checked == 1
    assert response.headers["Location"].endswith("/inloggen/eherkenning/aanmelden")
    page = client.get("/inloggen/eherkenning/aanmelden").get_data(True)
    assert "12345678" in page
    assert "000012345678" in page
    assert not _logged_in(client)
    done = client.post("/inloggen/eherkenning/aanmelden", data=DETAILS)
    assert done.status_code == 302
    assert _logged_in(client)
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.kvk_number == "12345678"))
    assert organisation.name == "Zorg via eHerkenning B.V."
    user = db.session.scalar(sa.select(User).where(User.email == DETAILS["email"]))
    assert user.organisation_id == organisation.id
    assert user.roles == {Role.PROVIDER_ADMIN}
    identity = db.session.scalar(sa.select(BrokerIdentity))
    assert (identity.subject, identity.kvk_number, identity.branch_number) == (
        "pseudoniem-1",
        "12345678",
        "000012345678",
    )
    client.post("/uitloggen")
    again = _through_broker(client, provider)
    assert again.headers["Location"].endswith("/")
    assert _logged_in(client)
    assert "accounts.broker_login" in set(db.session.scalars(sa.select(AuditEvent.action)))


def test_details_are_checked_like_a_registration(client, no_csrf, provider):
    _through_broker(client, provider)
    refused = client.post("/inloggen/eherkenning/aanmelden", data={**DETAILS, "postcode": "12"})
    assert refused.status_code == 422
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Organisation.id)).where(Organisation.kvk_number == "12345678")
        )
        == 0
    )
    assert not _logged_in(client)


def test_a_level_below_the_minimum_is_refused_with_a_clear_message(client, provider):
    provider.identity["acr"] = "urn:etoegang:core:assurance-class:loa2"
    response = _through_broker(client, provider)
    assert response.status_code == 403
    assert "op niveau EH2. Voor het Inkoopportaal is minstens niveau EH2+ nodig" in response.get_data(True)
    assert not _logged_in(client)


def test_the_minimum_level_is_configurable(app, client, provider, monkeypatch):
    monkeypatch.setitem(app.config, "EHERKENNING_MIN_LEVEL", "EH3")
    response = _through_broker(client, provider, "loa3")  # asked for EH3; the broker gives EH2+
    assert response.status_code == 403
    assert "minstens niveau EH3" in response.get_data(True)


@pytest.mark.parametrize(
    "tamper",
    [{"aud": "een-andere-dienst"}, {"nonce": "een-andere-nonce"}, {"iss": "https://nep-makelaar.example"}],
    ids=["audience", "nonce", "issuer"],
)
def test_an_id_token_for_someone_else_is_refused(client, provider, tamper):
    provider.tamper = tamper
    response = _through_broker(client, provider)
    assert response.status_code == 403
    assert "Inloggen met eHerkenning is niet gelukt" in response.get_data(True)
    assert not _logged_in(client)


def test_an_id_token_signed_with_another_key_is_refused(client, provider):
    provider.foreign_key = True
    assert _through_broker(client, provider).status_code == 403
    assert not _logged_in(client)


def test_a_wrong_state_is_refused(client, provider):
    back = _to_broker(client, provider)
    query = parse_qs(back.query)
    response = client.get(f"{back.path}?code={query['code'][0]}&state=niet-de-goede")
    assert response.status_code == 403
    assert not _logged_in(client)
    assert provider.pkce_checked == 0  # the code was never exchanged


def test_a_known_organisation_with_a_person_new_to_eherkenning_is_sent_to_the_password(client, provider):
    factories.OrganisationFactory(kvk_number="12345678")
    response = _through_broker(client, provider)
    assert response.status_code == 403
    assert "Log in met uw e-mailadres en wachtwoord" in response.get_data(True)


def test_without_a_broker_the_password_log_in_stays_and_eherkenning_is_not_offered(client):
    assert "eHerkenning" not in client.get("/inloggen").get_data(True)
    assert client.get("/inloggen/eherkenning").headers["Location"].endswith("/inloggen")


def test_with_a_broker_the_log_in_page_offers_it(client, provider):
    assert "Inloggen met eHerkenning" in client.get("/inloggen").get_data(True)
