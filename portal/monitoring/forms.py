"""Forms of the monitoring feature: field validation only."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional

from portal.fields import FilterForm, MultiLine, NumberBetween, SingleLine, record_id
from portal.models import ActionKind, DocumentKind
from portal.monitoring.indicators import INDICATORS
from portal.monitoring.rules import STEPS
from portal.tenders.forms import MultiCheckboxField, options


class ListFilterForm(FilterForm):
    provider = StringField(_l("Zorgaanbieder"), validators=[SingleLine(), Optional(), Length(max=200)])
    kind = SelectField(
        _l("Met een lopende actie van soort"),
        choices=options([("", "—"), *ActionKind.choices()]),
        validators=[Optional()],
    )
    only_open = BooleanField(_l("Alleen met lopende acties of een cliëntenstop"))
    dossier_incomplete = BooleanField(_l("Alleen met een ontbrekend of verlopen dossierdocument"))
    report_late = BooleanField(_l("Alleen met een te late halfjaarrapportage"))


class ActionForm(FlaskForm):
    kind = SelectField(_l("Soort actie"), choices=options(ActionKind.choices()), validators=[InputRequired()])
    title = StringField(_l("Onderwerp"), validators=[SingleLine(), DataRequired(), Length(max=200)])
    notes = TextAreaField(
        _l("Aantekeningen of reden"), validators=[MultiLine(), Optional(), Length(max=10_000)]
    )
    agreements_made = TextAreaField(
        _l("Gemaakte afspraken (accountgesprek, evaluatie)"),
        validators=[MultiLine(), Optional(), Length(max=10_000)],
    )
    happens_on = DateField(
        _l("Datum (gesprek, evaluatie) of ingangsdatum (maatregel)"), validators=[Optional()]
    )
    due_on = DateField(
        _l("Uiterste datum (verbeterplan), laatste dag (maatregel of beëindiging)"), validators=[Optional()]
    )
    municipalities = MultiCheckboxField(
        _l("Gemeenten (cliëntenstop)"), coerce=record_id, validators=[Optional()]
    )
    results = MultiCheckboxField(_l("Resultaten (cliëntenstop)"), coerce=record_id, validators=[Optional()])


STEP_NAMES = sorted({step for (_kind, _status, step) in STEPS})


class StepForm(FlaskForm):
    step = HiddenField(validators=[SingleLine(), AnyOf(STEP_NAMES)])
    note = TextAreaField(
        _l("Toelichting bij deze stap"), validators=[MultiLine(), Optional(), Length(max=5000)]
    )


class PlanForm(FlaskForm):
    response = TextAreaField(
        _l("Uw verbeterplan"),
        validators=[MultiLine(), DataRequired(), Length(max=20_000)],
        description=_l("Beschrijf per bevinding wat u verbetert, wie dat doet en wanneer het klaar is."),
    )


class DocumentForm(FlaskForm):
    kind = SelectField(
        _l("Soort document"), choices=options(DocumentKind.choices()), validators=[InputRequired()]
    )
    expires_on = DateField(_l("Geldig tot en met"), validators=[InputRequired()])
    file = FileField(_l("Bestand (PDF, DOCX, XLSX, JPG of PNG)"), validators=[FileRequired()])


class ReportForm(FlaskForm):
    """One number per indicator (fields value_<code>, added below) and an explanation."""

    explanation = TextAreaField(
        _l("Toelichting"),
        validators=[MultiLine(), DataRequired(), Length(max=10_000)],
        description=_l("Licht de cijfers toe: wat ging goed, wat niet, en wat doet u eraan."),
    )


for _indicator in INDICATORS:
    setattr(
        ReportForm,
        f"value_{_indicator.code}",
        DecimalField(
            _indicator.label,
            places=1,
            validators=[InputRequired(), NumberBetween(_indicator.minimum, _indicator.maximum)],
        ),
    )


class AttachForm(FlaskForm):
    file = FileField(_l("Document toevoegen (PDF, DOCX, XLSX, JPG of PNG)"), validators=[FileRequired()])
