"""Forms of the admin pages: field validation only."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # types-WTForms 3.2 predates it (WTForms 3.3)
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.accounts.forms import email_validators, required
from portal.fields import FilterForm, SingleLine
from portal.models import STAFF_ROLES, AuditOutcome, Role


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes; the field macro renders it as a fieldset."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def role_choices(roles: frozenset[Role] | None = None) -> list[SelectChoice]:
    """In the order of the Role enumeration; all roles when `roles` is None."""
    return [SelectChoice(role.value, role.label) for role in Role if roles is None or role in roles]


def staff_role_choices() -> list[SelectChoice]:
    return role_choices(STAFF_ROLES)


def _choices(*pairs: tuple[str, object]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class StaffUserForm(FlaskForm):
    name = StringField(_l("Naam"), validators=[SingleLine(), required(), Length(max=200)])
    email = EmailField(_l("E-mailadres"), validators=email_validators())
    roles = MultiCheckboxField(_l("Rollen"), choices=staff_role_choices, validate_choice=True)


class RolesForm(FlaskForm):
    roles = MultiCheckboxField(_l("Rollen"), validate_choice=True)


class UserFilterForm(FilterForm):
    q = StringField(_l("Zoek op naam of e-mailadres"), validators=[SingleLine(), Optional(), Length(max=100)])
    kind = SelectField(
        _l("Soort"),
        choices=_choices(
            ("", _l("Iedereen")), ("staff", _l("Medewerkers gemeenten")), ("provider", _l("Zorgaanbieders"))
        ),
        validators=[Optional()],
    )
    role = SelectField(
        _l("Rol"),
        choices=lambda: [SelectChoice("", _l("Alle rollen")), *role_choices()],
        validators=[Optional()],
    )
    status = SelectField(
        _l("Status"),
        choices=_choices(("", _l("Alle")), ("active", _l("Actief")), ("inactive", _l("Uitgezet"))),
        validators=[Optional()],
    )


class AuditFilterForm(FilterForm):
    action = StringField(
        _l("Handeling"),
        validators=[SingleLine(), Optional(), Length(max=80)],
        description=_l("Bijvoorbeeld accounts.login of alleen het begin: accounts."),
    )
    outcome = SelectField(
        _l("Uitkomst"),
        choices=lambda: _choices(("", _l("Alle")), *AuditOutcome.choices()),
        validators=[Optional()],
    )
