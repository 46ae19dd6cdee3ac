"""The verification form: a hash, or the PDF itself. Field validation only."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField
from wtforms.validators import Length, Optional

from portal.fields import SingleLine


class VerifyForm(FlaskForm):
    sha256 = StringField(
        _l("SHA-256 van het document of de inschrijving"),
        description=_l("64 tekens, zoals op het ontvangstbewijs onder 'Hash van de inschrijving'."),
        validators=[SingleLine(), Optional(), Length(max=200)],
    )
    receipt = FileField(_l("Of upload het document (PDF)"))
