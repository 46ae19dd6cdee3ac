"""Forms of the bid pages: field validation only (the rules live in rules.py and service.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from portal.fields import MultiLine, SingleLine, record_id, whole_number


class VersionedForm(FlaskForm):
    """Every section form carries the version it was loaded with: a stale save is refused, not merged."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired(), whole_number()], default=0)

    def started_from(self) -> int:
        """The version the page was loaded with (after validation: a whole number)."""
        return self.version.data or 0


class ActionForm(FlaskForm):
    """A button-only form (start, withdraw): CSRF only."""


class ChoiceForm(VersionedForm):
    """The matrix's checkboxes are read as request.form.getlist("keuze"): values "<result_level>:<municipality>"."""


class RequirementAnswerForm(VersionedForm):
    declaration = RadioField(
        _l("Verklaring"),
        choices=[SelectChoice("ja", _l("Ja, wij voldoen hieraan")), SelectChoice("nee", _l("Nee"))],
        validators=[Optional()],
    )
    text = TextAreaField(_l("Toelichting"), validators=[MultiLine(), Optional(), Length(max=20000)])
    answer_date = DateField(_l("Datum"), validators=[Optional()])


class EvidenceUploadForm(FlaskForm):
    file = FileField(
        _l("Bewijsstuk uploaden"), description=_l("PDF, Word, Excel, JPG of PNG; ten hoogste 20 MB.")
    )


class EvidenceReuseForm(FlaskForm):
    evidence_id = SelectField(
        _l("Eerder geüpload bewijsstuk opnieuw gebruiken"), coerce=record_id, validate_choice=False
    )


class CriterionAnswerForm(VersionedForm):
    text = TextAreaField(_l("Uw antwoord"), validators=[MultiLine(), Optional(), Length(max=60000)])


class SubmitForm(FlaskForm):
    idempotency_key = HiddenField(validators=[SingleLine(), DataRequired(), Length(min=16, max=64)])
    confirm = BooleanField(
        _l("Ik verklaar als tekenbevoegde dat deze inschrijving volledig en naar waarheid is ingevuld."),
        validators=[DataRequired(message=_l("Bevestig de verklaring om in te dienen."))],
    )

    def key(self) -> str:
        """The idempotency key the page was loaded with (after validation: 16 to 64 characters)."""
        return self.idempotency_key.data or ""
