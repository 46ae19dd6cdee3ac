"""Forms of the accounts feature: field validation only (the rules live in rules.py and service.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    Field,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # in wtforms 3.3, not in its 3.2 stubs
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from portal.fields import MultiLine, SingleLine

REQUIRED = _l("Dit veld is verplicht.")
BAD_EMAIL = _l("Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl.")


def required() -> DataRequired:
    return DataRequired(message=REQUIRED)


def text(field: Field) -> str:
    """A text field's value, '' when empty (after validation; the service checks the rest)."""
    return field.data or ""


def add_error(field: Field, message: str) -> None:
    field.errors = [*field.errors, message]


def password_field(label: str, description: str = "", *, autocomplete: str = "new-password") -> PasswordField:
    """A password box a person must fill in; the browser's password manager is told whether to offer a new one."""
    return PasswordField(
        label,
        validators=[InputRequired(message=REQUIRED)],
        render_kw={"autocomplete": autocomplete},
        description=description,
    )


def email_validators() -> list:
    return [SingleLine(), required(), Email(message=BAD_EMAIL, check_deliverability=False), Length(max=254)]


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mailadres"), validators=email_validators(), render_kw={"autocomplete": "username"}
    )
    password = PasswordField(
        _l("Wachtwoord"),
        validators=[required(), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField(validators=[SingleLine()])


class OrganisationForm(FlaskForm):
    """The organisation and its first user; the KvK number comes from the form or from eHerkenning."""

    organisation_name = StringField(
        _l("Naam van de organisatie"), validators=[SingleLine(), required(), Length(max=200)]
    )
    agb_code = StringField(
        _l("AGB-code"),
        validators=[SingleLine(), Optional(), Length(max=20)],
        description=_l("8 cijfers. Heeft u geen AGB-code, laat dit veld dan leeg."),
    )
    street = StringField(_l("Straat en huisnummer"), validators=[SingleLine(), required(), Length(max=200)])
    postcode = StringField(
        _l("Postcode"),
        validators=[SingleLine(), required(), Length(max=10)],
        description=_l("Bijvoorbeeld 9401 AA."),
    )
    city = StringField(_l("Plaats"), validators=[SingleLine(), required(), Length(max=100)])
    signatory_name = StringField(
        _l("Naam van de tekenbevoegde"),
        validators=[SingleLine(), required(), Length(max=200)],
        description=_l("De persoon die namens uw organisatie mag tekenen (zie het KvK-uittreksel)."),
    )
    signatory_function = StringField(
        _l("Functie van de tekenbevoegde"), validators=[SingleLine(), required(), Length(max=200)]
    )
    name = StringField(_l("Uw naam"), validators=[SingleLine(), required(), Length(max=200)])
    email = EmailField(
        _l("Uw e-mailadres"),
        validators=email_validators(),
        description=_l("U krijgt een e-mail om dit adres te bevestigen. Daarna kunt u inloggen."),
    )


class RegistrationForm(OrganisationForm):
    kvk_number = StringField(
        _l("KvK-nummer"),
        validators=[SingleLine(), required(), Length(max=20)],
        description=_l("8 cijfers, zoals op uw uittreksel van de Kamer van Koophandel."),
    )
    password = password_field(
        _l("Kies een wachtwoord"),
        _l("Minstens 12 tekens. Een zin van een paar woorden is goed te onthouden."),
    )
    confirm = password_field(_l("Herhaal het wachtwoord"))


class AccessRequestForm(FlaskForm):
    kvk_number = StringField(
        _l("KvK-nummer van uw organisatie"), validators=[SingleLine(), required(), Length(max=20)]
    )
    name = StringField(_l("Uw naam"), validators=[SingleLine(), required(), Length(max=200)])
    email = EmailField(_l("Uw e-mailadres"), validators=email_validators())
    message = TextAreaField(
        _l("Bericht aan de beheerder"),
        validators=[MultiLine(), Optional(), Length(max=2000)],
        description=_l("Bijvoorbeeld uw functie, zodat de beheerder u herkent."),
    )


class EmailOnlyForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=email_validators())


class NewPasswordForm(FlaskForm):
    password = password_field(_l("Nieuw wachtwoord"), _l("Minstens 12 tekens."))
    confirm = password_field(_l("Herhaal het nieuwe wachtwoord"))


class ChangePasswordForm(NewPasswordForm):
    current_password = password_field(_l("Huidig wachtwoord"), autocomplete="current-password")


class ProfileForm(FlaskForm):
    name = StringField(_l("Naam"), validators=[SingleLine(), required(), Length(max=200)])
    locale = SelectField(
        _l("Taal van het portaal"),
        choices=[SelectChoice("nl", "Nederlands"), SelectChoice("en", "English")],
        validators=[required()],
    )


class InviteForm(FlaskForm):
    name = StringField(_l("Naam van uw collega"), validators=[SingleLine(), required(), Length(max=200)])
    email = EmailField(_l("E-mailadres van uw collega"), validators=email_validators())
    role = RadioField(
        _l("Rol"),
        choices=[
            SelectChoice("member", _l("Medewerker: kan inschrijvingen voorbereiden en vragen stellen")),
            SelectChoice("admin", _l("Beheerder: kan ook collega's uitnodigen en contracten accepteren")),
        ],
        default="member",
        validators=[InputRequired(message=REQUIRED)],
    )


class ButtonForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[SingleLine(), required(), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"},
        description=_l("De 6 cijfers die uw authenticator-app nu laat zien, of een van uw herstelcodes."),
    )
