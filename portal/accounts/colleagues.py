"""The provider admin's work on his own organisation: colleagues and access requests (state changes)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal import audit, mail
from portal.accounts import rules, service
from portal.accounts.rules import ActionRefused, FieldRefused
from portal.extensions import db
from portal.models import AccessRequest, AuditOutcome, Organisation, Role, User, UserRole

INVITE_ROLES = {"admin": Role.PROVIDER_ADMIN, "member": Role.PROVIDER_MEMBER}


def active_admins(organisation_id: int) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(sa.distinct(User.id)))
            .join(UserRole)
            .where(
                User.organisation_id == organisation_id,
                User.is_active.is_(True),
                UserRole.role == Role.PROVIDER_ADMIN,
            )
        )
        or 0
    )


def invite_colleague(inviter: User, *, name: str, email: str, role: str) -> User:
    """A colleague without a password: the invitation link lets them choose one (as a reset does)."""
    if role not in INVITE_ROLES:
        raise FieldRefused("role", _l("Kies een rol."))
    email = service.check_email_free(email)
    user = service.create_user(
        email=email,
        name=name,
        password=None,
        roles=[INVITE_ROLES[role]],
        organisation_id=inviter.organisation_id,
    )
    service.send_invitation(user, inviter)
    audit.record("accounts.invite_colleague", user, role=INVITE_ROLES[role].value)
    return user


def set_colleague_active(actor: User, colleague: User, active: bool) -> None:
    if not active and not rules.may_deactivate(
        target_is_admin=colleague.has_role(Role.PROVIDER_ADMIN),
        target_is_active=colleague.is_active,
        active_admins=active_admins(colleague.organisation_id or 0),
    ):
        audit.record("accounts.deactivate", colleague, outcome=AuditOutcome.REFUSED, reason="last_admin")
        raise ActionRefused(
            _l(
                "U bent de enige beheerder van uw organisatie. Maak eerst een collega beheerder; "
                "daarna kan dit account uit."
            )
        )
    service.set_active(colleague, active)


def request_access(organisation: Organisation, *, name: str, email: str, message: str) -> AccessRequest:
    """Someone asks the admins of an already registered organisation for an account."""
    email = service.check_email(email)
    request = AccessRequest(organisation_id=organisation.id, name=name.strip(), email=email, message=message)
    db.session.add(request)
    db.session.flush()
    admins = [u for u in organisation.users if u.is_active and u.has_role(Role.PROVIDER_ADMIN)]
    for admin in admins:
        mail.queue(
            admin.email,
            _("Iemand vraagt toegang tot het account van %(name)s", name=organisation.name),
            "accounts_access_request",
            admin=admin,
            organisation=organisation,
            access_request=request,
        )
    audit.record("accounts.request_access", request, organisation_id=organisation.id)
    return request


def _open(access_request: AccessRequest) -> None:
    if access_request.handled_at is not None:
        raise ActionRefused(_l("Dit verzoek is al afgehandeld."))


def grant_access_request(actor: User, access_request: AccessRequest, *, now: datetime) -> User:
    _open(access_request)
    try:
        email = service.check_email_free(access_request.email)
    except FieldRefused as refusal:
        raise ActionRefused(refusal.message) from None
    user = service.create_provider_user(
        email, access_request.name, Role.PROVIDER_MEMBER, access_request.organisation_id
    )
    service.send_invitation(user, actor)
    access_request.handled_at, access_request.handled_by_id, access_request.granted = now, actor.id, True
    audit.record("accounts.grant_access_request", access_request, user_id=user.id)
    return user


def refuse_access_request(actor: User, access_request: AccessRequest, *, now: datetime) -> None:
    _open(access_request)
    access_request.handled_at, access_request.handled_by_id, access_request.granted = now, actor.id, False
    organisation = db.session.get(Organisation, access_request.organisation_id)
    mail.queue(
        access_request.email,
        _("Uw verzoek om toegang tot het Inkoopportaal Jeugd & Wmo"),
        "accounts_access_refused",
        access_request=access_request,
        organisation=organisation,
    )
    audit.record("accounts.refuse_access_request", access_request)
