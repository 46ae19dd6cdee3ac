"""Issue 12, point 3: what a text field, a filter and a URL accept (portal/fields.py, portal/converters.py).

Every form of the portal is walked: a text field without the shared single-line or multi-line rule
fails here. Every route is walked with a 30-digit id and a NUL, and every page with hostile filters,
as staff and as a provider: 400/404/422 are fine, a 500 never.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
import sqlalchemy as sa
from flask import Flask
from wtforms import Form, PasswordField, StringField, TextAreaField
from wtforms.fields import FormField

import portal
from portal.extensions import db
from portal.fields import MultiLine, SingleLine, is_multi_line, is_single_line, record_id
from portal.models import Role
from tests import factories
from tests.test_access_matrix import CASES

HUGE = "9" * 30
SINGLE_LINE_MESSAGE = "Dit veld mag geen regeleinden, tabs of onzichtbare stuurtekens bevatten."
MULTI_LINE_MESSAGE = "Deze tekst bevat een onzichtbaar stuurteken (zoals een nul-teken). Haal het weg."
REFUSED_IN_ONE_LINE = ["\r", "\n", "\x00", "\t", "\x1b", "\x7f", "\x85", "\u2028", "\u202e", "\u2067"]


# --- the rule itself ------------------------------------------------------------------------------


@pytest.mark.parametrize("character", REFUSED_IN_ONE_LINE)
def test_a_single_line_refuses_controls_line_breaks_and_bidi_overrides(character):
    assert not is_single_line(f"Zorg{character}B.V.")


@pytest.mark.parametrize("value", ["Zorg & Co B.V.", "Ærø Ĳsselmonde", "'s-Hertogenbosch", "عيادة", ""])
def test_a_single_line_accepts_ordinary_names_in_any_script(value):
    assert is_single_line(value)


def test_a_multi_line_text_keeps_line_breaks_and_tabs_but_refuses_nul_and_other_controls():
    assert is_multi_line("Eerste regel\r\nTweede\tregel")
    assert not is_multi_line("antwoord\x00")
    assert not is_multi_line("antwoord\x0b")


@pytest.mark.parametrize("value", [HUGE, "-1", "2147483648", "x", ""])
def test_a_record_id_is_a_number_the_database_holds(value):
    with pytest.raises(ValueError):
        record_id(value)
    assert record_id("2147483647") == 2**31 - 1


# --- every form -----------------------------------------------------------------------------------


def _portal_forms() -> list[type[Form]]:
    for module in pkgutil.walk_packages(portal.__path__, "portal."):
        importlib.import_module(module.name)
    found, todo = [], list(Form.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("portal."):
            found.append(cls)
    return sorted(set(found), key=lambda cls: f"{cls.__module__}.{cls.__name__}")


def _text_fields(form: Form, path: str = ""):  # type: ignore[no-untyped-def]
    for field in form:
        if isinstance(field, FormField):
            yield from _text_fields(field.form, f"{path}{field.name}.")
        elif hasattr(field, "entries"):  # FieldList
            for entry in field.entries:
                if isinstance(entry, FormField):
                    yield from _text_fields(entry.form, f"{path}{entry.name}.")
        elif isinstance(field, StringField) and not isinstance(field, PasswordField):
            yield f"{path}{field.name}", field


def test_every_text_field_of_every_form_carries_the_shared_rule_first(app: Flask):
    """A password is exempt: it is hashed, never stored, shown or sent, and any character may be in it."""
    forms = _portal_forms()
    assert len(forms) > 30, "the walk found the forms"
    missing = []
    with app.test_request_context():
        for cls in forms:
            form = cls(formdata=None, meta={"csrf": False})
            for name, field in _text_fields(form):
                wanted = MultiLine if isinstance(field, TextAreaField) else SingleLine
                if not field.validators or not isinstance(field.validators[0], wanted):
                    missing.append(f"{cls.__module__}.{cls.__name__}.{name} needs {wanted.__name__}() first")
    assert missing == []


# --- every URL ------------------------------------------------------------------------------------

ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def _hostile_urls(app: Flask) -> list[tuple[str, str]]:
    """Per rule and method: every int argument 30 digits long, and every other argument a NUL."""
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


def _staff():  # type: ignore[no-untyped-def]
    roles = [Role.BUYER, Role.ASSESSOR, Role.CONTRACT_MANAGER, Role.ADMIN, Role.VIEWER]
    return factories.UserFactory(roles=roles, organisation=None)


def _provider():  # type: ignore[no-untyped-def]
    return factories.user_with_role(Role.PROVIDER_ADMIN)


def _server_errors(client, requests) -> list[str]:  # type: ignore[no-untyped-def]
    failures = []
    for method, url in requests:
        try:
            status = client.open(url, method=method).status_code
        except Exception as error:  # the test client re-raises what would have been a 500
            db.session.rollback()
            failures.append(f"{method} {url}: {type(error).__name__}: {str(error)[:120]}")
            continue
        if status >= 500:
            failures.append(f"{method} {url}: {status}")
    return failures


@pytest.mark.parametrize("make_user", [_staff, _provider], ids=["staff", "provider"])
def test_a_30_digit_id_or_a_nul_in_any_url_is_never_a_server_error(app, client, auth, no_csrf, make_user):
    requests = _hostile_urls(app)
    assert any(HUGE in url for _method, url in requests) and any("%00" in url for _m, url in requests)
    auth.login(make_user())
    assert _server_errors(client, requests) == []


def test_a_30_digit_id_in_a_url_is_not_found(client, auth):
    auth.login(_staff())
    assert client.get(f"/inkooptrajecten/beheer/{HUGE}").status_code == 404


# --- every page with hostile filters ---------------------------------------------------------------

HOSTILE_QUERY = (
    f"?q=a%00b&action=a%00b&lot=a%0d%0ab&result=%00&provider=%e2%80%ae&status=%00&tender={HUGE}"
    f"&municipality=%00&level={HUGE}&outcome=%00&kind=%00&role=%00&pagina={HUGE}&perceel={HUGE}"
    "&next=%00&kvk=%00&format=%00"
)


@pytest.mark.parametrize("actor", ["buyer", "contract_manager", "admin", "provider_admin"])
def test_hostile_filters_on_every_page_are_never_a_server_error(client, auth, actor):
    from tests.access.world import build_world

    world = build_world()
    auth.login(world.users[actor])
    pages = sorted({case.url(world) for case in CASES if case.method == "GET"})
    requests = [("GET", url + ("&" if "?" in url else "?") + HOSTILE_QUERY[1:]) for url in pages]
    assert _server_errors(client, requests) == []


def test_a_nul_in_the_user_search_is_refused_next_to_the_box_and_the_list_stays_whole(client, auth):
    admin = auth.as_role(Role.ADMIN)
    response = client.get("/beheer/gebruikers?q=an%00ne")
    assert response.status_code == 200
    assert 'id="q-error"' in response.text and SINGLE_LINE_MESSAGE in response.text
    assert admin.email in response.text, "the refused filter is ignored, not applied"


def test_a_line_break_in_the_audit_filter_is_refused_next_to_the_box(client, auth):
    auth.as_role(Role.ADMIN)
    response = client.get(f"/beheer/audit?action=accounts%0d%0aX&pagina={HUGE}")
    assert response.status_code == 200
    assert 'id="action-error"' in response.text and SINGLE_LINE_MESSAGE in response.text


# --- real forms refuse and store nothing ------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("organisation_name", "Zorg op Maat\r\nArtikel 99"),
        ("organisation_name", "Zorg\u202eV.B tseB"),
        ("signatory_function", "Directeur\x00"),
        ("kvk_number", "1234\n5678"),
        ("email", "anne@zorgopmaat.example\r\nBcc: x@example.org"),
    ],
)
def test_registration_refuses_control_characters_next_to_the_field_and_stores_nothing(
    client, no_csrf, field, value
):
    from portal.models import Organisation, User
    from tests.accounts.helpers import count, registration_data

    before = count(Organisation), count(User)
    response = client.post("/aanmelden", data=registration_data(**{field: value}))
    assert response.status_code == 422
    error = re.search(rf'<div[^>]*id="{field}-error"[^>]*>(.*?)</div>', response.text, re.S)
    assert error and SINGLE_LINE_MESSAGE in error.group(1)
    assert (count(Organisation), count(User)) == before


def test_a_tender_title_with_a_bidi_override_is_refused_and_not_created(client, auth, no_csrf):
    from portal.models import Tender

    auth.as_role(Role.BUYER)
    response = client.post("/inkooptrajecten/beheer/nieuw", data={
        "reference": "NMD-2028-BIDI", "title": "Jeugd \u202e8202", "procedure": "tender", "law": "jeugdwet",
        "term_months": 36, "extension_count": 0, "extension_months": 12,
    })  # fmt: skip
    assert response.status_code == 422
    assert 'id="title-error"' in response.text and SINGLE_LINE_MESSAGE in response.text
    assert db.session.scalar(sa.select(Tender).where(Tender.reference == "NMD-2028-BIDI")) is None


def test_a_bid_answer_with_a_nul_is_refused_and_the_saved_answer_is_kept(client, auth, no_csrf):
    from portal import clock
    from portal.bids import service
    from portal.models import CriterionAnswer

    provider = _provider()
    tender = factories.tender_with_matrix(results=1, levels=(4,), municipalities=1, lots=1)
    criterion = factories.AwardCriterionFactory(tender=tender)
    bid = service.start_bid(tender, provider.organisation, provider, now=clock.now())
    service.save_criterion_answer(bid, criterion, "Wij luisteren eerst.", version=0, user=provider, now=clock.now())
    db.session.commit()
    auth.login(provider)
    response = client.post(
        f"/inschrijvingen/{bid.id}/criteria/{criterion.id}",
        data={f"c{criterion.id}-version": "1", f"c{criterion.id}-text": "Nieuw\x00antwoord"},
    )
    assert response.status_code == 422
    assert MULTI_LINE_MESSAGE in response.text
    db.session.expire_all()
    answer = db.session.scalar(sa.select(CriterionAnswer).where(CriterionAnswer.bid_id == bid.id))
    assert (answer.text, answer.version) == ("Wij luisteren eerst.", 1)
