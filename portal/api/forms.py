"""Forms of the API token pages: field validation only."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from portal.fields import SingleLine


class TokenForm(FlaskForm):
    name = StringField(
        _l("Naam van het systeem"),
        description=_l("Bijvoorbeeld: Toegang Assen (Suite4Sociaal Domein)."),
        validators=[SingleLine(), DataRequired(), Length(max=100)],
    )
