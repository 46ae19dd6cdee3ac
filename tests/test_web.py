"""portal/web.py and portal/refusals.py: one refusal base for every feature, one way to show it on a form."""

from __future__ import annotations

import pytest
from flask import Flask, get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import FieldList, StringField

from portal import uploads, web
from portal.accounts.rules import ActionRefused, FieldRefused
from portal.accounts.service import LoginRefused
from portal.agreements.rules import AgreementRefused
from portal.assessment.service import AssessmentRefused
from portal.bids.rules import BidRefused
from portal.refusals import DomainRefusal
from portal.tenders.rules import Problem
from portal.tenders.service import InvalidInput, TenderError


@pytest.mark.parametrize(
    "family",
    [
        TenderError,
        AgreementRefused,
        AssessmentRefused,
        BidRefused,
        uploads.UploadRefused,
        LoginRefused,
        ActionRefused,
    ],
)
def test_every_feature_refusal_is_a_domain_refusal(family: type[Exception]) -> None:
    refusal = family("Niet toegestaan.")
    assert isinstance(refusal, DomainRefusal)
    assert str(refusal) == "Niet toegestaan."
    assert refusal.message == "Niet toegestaan."


def test_field_refusal_keeps_its_field_first_signature() -> None:
    refusal = FieldRefused("email", "Vul een geldig e-mailadres in.")
    assert isinstance(refusal, DomainRefusal)
    assert (refusal.field, str(refusal)) == ("email", "Vul een geldig e-mailadres in.")


def test_upload_refusal_is_still_a_value_error() -> None:
    assert issubclass(uploads.UploadRefused, ValueError)


class _Form(FlaskForm):
    name = StringField()
    file = StringField()
    windows = FieldList(StringField(), min_entries=1)


def test_show_refusal_puts_each_message_next_to_its_field(app: Flask) -> None:
    with app.test_request_context(method="POST"):
        form = _Form(meta={"csrf": False})
        web.show_refusal(
            form, InvalidInput([Problem("name", "Naam ontbreekt."), Problem("windows", "Ronde fout.")])
        )
        web.show_refusal(form, DomainRefusal("Bestand geweigerd."), field="file")
        web.show_refusal(form, DomainRefusal("Helemaal fout."))
        assert form.name.errors == ["Naam ontbreekt."]
        assert form.file.errors == ["Bestand geweigerd."]
        assert form.form_errors == ["Ronde fout.", "Helemaal fout."]


def test_show_refusal_can_flash_what_belongs_to_no_field(app: Flask) -> None:
    with app.test_request_context(method="POST"):
        form = _Form(meta={"csrf": False})
        web.show_refusal(form, AssessmentRefused("Al besloten.", field="unknown"), elsewhere="flash")
        assert form.form_errors == []
        assert get_flashed_messages(with_categories=True) == [("error", "Al besloten.")]
