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
# Actions without log-in (the public tender pages need no action at all; open data names its own).
PUBLIC_ACTIONS = frozenset({"opendata.read", "verification.check", "api.read", "help.read"})


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
    return found_or_404(db.session.get(model, object_id), action)


def found_or_404(obj: T | None, action: str) -> T:
    """Permission on an object a feature's own query loaded (with its page's eager loading); 404 when none."""
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

        wrapped.access_action = action  # type: ignore[attr-defined]  # a function attribute: the view's action
        return wrapped

    return decorate


def public(action: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator for routes anyone may use, logged in or not: only for actions in PUBLIC_ACTIONS."""
    if action not in PUBLIC_ACTIONS:
        raise ValueError(f"{action!r} is not a public action")

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        view.access_action = action  # type: ignore[attr-defined]  # a function attribute: the view's action
        return view

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
        "admin.manage_mail": (Role.ADMIN,),  # the outbox: failed and retried e-mails, "retry now"
        "dashboard.view": (Role.VIEWER, Role.BUYER, Role.CONTRACT_MANAGER, Role.ADMIN),
        # exact counts on the figures; the council viewer sees counts under 5 as "< 5"
        "dashboard.exact_counts": (Role.BUYER, Role.CONTRACT_MANAGER, Role.ADMIN),
    }
)


@policy("accounts.own_account")
def _own_account(user: Any, _obj: Any) -> bool:
    """Every logged-in, active user manages his own name, language and password."""
    return True


def _provider_admin_of(user: Any, organisation_id: int | None) -> bool:
    """Provider admins manage their own organisation; another organisation's objects are hidden."""
    if not user.is_staff:
        same_organisation(user, organisation_id)
    return user.has_role(Role.PROVIDER_ADMIN) and user.organisation_id is not None


@policy("organisation.manage_colleagues")
def _manage_colleagues(user: Any, organisation: Any) -> bool:
    if organisation is None:
        return user.has_role(Role.PROVIDER_ADMIN) and user.organisation_id is not None
    return _provider_admin_of(user, organisation.id)


@policy("organisation.manage_colleague")
def _manage_colleague(user: Any, colleague: Any) -> bool:
    return _provider_admin_of(user, colleague.organisation_id)


@policy("organisation.handle_access_request")
def _handle_access_request(user: Any, access_request: Any) -> bool:
    return _provider_admin_of(user, access_request.organisation_id)


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


@policy("tenders.follow")
def _follow_tender(user: Any, _tender: Any) -> bool:
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


@policy("bids.view_submitted")
def _view_submitted_bid(user: Any, submission: Any) -> bool:
    """Staff see a submission's content only after its deadline (sealed rule, bids.rules.content_visible)."""
    from portal import clock
    from portal.bids import rules

    if not user.has_role(Role.BUYER, Role.ASSESSOR, Role.ADMIN) or submission is None:
        return False
    tender = submission.bid.tender
    window = next((w for w in tender.windows if w.id == submission.admission_window_id), None)
    return rules.content_visible(tender, window, now=clock.now())


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
    where = (ConflictDeclaration.tender_id == tender_id, ConflictDeclaration.user_id == user.id)
    declaration = db.session.scalar(sa.select(ConflictDeclaration).where(*where))
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

_register_role_policies({"agreements.register": (Role.CONTRACT_MANAGER, Role.BUYER)})


@policy("agreements.manage")
def _manage_agreements(user: Any, obj: Any) -> bool:
    if user.is_provider and hasattr(obj, "organisation_id"):
        same_organisation(user, obj.organisation_id)  # another organisation's contract: 404
    return user.has_role(Role.CONTRACT_MANAGER)


@policy("agreements.view")
def _view_agreement(user: Any, agreement: Any) -> bool:
    if user.has_role(Role.CONTRACT_MANAGER, Role.BUYER):
        return True
    if not (user.is_provider and same_organisation(user, agreement.organisation_id)):
        return False
    if agreement.status.value == "draft":  # not yet sent: the provider does not see it exists
        raise HiddenObject
    return True


@policy("agreements.mine")
def _my_agreements(user: Any, _obj: Any) -> bool:
    return user.is_provider


@policy("agreements.accept")
def _accept_agreement(user: Any, agreement: Any) -> bool:
    if user.is_provider:
        same_organisation(user, agreement.organisation_id)
        if agreement.status.value == "draft":
            raise HiddenObject
    return user.has_role(Role.PROVIDER_ADMIN) and same_organisation(user, agreement.organisation_id)


# --- open standards: the contract export for the municipalities' systems, API tokens ------------------

_register_role_policies(
    {
        "standards.contract_export": (Role.BUYER, Role.CONTRACT_MANAGER, Role.ADMIN),
        "api.manage_tokens": (Role.ADMIN,),
    }
)


# --- open data (public: OCDS, without log-in) -----------------------------------------------------


@policy("opendata.read")
def _read_open_data(_user: Any, _obj: Any) -> bool:
    """Open data shows only what is public (portal/opendata/releases.py): everyone may read it."""
    return True


# --- verification and the API (public routes: the API checks its own per-system token) ------------


@policy("verification.check")
def _check_document(_user: Any, _obj: Any) -> bool:
    """The verification page shows only kind, public reference, date and version (portal/verification)."""
    return True


@policy("api.read")
def _read_api(_user: Any, _obj: Any) -> bool:
    """Not a user's right: every API route requires a valid system token (portal/api/tokens.py)."""
    return True


# --- monitoring (the contract term) ------------------------------------------------------------------

_register_role_policies({"monitoring.manage": (Role.CONTRACT_MANAGER,)})


@policy("monitoring.mine")
def _my_monitoring(user: Any, _obj: Any) -> bool:
    return user.is_provider


@policy("monitoring.view_action")
def _view_monitoring_action(user: Any, action: Any) -> bool:
    """The contract manager sees every action; a provider only its own (another's is hidden: 404)."""
    if user.has_role(Role.CONTRACT_MANAGER):
        return True
    return user.is_provider and same_organisation(user, action.organisation_id)


@policy("monitoring.answer")
def _answer_monitoring_action(user: Any, action: Any) -> bool:
    """A provider's administrator or member answers its own organisation's verbeterplan."""
    return user.is_provider and same_organisation(user, action.organisation_id)


@policy("monitoring.view_document")
def _view_dossier_document(user: Any, document: Any) -> bool:
    """A dossier document: the contract manager, or the provider's own users (another's: 404)."""
    if user.has_role(Role.CONTRACT_MANAGER):
        return True
    return user.is_provider and same_organisation(user, document.organisation_id)
