"""The functional administrator's changes to users: staff accounts, roles, (de)activation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal import audit
from portal.accounts import rules, service
from portal.accounts.rules import ActionRefused, FieldRefused
from portal.models import PROVIDER_ROLES, STAFF_ROLES, AuditOutcome, Role, User, UserRole


def _parse_roles(values: list[str], allowed: frozenset[Role]) -> list[Role]:
    roles = [Role(v) for v in values if v in {r.value for r in allowed}]
    if not roles:
        raise FieldRefused("roles", _l("Kies minstens één rol."))
    return sorted(set(roles), key=lambda r: r.value)


def allowed_roles(user: User) -> frozenset[Role]:
    """Staff users get staff roles; provider users keep provider roles (one organisation each)."""
    return PROVIDER_ROLES if user.organisation_id is not None else STAFF_ROLES


def create_staff_user(actor: User, *, name: str, email: str, roles: list[str]) -> User:
    """A municipal staff member without a password: the invitation link lets them choose one."""
    email = service.check_email_free(email)
    chosen = _parse_roles(roles, STAFF_ROLES)
    user = service.create_user(email=email, name=name, password=None, roles=chosen)
    service.send_invitation(user, actor)
    audit.record("admin.create_user", user, roles=",".join(r.value for r in chosen))
    return user


def set_roles(actor: User, user: User, roles: list[str]) -> None:
    chosen = _parse_roles(roles, allowed_roles(user))
    if not rules.may_change_own_roles(is_self=actor.id == user.id, keeps_admin=Role.ADMIN in chosen):
        audit.record("admin.change_roles", user, outcome=AuditOutcome.REFUSED, reason="own_admin_role")
        raise FieldRefused("roles", _l("U kunt uw eigen rol als functioneel beheerder niet weghalen."))
    before = user.roles
    user.role_rows = [row for row in user.role_rows if row.role in chosen]
    user.role_rows.extend(UserRole(role=role) for role in chosen if role not in before)
    audit.record(
        "admin.change_roles",
        user,
        before=",".join(sorted(r.value for r in before)),
        after=",".join(r.value for r in chosen),
    )


def set_user_active(actor: User, user: User, active: bool) -> None:
    if not active and actor.id == user.id:
        audit.record("accounts.deactivate", user, outcome=AuditOutcome.REFUSED, reason="self")
        raise ActionRefused(_l("U kunt uw eigen account niet uitzetten."))
    service.set_active(user, active)
