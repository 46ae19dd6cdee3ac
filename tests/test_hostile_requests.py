"""Issue 12, point 3: a NUL or a 30-digit number in a URL, a filter or a form is never a 500.

Every route of the url_map is walked with a 30-digit id and a NUL (portal/converters.py), every page
of the access matrix with hostile filters, and every POST route with hostile values in every field
a portal form has, as staff and as a provider. 400/404/422 are fine, a 500 never.
A refused filter is ignored and its message shown next to the box (portal/fields.py: filter_value).
"""

from __future__ import annotations

import re

import pytest
from flask import Flask

from portal.extensions import db
from portal.models import Role
from tests import factories
from tests.access.world import build_world
from tests.test_access_matrix import CASES
from tests.test_input_rules import SINGLE_LINE_MESSAGE, every_field

HUGE = "9" * 30
ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
HOSTILE_QUERY = (
    f"q=a%00b&action=a%00b&lot=a%0d%0ab&result=%00&provider=%e2%80%ae&status=%00&tender={HUGE}"
    f"&municipality=%00&level={HUGE}&outcome=%00&kind=%00&role=%00&pagina={HUGE}&perceel={HUGE}"
    "&next=%00&kvk=%00&format=%00"
)


def _hostile_urls(app: Flask) -> list[tuple[str, str]]:
    """Per rule and method: every int argument 30 digits long; and every other argument with a NUL."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        converters = [m.group(1) or "default" for m in ARGUMENT.finditer(rule.rule)]
        variants = []
        if "int" in converters:
            variants.append(ARGUMENT.sub(lambda m: HUGE if m.group(1) == "int" else "x", rule.rule))
        if any(c != "int" for c in converters):
            variants.append(ARGUMENT.sub(lambda m: "1" if m.group(1) == "int" else "a%00b", rule.rule))
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            urls.extend((method, url) for url in variants)
    return urls


def _staff():
    roles = [Role.BUYER, Role.ASSESSOR, Role.CONTRACT_MANAGER, Role.ADMIN, Role.VIEWER]
    return factories.UserFactory(roles=roles, organisation=None)


def _provider():
    return factories.user_with_role(Role.PROVIDER_ADMIN)


def _server_errors(auth, user, requests, data=None) -> list[str]:
    """Each request as `user`, logged in again each time (one of the routes logs out)."""
    failures = []
    for method, url in requests:
        auth.login(user)
        try:
            status = auth.client.open(url, method=method, data=data).status_code
        except Exception as error:  # the test client re-raises what would have been a 500
            db.session.rollback()
            failures.append(f"{method} {url}: {type(error).__name__}: {str(error)[:160]}")
            continue
        if status >= 500:
            failures.append(f"{method} {url}: {status}")
    return failures


# --- every URL ------------------------------------------------------------------------------------


@pytest.mark.parametrize("make_user", [_staff, _provider], ids=["staff", "provider"])
def test_a_30_digit_id_or_a_nul_in_any_url_is_never_a_server_error(app, auth, no_csrf, make_user):
    requests = _hostile_urls(app)
    assert any(HUGE in url for _method, url in requests)
    assert any("%00" in url for _method, url in requests)
    assert _server_errors(auth, make_user(), requests) == []


def test_a_30_digit_id_in_a_url_is_not_found(client, auth):
    auth.login(_staff())
    assert client.get(f"/inkooptrajecten/beheer/{HUGE}").status_code == 404
    assert client.get("/inkooptrajecten/beheer/2147483648").status_code == 404


# --- every page with hostile filters, every POST with hostile fields -------------------------------


@pytest.mark.parametrize("actor", ["buyer", "contract_manager", "admin", "provider_admin"])
def test_hostile_filters_on_every_page_are_never_a_server_error(auth, actor):
    world = build_world()
    pages = sorted({case.url(world) for case in CASES if case.method == "GET"})
    requests = [("GET", url + ("&" if "?" in url else "?") + HOSTILE_QUERY) for url in pages]
    assert _server_errors(auth, world.users[actor], requests) == []


@pytest.mark.parametrize("value", [HUGE, "a\x00b", "sNaN"], ids=["30 digits", "NUL", "sNaN"])
@pytest.mark.parametrize("actor", ["buyer", "assessor", "contract_manager", "admin", "provider_admin"])
def test_hostile_values_in_every_field_of_every_post_are_never_a_server_error(
    app, auth, no_csrf, actor, value
):
    world = build_world()
    names = {name.rsplit(".", 1)[-1] for name, _field in every_field(app)}
    data = dict.fromkeys(names, value) | {"keuze": f"{value}:{value}"}
    requests = [("POST", case.url(world)) for case in CASES if case.method == "POST"]
    assert _server_errors(auth, world.users[actor], requests, data) == []


def test_a_30_digit_assessment_round_is_refused_not_looked_up(client, auth, no_csrf):
    world = build_world()
    auth.login(world.users["buyer"])
    response = client.post(f"/beoordeling/beheer/{world.tender.id}/openen", data={"window": HUGE})
    assert response.status_code < 500


# --- filters: ignored with a message next to the box -----------------------------------------------


def test_a_nul_in_the_user_search_is_refused_next_to_the_box_and_the_list_stays_whole(client, auth):
    admin = auth.as_role(Role.ADMIN)
    response = client.get("/beheer/gebruikers?q=an%00ne")
    assert response.status_code == 200
    assert 'id="q-error"' in response.text
    assert SINGLE_LINE_MESSAGE in response.text
    assert admin.email in response.text, "the refused filter is ignored, not applied"


def test_a_line_break_in_the_audit_filter_is_refused_next_to_the_box(client, auth):
    auth.as_role(Role.ADMIN)
    response = client.get(f"/beheer/audit?action=accounts%0d%0aX&pagina={HUGE}")
    assert response.status_code == 200
    assert 'id="action-error"' in response.text
    assert SINGLE_LINE_MESSAGE in response.text


def test_a_bidi_override_in_the_register_filter_is_refused_and_the_export_links_keep_only_filters(
    client, auth
):
    auth.as_role(Role.CONTRACT_MANAGER)
    response = client.get("/overeenkomsten/register?provider=Zorg%e2%80%aeB.V.&format=bogus&lot=Jeugd")
    assert response.status_code == 200
    assert 'id="provider-error"' in response.text
    assert "format=bogus" not in response.text
    assert "lot=Jeugd" in response.text
