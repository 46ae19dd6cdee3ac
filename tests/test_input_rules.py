"""Issue 12, point 3: what a text or number field accepts (portal/fields.py).

Every form of the portal is walked: a text field without the shared single-line or multi-line rule,
or a number field without a bound, fails here. tests/test_hostile_requests.py walks every route.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
import sqlalchemy as sa
from flask import Flask
from wtforms import DecimalField, FieldList, Form, IntegerField, PasswordField, StringField, TextAreaField
from wtforms.fields import FormField, SelectFieldBase
from wtforms.validators import NumberRange

import portal
from portal.extensions import db
from portal.fields import (
    MAX_ID,
    MultiLine,
    NumberBetween,
    SingleLine,
    is_multi_line,
    is_single_line,
    record_id,
)
from portal.models import Role
from tests import factories

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
    with pytest.raises(ValueError, match=r"not a record id|invalid literal"):
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


def _fields(form: Form, path: str = ""):
    """(dotted name, field) of every field, inside FormFields and FieldLists too."""
    for field in form:
        if isinstance(field, FormField):
            yield from _fields(field.form, f"{path}{field.name}.")
        elif isinstance(field, FieldList):
            for entry in field.entries:
                yield from _fields(entry.form, f"{path}{entry.name}.") if isinstance(entry, FormField) else ()
        else:
            yield f"{path}{field.name}", field


def every_field(app: Flask):
    """(form.field name, field) of every form of the portal."""
    with app.test_request_context():
        for cls in _portal_forms():
            for name, field in _fields(cls(formdata=None, meta={"csrf": False})):
                yield f"{cls.__module__}.{cls.__name__}.{name}", field


def test_every_text_field_of_every_form_carries_the_shared_rule_first(app: Flask):
    """A password is exempt: it is hashed, never stored, shown or sent, and any character may be in it."""
    assert len(_portal_forms()) > 30, "the walk found the forms"
    missing = []
    for name, field in every_field(app):
        if not isinstance(field, StringField) or isinstance(field, PasswordField):
            continue
        wanted = MultiLine if isinstance(field, TextAreaField) else SingleLine
        if not field.validators or not isinstance(field.validators[0], wanted):
            missing.append(f"{name} needs {wanted.__name__}() first")
    assert missing == []


def test_every_number_field_of_every_form_holds_to_what_the_database_stores(app: Flask):
    """An id chosen from a list is a `record_id`; a typed number has a maximum; a decimal is finite."""
    missing = []
    for name, field in every_field(app):
        if isinstance(field, SelectFieldBase) and getattr(field, "coerce", None) is int:
            missing.append(f"{name}: coerce=record_id, not int")
        if isinstance(field, IntegerField):
            ranges = [v for v in field.validators if isinstance(v, NumberRange) and v.max is not None]
            if not ranges or ranges[0].max > MAX_ID:
                missing.append(f"{name}: needs a NumberRange with a maximum (fields.whole_number)")
        if isinstance(field, DecimalField) and not any(
            isinstance(v, NumberBetween) for v in field.validators
        ):
            missing.append(f"{name}: needs NumberBetween (finite, with a maximum)")
    assert missing == []


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
    assert error is not None
    assert SINGLE_LINE_MESSAGE in error.group(1)
    assert (count(Organisation), count(User)) == before


def test_a_tender_title_with_a_bidi_override_is_refused_and_not_created(client, auth, no_csrf):
    from portal.models import Tender

    auth.as_role(Role.BUYER)
    data = {"reference": "NMD-2028-BIDI", "title": "Jeugd \u202e8202", "procedure": "tender", "law": "wmo"}
    response = client.post(
        "/inkooptrajecten/beheer/nieuw",
        data=data | {"term_months": 36, "extension_count": 0, "extension_months": 12},
    )
    assert response.status_code == 422
    assert 'id="title-error"' in response.text
    assert SINGLE_LINE_MESSAGE in response.text
    assert db.session.scalar(sa.select(Tender).where(Tender.reference == "NMD-2028-BIDI")) is None


def test_a_bid_answer_with_a_nul_is_refused_and_the_saved_answer_is_kept(client, auth, no_csrf):
    from portal import clock
    from portal.bids import service, versioned
    from portal.models import CriterionAnswer

    provider = factories.user_with_role(Role.PROVIDER_ADMIN)
    tender = factories.tender_with_matrix(results=1, levels=(4,), municipalities=1, lots=1)
    criterion = factories.AwardCriterionFactory(tender=tender)
    bid = service.start_bid(tender, provider.organisation, provider, now=clock.now())
    versioned.save_criterion_answer(
        bid, criterion, "Wij luisteren eerst.", version=0, user=provider, now=clock.now()
    )
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
