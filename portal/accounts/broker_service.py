"""Accounts of the eHerkenning log-in: the broker identity of a known person, or a new organisation."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal import audit
from portal.accounts import enrolment, service
from portal.accounts.broker import BrokerClaims
from portal.extensions import db
from portal.models import AuditOutcome, BrokerIdentity, Role, User
from portal.refusals import DomainRefusal


class BrokerRefused(DomainRefusal):
    """eHerkenning worked, but this person cannot be let in this way (yet)."""


def _identity(claims: BrokerClaims) -> BrokerIdentity | None:
    query = sa.select(BrokerIdentity).where(
        BrokerIdentity.issuer == claims.issuer, BrokerIdentity.subject == claims.subject
    )
    return db.session.scalar(query)


def known_user(claims: BrokerClaims, *, now: datetime) -> User | None:
    """The account this broker identity logged in with before; None for an organisation new here."""
    identity = _identity(claims)
    if identity is None:
        _refuse_if_organisation_known(claims.kvk)
        return None
    user = db.session.get(User, identity.user_id)
    organisation = user.organisation if user is not None else None
    if user is None or not user.is_active or organisation is None or organisation.kvk_number != claims.kvk:
        audit.record("accounts.broker_login", user, outcome=AuditOutcome.REFUSED, actor=user)
        raise BrokerRefused(
            _l("Dit account kan niet inloggen. Neem contact op met de beheerder van uw organisatie.")
        )
    identity.last_login_at, identity.branch_number = now, claims.branch
    audit.record(
        "accounts.broker_login", user, actor=user, level=claims.level or "", branch=claims.branch or ""
    )
    return user


def _refuse_if_organisation_known(kvk: str) -> None:
    """Linking a broker identity to an existing account is not built yet: the password stays the way in."""
    if service.organisation_by_kvk(kvk) is not None:
        raise BrokerRefused(
            _l(
                "Uw organisatie heeft al een account in het portaal, maar u nog niet met eHerkenning. Log in met uw e-mailadres en wachtwoord, of vraag de beheerder van uw organisatie om een uitnodiging."
            )
        )


def register(claims: BrokerClaims, data: enrolment.Registration) -> User:
    """The organisation confirmed by the provider at its first eHerkenning log-in, and its admin."""
    organisation = enrolment.new_organisation(data)
    email = service.check_email_free(data.email)
    db.session.add(organisation)
    db.session.flush()
    user = service.create_provider_user(email, data.name, Role.PROVIDER_ADMIN, organisation.id)
    identity = BrokerIdentity(
        issuer=claims.issuer,
        subject=claims.subject,
        user_id=user.id,
        kvk_number=claims.kvk,
        branch_number=claims.branch,
    )
    db.session.add(identity)
    audit.record(
        "accounts.register", organisation, actor=user, organisation_id=organisation.id, via="eherkenning"
    )
    service.send_confirmation(user)
    return user
