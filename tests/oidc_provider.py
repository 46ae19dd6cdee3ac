"""A small but real OpenID Connect provider for the eHerkenning tests, served on 127.0.0.1.

It publishes its discovery document and its signing key (RS256, a key of its own per run), lets
the browser "authenticate" at once as `identity`, checks the client's secret, the redirect URI and
PKCE (S256) when the code is exchanged, and signs an ID token with the nonce it was given. `tamper`
changes claims of the next ID token (a wrong audience, nonce or issuer); `foreign_key` signs it
with a key the provider never published.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from typing import Any
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

KVK_CLAIM = "urn:etoegang:1.9:EntityConcernedID:KvKnr"
BRANCH_CLAIM = "urn:etoegang:1.9:ServiceRestriction:Vestigingsnr"
LOA2PLUS = "urn:etoegang:core:assurance-class:loa2plus"


class OidcProvider:
    client_id = "inkoopportaal"
    client_secret = "provider-test-secret"

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "broker-key"}, private=True)
        self.identity: dict[str, Any] = {"sub": "pseudoniem-1", KVK_CLAIM: "12345678", "acr": LOA2PLUS}
        self.tamper: dict[str, Any] = {}
        self.foreign_key = False
        self.codes: dict[str, dict[str, str]] = {}
        self.pkce_checked = 0
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        pages = {
            "/.well-known/openid-configuration": self._discovery,
            "/authorize": self._authorize,
            "/token": self._token,
            "/jwks": self._jwks,
        }
        page = pages.get(request.path)
        response = page(request) if page else Response("not found", status=404)
        return response(environ, start_response)

    def _discovery(self, _request: Request) -> Response:
        return _json(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            }
        )

    def _jwks(self, _request: Request) -> Response:
        return _json({"keys": [self.key.as_dict(private=False)]})

    def _authorize(self, request: Request) -> Response:
        args = request.args
        if args.get("client_id") != self.client_id or args.get("response_type") != "code":
            return Response("unknown client", status=400)
        if args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
            return Response("PKCE required", status=400)
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            k: args.get(k, "") for k in ("redirect_uri", "code_challenge", "nonce", "acr_values")
        }
        query = urlencode({"code": code, "state": args.get("state", "")})
        return Response(status=302, headers={"Location": f"{args['redirect_uri']}?{query}"})

    def _token(self, request: Request) -> Response:
        auth = request.authorization
        if auth is None or (auth.username, auth.password) != (self.client_id, self.client_secret):
            return _json({"error": "invalid_client"}, 401)
        grant = self.codes.pop(request.form.get("code", ""), None)  # a code works once
        if grant is None or request.form.get("redirect_uri") != grant["redirect_uri"]:
            return _json({"error": "invalid_grant"}, 400)
        verifier = request.form.get("code_verifier", "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
        if challenge != grant["code_challenge"]:
            return _json({"error": "invalid_grant", "error_description": "PKCE"}, 400)
        self.pkce_checked += 1
        return _json(
            {
                "access_token": secrets.token_urlsafe(16),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self._id_token(grant["nonce"]),
            }
        )

    def _id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + 300, "nonce": nonce}
        claims.update(self.identity)
        claims.update(self.tamper)
        key = (
            RSAKey.generate_key(2048, parameters={"kid": "broker-key"}, private=True)
            if self.foreign_key
            else self.key
        )
        return jwt.encode({"alg": "RS256", "kid": "broker-key"}, claims, key)


def _json(data: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, mimetype="application/json")
