"""The coverage page's filter form (GET: it changes nothing)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField  # type: ignore[attr-defined]  # types-WTForms predates SelectChoice
from wtforms.validators import Optional

from portal.fields import record_id


def _optional_id(value: object) -> int | None:
    return None if value in (None, "") else record_id(value)


class CoverageFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    municipality = SelectField(_l("Gemeente"), coerce=_optional_id, validators=[Optional()])
    domain = SelectField(_l("Domein"), coerce=_optional_id, validators=[Optional()])
    gaps_only = BooleanField(_l("Alleen plekken zonder aanbieder"))


def id_choices(rows: list[tuple[int, str]]) -> list[SelectChoice]:
    """The options of an id filter: "—" (no filter) and one per row (id, name)."""
    return [SelectChoice("", "—"), *(SelectChoice(str(row_id), name) for row_id, name in rows)]
