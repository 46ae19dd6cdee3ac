"""Recording what happened: who, what, when, on which object, allowed or refused, from where.

Never passwords, tokens or document content: `detail` holds identifiers and short labels only.
"""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context, request
from flask_login import current_user

from portal.extensions import db
from portal.models import AuditEvent, AuditOutcome
from portal.models.base import utcnow

FORBIDDEN_DETAIL_KEYS = frozenset({"password", "token", "content", "text", "secret", "answer"})


def record(
    action: str,
    obj: Any | None = None,
    *,
    outcome: AuditOutcome = AuditOutcome.ALLOWED,
    actor: Any | None = None,
    organisation_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add an audit event to the current transaction (it is committed with the request)."""
    leaked = FORBIDDEN_DETAIL_KEYS.intersection(detail)
    if leaked:
        raise ValueError(f"audit detail may not contain {sorted(leaked)}")
    actor = actor if actor is not None else _current_actor()
    event = AuditEvent(
        at=utcnow(),
        actor_id=getattr(actor, "id", None),
        organisation_id=organisation_id
        if organisation_id is not None
        else getattr(actor, "organisation_id", None),
        action=action,
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=getattr(obj, "id", None),
        outcome=outcome,
        ip=_origin_ip(),
        detail={k: str(v) for k, v in detail.items()},
    )
    db.session.add(event)
    if outcome is AuditOutcome.REFUSED and has_request_context():
        g.setdefault("audit_refusals", []).append(event)
    return event


def refused(action: str, obj: Any | None = None, **detail: Any) -> AuditEvent:
    return record(action, obj, outcome=AuditOutcome.REFUSED, **detail)


def restore_refusals() -> None:
    """After a failed request's rollback, keep the record of the refused access."""
    for event in g.pop("audit_refusals", []):
        db.session.add(
            AuditEvent(
                at=event.at,
                actor_id=event.actor_id,
                organisation_id=event.organisation_id,
                action=event.action,
                object_type=event.object_type,
                object_id=event.object_id,
                outcome=event.outcome,
                ip=event.ip,
                detail=event.detail,
            )
        )


def _current_actor() -> Any | None:
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        return current_user._get_current_object()  # type: ignore[attr-defined]
    return None


def _origin_ip() -> str | None:
    return request.remote_addr if has_request_context() else None
