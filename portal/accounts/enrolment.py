"""Registration and access requests that do not reveal which e-mail addresses and KvK numbers have accounts.

Whatever is already registered, the person at the form gets the same answer; what differs goes by
mail to the address concerned. An address that has an account gets "someone tried to register with
your address" (with links to log in and to reset the password) instead of a second account; a KvK
number that has an account becomes an access request to that organisation's admins, as the access
request form makes, and the person who registered is told so by mail. Every path hashes the password
(argon2 is slow on purpose), so the response time does not tell the paths apart either.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from portal import audit, mail
from portal.accounts import colleagues, rules, service
from portal.accounts.passwords import check_password, hash_password
from portal.extensions import db
from portal.models import Organisation, Role, User


@dataclass(frozen=True)
class Registration:
    organisation_name: str
    kvk_number: str
    agb_code: str | None
    street: str
    postcode: str
    city: str
    signatory_name: str
    signatory_function: str
    name: str
    email: str
    password: str
    confirm: str


def register_provider(data: Registration) -> User | None:
    """A new organisation and its first user (provider admin); None when the address or KvK was known.

    Raises FieldRefused only for what the form itself shows wrong (format, password rules), never
    because something is already registered.
    """
    organisation = new_organisation(data)
    email = service.check_email(data.email)
    check_password(data.password, data.confirm, email=email, organisation_name=data.organisation_name)
    password_hash = hash_password(data.password)
    if _already_registered(data, organisation.kvk_number, email):
        return None
    try:
        with db.session.begin_nested():  # a registration of the same KvK or e-mail at the same moment
            db.session.add(organisation)
            db.session.flush()
            user = service.create_provider_user(email, data.name, Role.PROVIDER_ADMIN, organisation.id)
            user.password_hash = password_hash
    except sa.exc.IntegrityError:
        if _already_registered(data, organisation.kvk_number, email):
            return None
        raise
    audit.record("accounts.register", organisation, actor=user, organisation_id=organisation.id)
    service.send_confirmation(user)
    return user


def new_organisation(data: Registration) -> Organisation:
    """The organisation as registered, its numbers checked (not yet added to the session)."""
    return Organisation(
        name=data.organisation_name.strip(),
        kvk_number=rules.check_kvk(data.kvk_number),
        agb_code=rules.check_agb(data.agb_code),
        street=data.street.strip(),
        postcode=rules.check_postcode(data.postcode),
        city=data.city.strip(),
        signatory_name=data.signatory_name.strip(),
        signatory_function=data.signatory_function.strip(),
    )


def _already_registered(data: Registration, kvk: str, email: str) -> bool:
    """Mails the existing account, or asks the organisation's admins for access; False when both are new."""
    user = service.user_by_email(email)
    if user is not None:
        tell_existing_account(user, attempt="register")
        return True
    organisation = service.organisation_by_kvk(kvk)
    if organisation is not None:
        colleagues.request_access(organisation, name=data.name, email=email, message="")
        mail.queue(
            email,
            _("Uw aanmelding bij het Inkoopportaal Jeugd & Wmo"),
            "accounts_register_known_kvk",
            name=data.name.strip(),
            kvk=kvk,
        )
        return True
    return False


def request_access(*, kvk: str, name: str, email: str, message: str) -> None:
    """An access request by KvK number; the requester hears by mail whether the number has an account."""
    kvk = rules.check_kvk(kvk)
    email = service.check_email(email)
    user = service.user_by_email(email)
    if user is not None:
        tell_existing_account(user, attempt="request_access")
        return
    organisation = service.organisation_by_kvk(kvk)
    if organisation is not None:
        colleagues.request_access(organisation, name=name, email=email, message=message)
        template = "accounts_access_request_sent"
    else:
        audit.record("accounts.request_access_unknown_kvk", None, kvk=kvk)
        template = "accounts_access_request_unknown_kvk"
    mail.queue(
        email,
        _("Uw verzoek om toegang tot het Inkoopportaal Jeugd & Wmo"),
        template,
        name=name.strip(),
        kvk=kvk,
    )


def tell_existing_account(user: User, *, attempt: str) -> None:
    """Someone used this account's address at a public form: tell the owner, not the form."""
    mail.queue(
        user.email,
        _("Uw e-mailadres werd gebruikt in het Inkoopportaal Jeugd & Wmo"),
        "accounts_existing_account",
        user=user,
        attempt=attempt,
    )
    audit.record(
        "accounts.existing_account_told", user, organisation_id=user.organisation_id, attempt=attempt
    )
