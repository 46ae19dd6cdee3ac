"""The read-only API: every response checked against the OpenAPI document it serves; tokens created,
shown once, stored hashed, revoked; no token, a revoked one or too many calls refused."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
import sqlalchemy as sa

from portal import clock
from portal.api import tokens
from portal.extensions import db
from portal.models import ApiToken, Role
from tests import factories
from tests.opendata.helpers import Journey
from tests.standards.helpers import contracted

API = "/api/v1"


def _document(client) -> dict[str, Any]:
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def _operation(document: dict[str, Any], path: str) -> dict[str, Any]:
    for template, item in document["paths"].items():
        parts, actual = (
            template.strip("/").split("/"),
            path.split("?")[0].removeprefix(API).strip("/").split("/"),
        )
        if len(parts) == len(actual) and all(
            p.startswith("{") or p == a for p, a in zip(parts, actual, strict=True)
        ):
            return item["get"]
    raise AssertionError(f"{path} is not in the OpenAPI document")


def checked(client, path: str, token: str | None) -> tuple[int, Any]:
    """GET the path and validate the answer against the document's schema for its status and type."""
    document = _document(client)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.get(path, headers=headers)
    declared = _operation(document, path)["responses"].get(str(response.status_code))
    assert declared is not None, f"{response.status_code} of {path} is not documented"
    if "$ref" in declared:
        declared = document["components"]["responses"][declared["$ref"].rsplit("/", 1)[1]]
    [(mimetype, media)] = declared["content"].items()
    assert response.mimetype == mimetype
    schema = {**document, "$ref": media["schema"]["$ref"]}
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(
        response.get_json()
    )
    return response.status_code, response.get_json()


@pytest.fixture
def token(app) -> str:
    _row, value = tokens.create("Toegang Assen", by=factories.user_with_role(Role.ADMIN), now=clock.now())
    db.session.commit()
    return value


@pytest.fixture
def in_force(app) -> Journey:
    return contracted(app)


def test_the_openapi_document_holds_valid_json_schemas(client):
    document = _document(client)
    assert document["openapi"].startswith("3.")
    for schema in document["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_contracts_products_and_coverage_match_the_document(client, token, in_force):
    contracted = in_force
    status, body = checked(client, f"{API}/contracts", token)
    assert status == 200
    assert [c["number"] for c in body["contracts"]] == [contracted.agreement.number]
    kvk = contracted.admitted.kvk_number
    status, body = checked(client, f"{API}/providers/{kvk}/products", token)
    products = body["products"]
    assert len(products) == 2 * len(contracted.tender.municipalities)
    assert {(p["product_category"], p["product_code"], p["unit"]["code"]) for p in products} == {
        ("45", "45A01", "82")
    }
    _status, body = checked(client, f"{API}/providers/{contracted.rejected.kvk_number}/products", token)
    assert body["products"] == []  # not admitted: nothing contracted
    cbs = contracted.tender.municipalities[0].cbs_code
    _status, body = checked(client, f"{API}/coverage?municipality={cbs}", token)
    assert [(c["result_code"], c["level"], c["providers"]) for c in body["coverage"]] == [
        ("R1", 4, 1),
        ("R1", 5, 1),
    ]


def test_without_a_valid_token_or_with_bad_input_the_answer_is_a_documented_problem(client, token):
    assert checked(client, f"{API}/contracts", None)[0] == 401
    assert checked(client, f"{API}/contracts", "nmd_geraden")[0] == 401
    assert checked(client, f"{API}/providers/123/products", token)[0] == 400
    assert checked(client, f"{API}/coverage?municipality=Assen", token)[0] == 400


def test_a_revoked_token_is_refused(client, token):
    row = db.session.scalar(sa.select(ApiToken))
    assert client.get(f"{API}/contracts", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    tokens.revoke(row, by=factories.user_with_role(Role.ADMIN), now=clock.now())
    db.session.commit()
    assert checked(client, f"{API}/contracts", token)[0] == 401


def test_calls_are_limited_per_token(client, token):
    statuses = [
        client.get(f"{API}/contracts", headers={"Authorization": f"Bearer {token}"}).status_code
        for _ in range(121)
    ]
    assert statuses[:120] == [200] * 120
    assert checked(client, f"{API}/contracts", token)[0] == 429


def test_admin_creates_a_token_shown_once_and_stored_hashed_then_revokes_it(client, auth, no_csrf):
    auth.login(factories.user_with_role(Role.ADMIN))
    page = client.post("/beheer/api-sleutels/nieuw", data={"name": "Declaraties Tynaarlo"}).text
    token = page.split('class="nmd-token">', 1)[1].split("<", 1)[0]
    row = db.session.scalar(sa.select(ApiToken))
    assert row.token_hash == tokens.digest(token)
    assert token not in row.token_hash
    assert token not in client.get("/beheer/api-sleutels").text  # shown once
    assert client.get(f"{API}/contracts", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert client.post(f"/beheer/api-sleutels/{row.id}/intrekken").status_code == 302
    assert client.get(f"{API}/contracts", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert client.post("/beheer/api-sleutels/nieuw", data={"name": ""}).status_code == 422
