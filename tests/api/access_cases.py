"""The API: its OpenAPI document is public; every other route answers whoever holds a valid system
token, whatever the (cookie) user - the token is the system's right, not a person's. Without a token:
401 (tests/api/test_api.py). The admin's token pages are for the functional administrator only."""

from tests.access.cases import EVERYONE, Case

ADMIN = frozenset({"admin"})


def _token(world) -> dict[str, str]:
    from portal import clock
    from portal.api import tokens

    _row, token = tokens.create("Toegangssysteem", by=world.users["admin"], now=clock.now())
    return {"Authorization": f"Bearer {token}"}


CASES = [
    Case("api.openapi", lambda w: "/api/v1/openapi.json", EVERYONE),
    Case("api.contracts", lambda w: "/api/v1/contracts", EVERYONE, headers=_token),
    Case("api.coverage", lambda w: "/api/v1/coverage", EVERYONE, headers=_token),
    Case(
        "api.provider_products",
        lambda w: f"/api/v1/providers/{w.own_org.kvk_number}/products",
        EVERYONE,
        headers=_token,
    ),
    Case("api.tokens_page", lambda w: "/beheer/api-sleutels", ADMIN),
    Case(
        "api.create_token",
        lambda w: "/beheer/api-sleutels/nieuw",
        ADMIN,
        method="POST",
        data={"name": "Declaratiesysteem"},
    ),
    Case(
        "api.revoke_token", lambda w: f"/beheer/api-sleutels/{w.api_token.id}/intrekken", ADMIN, method="POST"
    ),
]
