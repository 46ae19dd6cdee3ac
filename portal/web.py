"""What every page shares: the response type, the acting user, load-or-404 with its permission
(access.get_or_404, re-exported), and a domain refusal shown on its form."""

from __future__ import annotations

from typing import Literal

import flask_login
from flask import flash
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import Field, FieldList, FormField

from portal.access import get_or_404
from portal.models import User
from portal.refusals import DomainRefusal

__all__ = ["DomainRefusal", "Page", "current_user", "get_or_404", "show_refusal"]

Page = Response | str | tuple[str, int]


def current_user() -> User:
    """The logged-in user as the model object (routes behind access.guard/require only)."""
    user: User = flask_login.current_user._get_current_object()  # werkzeug's proxy
    return user


def show_refusal(
    form: FlaskForm,
    refusal: DomainRefusal,
    *,
    field: str | None = None,
    elsewhere: Literal["form", "flash"] = "form",
) -> None:
    """Put each message of `refusal` next to its field (`field` when the refusal names none); what
    belongs to no single field of this form goes to the form's own errors, or is flashed."""
    for name, message in refusal.by_field():
        target = getattr(form, name or field or "", None)
        if isinstance(target, Field) and not isinstance(target, FieldList | FormField):
            target.errors = [*target.errors, str(message)]
        elif elsewhere == "flash":
            flash(str(message), "error")
        else:
            form.form_errors.append(str(message))
