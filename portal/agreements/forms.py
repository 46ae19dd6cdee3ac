"""Forms of the agreements feature: field validation only."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # in wtforms 3.3, not in its 3.2 stubs
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.fields import FilterForm, MultiLine, NumberBetween, SingleLine
from portal.models import AgreementStatus


def choices(pairs: Iterable[tuple[str, object]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def optional_choices(pairs: Iterable[tuple[str, object]]) -> list[SelectChoice]:
    """The choices of a filter, after "—" for no filter."""
    return choices([("", "—"), *pairs])


class ConfirmForm(FlaskForm):
    """A button that changes state: only the CSRF token."""


class RegisterFilterForm(FilterForm):
    tender = SelectField(_l("Inkooptraject"), coerce=str, validators=[Optional()])
    municipality = SelectField(_l("Gemeente"), coerce=str, validators=[Optional()])
    lot = StringField(_l("Perceel"), validators=[SingleLine(), Optional(), Length(max=200)])
    result = StringField(_l("Resultaat (code)"), validators=[SingleLine(), Optional(), Length(max=20)])
    level = SelectField(
        _l("Interventieniveau"),
        choices=optional_choices((str(n), str(n)) for n in range(4, 9)),
        validators=[Optional()],
    )
    status = SelectField(
        _l("Status"), choices=optional_choices(AgreementStatus.choices()), validators=[Optional()]
    )
    provider = StringField(_l("Zorgaanbieder"), validators=[SingleLine(), Optional(), Length(max=200)])


class AcceptForm(FlaskForm):
    version = HiddenField(validators=[SingleLine()])
    name = StringField(
        _l("Naam van de tekenbevoegde"), validators=[SingleLine(), DataRequired(), Length(max=200)]
    )
    function = StringField(_l("Functie"), validators=[SingleLine(), DataRequired(), Length(max=200)])
    confirm = BooleanField(
        _l("Ik ben tekenbevoegd en aanvaard deze versie van de raamovereenkomst namens de zorgaanbieder"),
        validators=[
            DataRequired(message=_l("Bevestig dat u tekenbevoegd bent en de overeenkomst aanvaardt."))
        ],
    )


AMENDMENT_KINDS = [
    SelectChoice("extend", _l("Verlengen met de volgende verlengingsperiode")),
    SelectChoice("add_results", _l("Nieuw toegelaten resultaten toevoegen (na toetreding)")),
    SelectChoice("end", _l("Beëindigen")),
]


class AmendForm(FlaskForm):
    kind = RadioField(_l("Wijziging"), choices=AMENDMENT_KINDS, validators=[InputRequired()])
    reason = TextAreaField(_l("Reden"), validators=[MultiLine(), DataRequired(), Length(max=2000)])
    # no description here: macros/forms.html shadows _() when an optional field has a hint (reported)
    end_date = DateField(
        _l("Einddatum (bij beëindigen: de laatste dag waarop de overeenkomst geldt)"), validators=[Optional()]
    )


class IndexationForm(FlaskForm):
    percentage = DecimalField(
        _l("Indexatiepercentage"),
        places=2,
        validators=[InputRequired(), NumberBetween(-99.99, 100)],
        description=_l("Bijvoorbeeld 2,5. Alle tarieven van alle lopende overeenkomsten van dit traject."),
    )
    valid_from = DateField(_l("Geldig vanaf"), validators=[InputRequired()])

    def indexation(self) -> tuple[Decimal, date]:
        """The percentage and the date it applies from (both required: read after validation)."""
        if self.percentage.data is None or self.valid_from.data is None:
            raise ValueError("the indexation form is read before it was validated")
        return self.percentage.data, self.valid_from.data


class TemplateForm(FlaskForm):
    body = TextAreaField(
        _l("Tekst van de algemene bepalingen en prestatieafspraken"),
        validators=[MultiLine(), DataRequired(), Length(max=100_000)],
        description=_l(
            "“## Titel” begint een artikel, “### Titel” een kopje. Invulvelden: {{ aanbieder }}, {{ kvk }}, "
            "{{ contractnummer }}, {{ inkooptraject }}, {{ referentie }}, {{ procedure }}, {{ gemeenten }}, "
            "{{ startdatum }}, {{ einddatum }}, {{ looptijd_maanden }}, {{ verlengingen }}, {{ verlenging_maanden }}."
        ),
    )
