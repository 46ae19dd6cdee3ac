"""Forms of the assessment: field validation only (the rules live in service.py and rules.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # wtforms 3.3 ships no stub for it
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal import clock
from portal.fields import FilterForm, MultiLine, SingleLine, record_id
from portal.models import Decision, DecisionOutcome, RequirementOutcome

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def options(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """(value, label) pairs as wtforms 3.3 wants them (tuples are deprecated)."""
    return [SelectChoice(value, str(label)) for value, label in pairs]


class ActionForm(FlaskForm):
    """A button that changes state: only the CSRF token."""


class OpeningForm(FlaskForm):
    window = SelectField(
        _l("Toelatingsronde"), coerce=record_id, validators=[Optional()], validate_choice=False
    )


class AppointForm(FlaskForm):
    user = SelectField(
        _l("Beoordelaar"), coerce=record_id, validators=[InputRequired()], validate_choice=False
    )
    criterion = SelectField(
        _l("Voor"),
        coerce=record_id,
        validators=[Optional()],
        validate_choice=False,
    )


class DeclarationForm(FlaskForm):
    organisations = MultiCheckboxField(
        _l("Organisaties waarmee ik een belang of band heb"),
        coerce=record_id,
        validators=[Optional()],
        validate_choice=False,
        description=_l(
            "Laat leeg als u geen belangenconflict heeft. U krijgt geen inschrijving van een organisatie die u hier noemt."
        ),
    )
    note = TextAreaField(_l("Toelichting"), validators=[MultiLine(), Optional(), Length(max=2000)])
    confirm = BooleanField(
        _l("Ik verklaar dit naar waarheid en meld een later ontstaan belang direct aan de inkoper."),
        validators=[DataRequired(_l("Bevestig uw verklaring."))],
    )


class CheckForm(FlaskForm):
    outcome = RadioField(
        _l("Beoordeling"),
        choices=options(RequirementOutcome.choices()),
        validators=[InputRequired(_l("Kies een beoordeling."))],
    )
    note = TextAreaField(_l("Motivering"), validators=[MultiLine(), Optional(), Length(max=4000)])
    # no `description=` on optional text fields: the shared field macro then shadows `_` (reported)
    question = TextAreaField(
        _l("Vraag aan de zorgaanbieder (alleen bij ‘Verduidelijking nodig’)"),
        validators=[MultiLine(), Optional(), Length(max=4000)],
    )
    response_deadline = DateTimeLocalField(
        _l("Reactietermijn tot"), format=LOCAL_FORMAT, validators=[Optional()]
    )


class ScoreForm(FlaskForm):
    value = RadioField(_l("Score"), validators=[InputRequired(_l("Kies een score."))], validate_choice=False)
    motivation = TextAreaField(
        _l("Motivering"),
        validators=[MultiLine(), DataRequired(_l("Een motivering is verplicht.")), Length(max=8000)],
    )


class ConsensusForm(FlaskForm):
    value = StringField(
        _l("Consensusscore"), validators=[SingleLine(), DataRequired(_l("Vul de score in.")), Length(max=8)]
    )
    motivation = TextAreaField(
        _l("Interne notitie van het beoordelingsteam (niet in de brief)"),
        validators=[MultiLine(), DataRequired(_l("Een motivering is verplicht.")), Length(max=8000)],
    )
    external_motivation = TextAreaField(
        _l("Motivering in de brief aan de zorgaanbieder"),
        validators=[MultiLine(), Optional(), Length(max=8000)],
    )


class DecisionFilterForm(FilterForm):
    """The filters of the decisions page (GET; the names are the query arguments)."""

    besluit = SelectField(_l("Besluit"), validators=[Optional()], validate_choice=False)
    perceel = SelectField(_l("Perceel"), validators=[Optional()], validate_choice=False)
    status = SelectField(_l("Stand"), validators=[Optional()], validate_choice=False)


class DecisionForm(FlaskForm):
    outcome = RadioField(
        _l("Besluit"),
        choices=options(DecisionOutcome.choices()),
        validators=[InputRequired(_l("Kies een besluit."))],
    )
    change_reason = TextAreaField(
        _l("Reden van de wijziging van het besluit (alleen als u het besluit wijzigt)"),
        validators=[MultiLine(), Optional(), Length(max=4000)],
    )
    motivation = TextAreaField(
        _l("Motivering"),
        validators=[MultiLine(), DataRequired(_l("Een motivering is verplicht.")), Length(max=20000)],
    )


class AnswerForm(FlaskForm):
    answer = TextAreaField(
        _l("Uw antwoord"),
        validators=[MultiLine(), DataRequired(_l("Schrijf uw antwoord.")), Length(max=8000)],
    )


class RequirementFilterForm(FilterForm):
    """The filters of one requirement across bids (GET; the names are the query arguments)."""

    uitkomst = SelectField(_l("Beoordeling"), validators=[Optional()], validate_choice=False)
    perceel = SelectField(_l("Perceel"), validators=[Optional()], validate_choice=False)
    antwoord = SelectField(_l("Antwoord"), validators=[Optional()], validate_choice=False)
    q = StringField(
        _l("Zoek op naam, KvK-nummer of toelichting"), validators=[SingleLine(), Optional(), Length(max=100)]
    )


class BulkCheckForm(FlaskForm):
    """ "Met" for the ticked bids, or (`bereik=alle`) for every bid the filter shows."""

    inschrijving = SelectMultipleField(coerce=record_id, validators=[Optional()], validate_choice=False)
    bereik = StringField(validators=[SingleLine(), Optional(), Length(max=10)])


def decision_form(decision: Decision) -> DecisionForm:
    """The decision's form, its current outcome chosen (the radio compares values, not the enum)."""
    form = DecisionForm(obj=decision)
    if not form.is_submitted():
        form.outcome.data = decision.outcome.value
    return form


def scored(form: ScoreForm | ConsensusForm) -> tuple[str, str]:
    """The score and motivation as typed (a missing one is empty: the service refuses it)."""
    return form.value.data or "", form.motivation.data or ""


def check_arguments(form: CheckForm) -> dict[str, Any]:
    """The checked form as the arguments of service.check_requirement (outcome, note, question, term)."""
    deadline = form.response_deadline.data
    return {
        "outcome": RequirementOutcome(form.outcome.data),
        "note": form.note.data or "",
        "question": form.question.data or "",
        "response_deadline": clock.from_local(deadline) if deadline else None,
    }
