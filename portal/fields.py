"""What typed text and numbers may contain: the one rule every form, filter and URL shares (issue 12).

A single-line field (a name, title, e-mail address, function, KvK number, search or filter box) takes
no line break, tab, NUL, other C0/C1 control or invisible bidirectional control: such a value would
become structure elsewhere (a mail header, a log line, a heading) or show something else than it says.
A multi-line field (a motivation, an answer) keeps its line breaks and tabs but takes no NUL or other
C0 control (PostgreSQL refuses NUL in text; spreadsheets and XML refuse the others).

Each text field lists `SingleLine()` or `MultiLine()` first among its validators, so the refusal stops
the chain (`Optional()` can then not wipe it) and is shown next to the field; tests/test_input_rules.py
walks every form of the portal and fails when a text field has neither.
Numbers that become record ids are held to the database's integer range (`record_id`); typed numbers
have a bounded, finite range (`NumberBetween`, `whole_number`).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.validators import NumberRange, StopValidation, ValidationError

MAX_ID = 2**31 - 1  # PostgreSQL `integer`, the type of every id and version column

SINGLE_LINE_REFUSED = re.compile(
    "[\x00-\x1f\x7f-\x9f"  # C0 controls (NUL, TAB, LF, CR, ...), DEL and the C1 controls
    "\u061c\u200e\u200f"  # bidirectional marks (Arabic letter mark, left-to-right, right-to-left)
    "\u202a-\u202e\u2066-\u2069"  # bidirectional embeddings, overrides and isolates
    "\u2028\u2029]"  # Unicode line and paragraph separators
)
MULTI_LINE_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # C0 controls except TAB, LF and CR

SINGLE_LINE_MESSAGE = _l("Dit veld mag geen regeleinden, tabs of onzichtbare stuurtekens bevatten.")
NUMBER_MESSAGE = _l("Vul een getal in van %(min)s tot en met %(max)s.")
MULTI_LINE_MESSAGE = _l("Deze tekst bevat een onzichtbaar stuurteken (zoals een nul-teken). Haal het weg.")


def is_single_line(value: str) -> bool:
    return SINGLE_LINE_REFUSED.search(value) is None


def is_multi_line(value: str) -> bool:
    return MULTI_LINE_REFUSED.search(value) is None


class SingleLine:
    """Refuses control and bidirectional characters; first in the validators of every single-line field."""

    field_flags: dict[str, Any] = {}

    def __call__(self, form: Any, field: Field) -> None:
        if isinstance(field.data, str) and not is_single_line(field.data):
            raise StopValidation(str(SINGLE_LINE_MESSAGE))


class MultiLine:
    """Refuses NUL and the other C0 controls, keeps line breaks and tabs; first in every text area."""

    field_flags: dict[str, Any] = {}

    def __call__(self, form: Any, field: Field) -> None:
        if isinstance(field.data, str) and not is_multi_line(field.data):
            raise StopValidation(str(MULTI_LINE_MESSAGE))


class FilterForm(FlaskForm):
    """The base of a list page's filter boxes: read from the query string (GET), so no CSRF token."""

    class Meta:
        csrf = False  # a GET filter changes nothing


def filter_value(field: Field) -> str:
    """A GET filter's value, or "" when the field refused it (the refusal shows next to the box)."""
    return "" if field.errors or not isinstance(field.data, str) else field.data


def record_id(value: object) -> int:
    """`coerce=` for choices and `type=` for query arguments that name a record: a number the database holds.

    Raises ValueError (which WTForms and `request.args.get(type=...)` turn into a refusal or the
    default) for anything else, so a 30-digit id never reaches a query.
    """
    number = int(value)  # type: ignore[call-overload]  # str or int from a form; ValueError otherwise
    if not 0 <= number <= MAX_ID:
        raise ValueError(f"not a record id: {number}")
    return number


class NumberBetween(NumberRange):
    """NumberRange that also refuses NaN and the infinities (`Decimal("sNaN")` made NumberRange raise)."""

    def __init__(self, minimum: float | int, maximum: float | int) -> None:
        super().__init__(min=minimum, max=maximum, message=NUMBER_MESSAGE)

    def __call__(self, form: Any, field: Field) -> None:
        if isinstance(field.data, Decimal) and not field.data.is_finite():
            raise ValidationError(str(NUMBER_MESSAGE) % {"min": self.min, "max": self.max})
        super().__call__(form, field)


def whole_number(minimum: int = 0, maximum: int = MAX_ID) -> NumberBetween:
    """The range of an IntegerField: at most what the database's integer columns hold."""
    return NumberBetween(minimum, min(maximum, MAX_ID))
