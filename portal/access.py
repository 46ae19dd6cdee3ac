"""Every "may this user do this to that object?" decision of the portal, one policy per action.

Routes never check roles themselves: they call `require(action, obj)` or a `<resource>_or_404`
helper. A refusal is recorded in the audit trail. An object of another organisation answers 404
(its existence is not revealed); a wrong role answers 403; anonymous users are sent to log in.

The authorization matrix test (tests/test_access_matrix.py) walks every route against these rules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from portal import audit
from portal.extensions import db
from portal.models import Role

T = TypeVar("T")
Policy = Callable[[Any, Any], bool]

POLICIES: dict[str, Policy] = {}


class HiddenObject(Exception):
    """Raised by a policy when the object belongs to someone else: answered as 404."""


def policy(action: str) -> Callable[[Policy], Policy]:
    def register(fn: Policy) -> Policy:
        if action in POLICIES:
            raise ValueError(f"policy {action!r} defined twice")
        POLICIES[action] = fn
        return fn

    return register


def allowed(user: Any, action: str, obj: Any | None = None) -> bool:
    """True when `user` may do `action` (to `obj`). Unknown actions are refused."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    rule = POLICIES.get(action)
    if rule is None:
        return False
    try:
        return bool(rule(user, obj))
    except HiddenObject:
        return False


def require(action: str, obj: Any | None = None, user: Any | None = None) -> None:
    """Abort with 401/403/404 unless the (current) user may do `action` to `obj`."""
    user = user if user is not None else current_user
    if not getattr(user, "is_authenticated", False):
        audit.refused(action, obj, reason="anonymous")
        abort(401)
    rule = POLICIES.get(action)
    try:
        ok = rule is not None and user.is_active and bool(rule(user, obj))
    except HiddenObject:
        audit.refused(action, obj, reason="other_organisation")
        abort(404)
    if not ok:
        audit.refused(action, obj, reason="role")
        abort(403)


def get_or_404(model: type[T], object_id: int, action: str) -> T:
    """Load-or-404 plus permission in one call: the helper every object route uses."""
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    require(action, obj)
    return obj


def guard(action: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator for routes whose permission does not depend on an object."""
    from functools import wraps

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            require(action)
            return view(*args, **kwargs)

        wrapped.access_action = action  # type: ignore[attr-defined]
        return wrapped

    return decorate


# --- building blocks --------------------------------------------------------------------------


def has_role(*roles: Role) -> Policy:
    def rule(user: Any, _obj: Any) -> bool:
        return user.has_role(*roles)

    return rule


def same_organisation(user: Any, organisation_id: int | None) -> bool:
    """For provider users: True for their own organisation; another organisation's object is hidden."""
    if user.organisation_id is None or organisation_id != user.organisation_id:
        raise HiddenObject
    return True


def _register_role_policies(table: dict[str, tuple[Role, ...]]) -> None:
    for action, roles in table.items():
        policy(action)(has_role(*roles))


# --- accounts and administration --------------------------------------------------------------

_register_role_policies(
    {
        "admin.manage_users": (Role.ADMIN,),
        "admin.manage_master_data": (Role.ADMIN,),
        "audit.view": (Role.ADMIN,),
        "dashboard.view": (Role.VIEWER, Role.BUYER, Role.CONTRACT_MANAGER, Role.ADMIN),
    }
)


@policy("organisation.manage_colleagues")
def _manage_colleagues(user: Any, organisation: Any) -> bool:
    if organisation is not None and not user.is_staff:
        same_organisation(user, organisation.id)
    return user.has_role(Role.PROVIDER_ADMIN) and user.organisation_id is not None


@policy("organisation.view")
def _view_organisation(user: Any, organisation: Any) -> bool:
    if user.has_role(Role.BUYER, Role.CONTRACT_MANAGER, Role.ADMIN):
        return True
    return user.is_provider and same_organisation(user, organisation.id)


# --- tenders (buyer side; the published side is public) ----------------------------------------

_register_role_policies(
    {
        "tenders.manage": (Role.BUYER,),
        "tenders.answer_questions": (Role.BUYER,),
    }
)


@policy("tenders.ask_question")
def _ask_question(user: Any, _tender: Any) -> bool:
    return user.is_provider


# --- bids (provider side) ---------------------------------------------------------------------


@policy("bids.start")
def _start_bid(user: Any, _tender: Any) -> bool:
    return user.is_provider


@policy("bids.edit")
def _edit_bid(user: Any, bid: Any) -> bool:
    return user.is_provider and same_organisation(user, bid.organisation_id)


@policy("bids.view")
def _view_bid(user: Any, bid: Any) -> bool:
    return user.is_provider and same_organisation(user, bid.organisation_id)


# --- assessment ---------------------------------------------------------------------------------

_register_role_policies(
    {
        "assessment.manage": (Role.BUYER,),
        "assessment.score": (Role.ASSESSOR,),
    }
)


def _appointed(user: Any, tender_id: int) -> bool:
    import sqlalchemy as sa

    from portal.models import AssessorAppointment

    return (
        db.session.scalar(
            sa.select(AssessorAppointment.id)
            .where(AssessorAppointment.tender_id == tender_id, AssessorAppointment.user_id == user.id)
            .limit(1)
        )
        is not None
    )


@policy("assessment.assess_tender")
def _assess_tender(user: Any, tender: Any) -> bool:
    """An assessor works only on the tenders he is appointed to."""
    return user.has_role(Role.ASSESSOR) and _appointed(user, tender.id)


@policy("assessment.score_submission")
def _score_submission(user: Any, submission: Any) -> bool:
    """Appointed, declared on conflicts of interest, and never a bid of an organisation he named (404)."""
    import sqlalchemy as sa

    from portal.models import ConflictDeclaration

    tender_id = submission.bid.tender_id
    if not (user.has_role(Role.ASSESSOR) and _appointed(user, tender_id)):
        return False
    declaration = db.session.scalar(
        sa.select(ConflictDeclaration).where(
            ConflictDeclaration.tender_id == tender_id, ConflictDeclaration.user_id == user.id
        )
    )
    if declaration is None:
        return False
    if submission.bid.organisation_id in {o.id for o in declaration.organisations}:
        raise HiddenObject
    return True


@policy("assessment.view_decision")
def _view_decision(user: Any, submission: Any) -> bool:
    return user.is_provider and same_organisation(user, submission.bid.organisation_id)


@policy("assessment.answer_clarification")
def _answer_clarification(user: Any, submission: Any) -> bool:
    return user.is_provider and same_organisation(user, submission.bid.organisation_id)


# --- agreements -----------------------------------------------------------------------------------

_register_role_policies(
    {
        "agreements.manage": (Role.CONTRACT_MANAGER,),
        "agreements.register": (Role.CONTRACT_MANAGER, Role.BUYER),
    }
)


@policy("agreements.view")
def _view_agreement(user: Any, agreement: Any) -> bool:
    if user.has_role(Role.CONTRACT_MANAGER, Role.BUYER):
        return True
    return user.is_provider and same_organisation(user, agreement.organisation_id)


@policy("agreements.accept")
def _accept_agreement(user: Any, agreement: Any) -> bool:
    return user.has_role(Role.PROVIDER_ADMIN) and same_organisation(user, agreement.organisation_id)
