"""The authorization matrix: every route × every actor × own/other organisation.

Cases come from tests/<feature>/access_cases.py. A route of the app without a case fails the
suite: a new route must say who may use it.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import tests
from tests.access.cases import ACTORS, Case
from tests.access.world import build_world

IGNORED_ENDPOINTS = {"static"}


def _all_cases() -> list[Case]:
    cases: list[Case] = []
    for module in pkgutil.iter_modules(tests.__path__):
        if not module.ispkg:
            continue
        try:
            feature = importlib.import_module(f"tests.{module.name}.access_cases")
        except ModuleNotFoundError:
            continue
        cases.extend(feature.CASES)
    return cases


CASES = _all_cases()


def test_every_route_has_a_case(app):
    covered = {case.endpoint for case in CASES}
    routes = {rule.endpoint for rule in app.url_map.iter_rules()} - IGNORED_ENDPOINTS
    missing = sorted(routes - covered)
    assert missing == [], f"routes without an access case: {missing}"


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(
    "case", CASES, ids=lambda c: f"{c.method} {c.endpoint}{'-' + c.note if c.note else ''}"
)
def test_access(app, client, auth, no_csrf, case: Case, actor: str):
    world = build_world()
    if actor != "anonymous":
        auth.login(world.users[actor])
    url = case.url(world)
    headers = case.headers(world) if case.headers else None
    response = client.open(url, method=case.method, data=case.data, headers=headers)
    expected = case.expected(actor)
    location = response.headers.get("Location", "")
    if expected == "allowed":
        assert response.status_code not in (401, 403, 404), f"{actor} was refused {url}"
        assert "/inloggen" not in location or case.endpoint.startswith("accounts."), f"{actor} sent to log in"
    elif expected == "login":
        assert response.status_code == 302, (response.status_code, location)
        assert "/inloggen" in location
    elif expected == "not_found":
        assert response.status_code == 404, f"{actor} got {response.status_code} for {url}"
    else:
        assert response.status_code == 403, f"{actor} got {response.status_code} for {url}"
