"""Forms of the tender set-up and the public tender pages: field validation only.

Dates are entered as Europe/Amsterdam wall-clock times; `local_or_none` turns them into UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TypeVar

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # types-WTForms 3.2 predates it (WTForms 3.3)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal import clock
from portal.fields import MultiLine, NumberBetween, SingleLine, record_id, whole_number
from portal.models import AnswerType, Law, Procedure, RequirementKind

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
V = TypeVar("V")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def options(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """(value, label) pairs as wtforms 3.3 wants them (tuples are deprecated)."""
    return [SelectChoice(value, str(label)) for value, label in pairs]


def filled(value: V | None) -> V:
    """A required field's value once its form validated (DataRequired or InputRequired saw it)."""
    if value is None:
        raise ValueError("a required field is empty after its form validated")
    return value


def local_or_none(value: datetime | None) -> datetime | None:
    return clock.from_local(value) if value is not None else None


def to_form_value(value: datetime | None) -> datetime | None:
    """UTC from the database -> the naive wall-clock time the form shows."""
    return clock.to_local(value).replace(tzinfo=None) if value is not None else None


def local_time_field(label: str, description: str = "") -> DateTimeLocalField:
    """An optional date and time, typed in Dutch time."""
    return DateTimeLocalField(label, format=LOCAL_FORMAT, validators=[Optional()], description=description)


class WindowForm(Form):
    opens_at = local_time_field(_l("Opent"))
    closes_at = local_time_field(_l("Sluit"))


class TenderForm(FlaskForm):
    reference = StringField(
        _l("Kenmerk"),
        validators=[SingleLine(), DataRequired(), Length(max=40)],
        description=_l("Bijvoorbeeld NMD-2027-JW-01"),
    )
    title = StringField(_l("Titel"), validators=[SingleLine(), DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Omschrijving"), validators=[MultiLine(), Optional(), Length(max=20000)])
    procedure = SelectField(
        _l("Procedure"), choices=options(Procedure.choices()), validators=[DataRequired()]
    )
    law = SelectField(_l("Wet"), choices=options(Law.choices()), validators=[DataRequired()])
    municipality_ids = MultiCheckboxField(
        _l("Deelnemende gemeenten"), coerce=record_id, validators=[Optional()]
    )
    publication_at = local_time_field(_l("Publicatiedatum"), _l("Nederlandse tijd"))
    question_deadline = local_time_field(_l("Sluitingsdatum vragen"), _l("Nederlandse tijd"))
    submission_deadline = local_time_field(
        _l("Sluitingsdatum inschrijvingen"),
        _l("Voor aanbesteding en subsidie; open house gebruikt toelatingsrondes."),
    )
    windows = FieldList(FormField(WindowForm), label=_l("Toelatingsrondes (open house)"), min_entries=3)
    contract_start = DateField(_l("Ingangsdatum overeenkomst"), validators=[Optional()])
    term_months = IntegerField(
        _l("Looptijd in maanden"), default=36, validators=[InputRequired(), NumberRange(1, 240)]
    )
    extension_count = IntegerField(
        _l("Aantal verlengingen"), default=0, validators=[InputRequired(), NumberRange(0, 10)]
    )
    extension_months = IntegerField(
        _l("Maanden per verlenging"), default=12, validators=[InputRequired(), NumberRange(1, 120)]
    )

    def window_pairs(self) -> list[tuple[datetime, datetime]]:
        pairs = []
        for entry in self.windows.entries:
            opens, closes = local_or_none(entry.opens_at.data), local_or_none(entry.closes_at.data)
            if opens is not None and closes is not None:
                pairs.append((opens, closes))
        return pairs


class CopyForm(FlaskForm):
    reference = StringField(
        _l("Kenmerk van de kopie"), validators=[SingleLine(), DataRequired(), Length(max=40)]
    )
    title = StringField(_l("Titel van de kopie"), validators=[SingleLine(), DataRequired(), Length(max=200)])


class ConfirmForm(FlaskForm):
    """A button's POST, with only the CSRF token: archive, publish, delete, follow."""


class LotForm(FlaskForm):
    name = StringField(_l("Naam van het perceel"), validators=[SingleLine(), DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Omschrijving"), validators=[MultiLine(), Optional(), Length(max=5000)])
    max_providers = IntegerField(
        _l("Maximum aantal aanbieders"),
        validators=[Optional(), whole_number(1)],
        description=_l("Alleen bij een aanbesteding."),
    )


class MatrixImportForm(FlaskForm):
    file = FileField(_l("Resultatenmatrix (XLSX of CSV)"), validators=[FileRequired()])


class ResultForm(FlaskForm):
    domain_id = SelectField(_l("Domein"), coerce=record_id, validators=[DataRequired()])
    code = StringField(_l("Resultaatcode"), validators=[SingleLine(), DataRequired(), Length(max=20)])
    name = StringField(_l("Resultaat"), validators=[SingleLine(), DataRequired(), Length(max=200)])
    law = SelectField(_l("Wet"), choices=options(Law.choices()), validators=[DataRequired()])
    product_code = StringField(_l("Productcode"), validators=[SingleLine(), Optional(), Length(max=20)])
    levels = MultiCheckboxField(
        _l("Niveaus"), coerce=record_id, choices=options((n, str(n)) for n in range(4, 9))
    )
    lot_id = SelectField(_l("Perceel"), coerce=record_id, validators=[Optional()])


class LevelForm(FlaskForm):
    number = SelectField(
        _l("Interventieniveau"), coerce=record_id, choices=options((n, str(n)) for n in range(4, 9))
    )
    description = StringField(
        _l("Korte omschrijving"), validators=[SingleLine(), DataRequired(), Length(max=300)]
    )


class AssignLotForm(FlaskForm):
    result_level_id = SelectField(_l("Resultaat en niveau"), coerce=record_id, validators=[DataRequired()])
    lot_id = SelectField(_l("Perceel"), coerce=record_id, validators=[Optional()])


class TariffForm(FlaskForm):
    result_level_id = SelectField(_l("Resultaat en niveau"), coerce=record_id, validators=[DataRequired()])
    municipality_id = SelectField(_l("Gemeente"), coerce=record_id, validators=[DataRequired()])
    valid_from = DateField(_l("Geldig vanaf"), validators=[DataRequired()])
    amount = StringField(
        _l("Tarief"), validators=[SingleLine(), DataRequired()], description=_l("Bijvoorbeeld € 1.234,56")
    )


class LibraryRequirementForm(FlaskForm):
    template_ids = MultiCheckboxField(
        _l("Eisen uit de bibliotheek"), coerce=record_id, validators=[DataRequired()]
    )
    lot_ids = MultiCheckboxField(
        _l("Geldt voor percelen"), coerce=record_id, description=_l("Geen keuze: alle percelen.")
    )


class RequirementForm(FlaskForm):
    kind = SelectField(
        _l("Soort eis"),
        choices=options(RequirementKind.choices()),
        coerce=RequirementKind,
        validators=[DataRequired()],
    )
    text = TextAreaField(_l("Tekst van de eis"), validators=[MultiLine(), DataRequired(), Length(max=5000)])
    answer_type = SelectField(
        _l("Manier van antwoorden"),
        choices=options(AnswerType.choices()),
        coerce=AnswerType,
        validators=[DataRequired()],
    )
    evidence_required = BooleanField(_l("Bewijsstuk verplicht"))
    knockout = BooleanField(_l("Knock-out: een 'nee' of ontbrekend bewijs sluit de inschrijving uit"))
    lot_ids = MultiCheckboxField(
        _l("Geldt voor percelen"), coerce=record_id, description=_l("Geen keuze: alle percelen.")
    )


class CriterionForm(FlaskForm):
    question = TextAreaField(_l("Vraag"), validators=[MultiLine(), DataRequired(), Length(max=5000)])
    guidance = TextAreaField(
        _l("Toelichting voor beoordelaars"), validators=[MultiLine(), Optional(), Length(max=5000)]
    )
    weight = DecimalField(_l("Weging"), places=2, validators=[InputRequired(), NumberBetween(0, 100)])
    scale = TextAreaField(
        _l("Schaal"),
        default="0 = Ontbreekt\n2 = Onvoldoende\n4 = Matig\n6 = Voldoende\n8 = Goed\n10 = Uitstekend",
        validators=[MultiLine(), DataRequired()],
        description=_l("Eén score per regel: score = betekenis."),
    )
    word_limit = IntegerField(_l("Maximum aantal woorden"), validators=[Optional(), whole_number(1)])
    minimum_score = DecimalField(
        _l("Minimumscore"), places=2, validators=[Optional(), NumberBetween(0, 999.99)]
    )
    lot_ids = MultiCheckboxField(
        _l("Geldt voor percelen"), coerce=record_id, description=_l("Geen keuze: alle percelen.")
    )


class DocumentForm(FlaskForm):
    title = StringField(_l("Titel"), validators=[SingleLine(), Optional(), Length(max=200)])
    file = FileField(_l("Document (PDF, DOCX of XLSX)"), validators=[FileRequired()])


class RectificationForm(FlaskForm):
    what = TextAreaField(_l("Wat is gewijzigd"), validators=[MultiLine(), DataRequired(), Length(max=10000)])
    why = TextAreaField(_l("Waarom"), validators=[MultiLine(), DataRequired(), Length(max=10000)])
    question_deadline = local_time_field(
        _l("Nieuwe sluitingsdatum vragen"),
        _l("Alleen invullen om de termijn te verplaatsen. Nederlandse tijd."),
    )
    submission_deadline = local_time_field(
        _l("Nieuwe sluitingsdatum inschrijvingen"),
        _l("Alleen invullen om de termijn te verplaatsen. Nederlandse tijd."),
    )
    file = FileField(_l("Gewijzigd of nieuw document (niet verplicht)"))
    title = StringField(_l("Titel van het document"), validators=[SingleLine(), Optional(), Length(max=200)])


class QuestionForm(FlaskForm):
    text = TextAreaField(_l("Uw vraag"), validators=[MultiLine(), DataRequired(), Length(max=5000)])
    subject = SelectField(_l("Over"), validators=[Optional()], description=_l("Niet verplicht."))


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Antwoord"), validators=[MultiLine(), DataRequired(), Length(max=10000)])


class MergeForm(FlaskForm):
    into = SelectField(_l("Samenvoegen met vraag"), coerce=record_id, validators=[DataRequired()])


class NotaForm(FlaskForm):
    announcements = TextAreaField(_l("Mededelingen"), validators=[MultiLine(), Optional(), Length(max=10000)])
