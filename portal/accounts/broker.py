"""Business log-in through an eHerkenning broker: OpenID Connect, authorization code flow with PKCE.

Authlib does the protocol: discovery, state, nonce and PKCE (S256) kept in the session, the code
exchanged for tokens, the ID token's signature checked against the broker's published keys, and its
issuer, audience, nonce and expiry. Here: the assurance level (EH1 ... EH4) and the claims read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import current_app
from flask_babel import lazy_gettext as _l
from joserfc.errors import JoseError
from requests import RequestException
from werkzeug.wrappers import Response

from portal.refusals import DomainRefusal

LEVELS = ("EH1", "EH2", "EH2+", "EH3", "EH4")
ACR_PREFIX = "urn:etoegang:core:assurance-class:"
_ACR_LEVEL = {"loa1": "EH1", "loa2": "EH2", "loa2plus": "EH2+", "loa3": "EH3", "loa4": "EH4"}


class BrokerFailed(DomainRefusal):
    """The broker's answer could not be trusted (state, signature, audience, nonce) or did not come."""


@dataclass(frozen=True)
class BrokerClaims:
    issuer: str
    subject: str
    kvk: str
    branch: str | None
    level: str | None


def level_of(acr: object) -> str | None:
    """EH level of the `acr` claim: the eTOEGANG URN (…:loa2plus) or the level's own name."""
    if not isinstance(acr, str):
        return None
    return _ACR_LEVEL.get(acr.removeprefix(ACR_PREFIX)) or (acr if acr in LEVELS else None)


def acr_for(level: str) -> str:
    code = next(code for code, name in _ACR_LEVEL.items() if name == level)
    return ACR_PREFIX + code


def level_enough(level: str | None, minimum: str) -> bool:
    return level in LEVELS and LEVELS.index(level) >= LEVELS.index(minimum)


def configured() -> bool:
    return bool(current_app.config.get("EHERKENNING_ISSUER"))


def _client() -> Any:
    """The Authlib client of the configured broker (one registry per app and configuration)."""
    config = current_app.config
    key = (config["EHERKENNING_ISSUER"], config["EHERKENNING_CLIENT_ID"])
    clients = current_app.extensions.setdefault("eherkenning_clients", {})
    if key not in clients:
        registry = OAuth(current_app._get_current_object())  # type: ignore[attr-defined]  # werkzeug proxy
        clients[key] = registry.register(
            "eherkenning",
            client_id=config["EHERKENNING_CLIENT_ID"],
            client_secret=config["EHERKENNING_CLIENT_SECRET"],
            server_metadata_url=config["EHERKENNING_ISSUER"].rstrip("/")
            + "/.well-known/openid-configuration",
            client_kwargs={"scope": "openid", "code_challenge_method": "S256"},
        )
    return clients[key]


def start(redirect_uri: str) -> Response:
    """To the broker, asking for at least the configured level."""
    minimum = current_app.config["EHERKENNING_MIN_LEVEL"]
    response: Response = _client().authorize_redirect(redirect_uri, acr_values=acr_for(minimum))
    return response


def finish() -> BrokerClaims:
    """Back from the broker: the checked ID token's claims, or BrokerFailed."""
    client = _client()
    try:
        metadata = client.load_server_metadata()
        options = {
            "iss": {"essential": True, "values": [metadata["issuer"]]},
            "aud": {"essential": True, "values": [client.client_id]},
        }
        token = client.authorize_access_token(claims_options=options)
    except (OAuthError, JoseError, RequestException, KeyError, ValueError) as error:
        raise BrokerFailed(_l("Inloggen met eHerkenning is niet gelukt. Probeer het opnieuw.")) from error
    return _claims(token.get("userinfo") or {}, metadata["issuer"])


def _claims(userinfo: dict[str, Any], issuer: str) -> BrokerClaims:
    config = current_app.config
    kvk = str(userinfo.get(config["EHERKENNING_KVK_CLAIM"]) or "")
    if not userinfo.get("sub") or not kvk:
        raise BrokerFailed(_l("De eHerkenning-makelaar gaf geen KvK-nummer door. Probeer het opnieuw."))
    branch = userinfo.get(config["EHERKENNING_BRANCH_CLAIM"])
    return BrokerClaims(
        issuer, str(userinfo["sub"]), kvk, str(branch) if branch else None, level_of(userinfo.get("acr"))
    )
