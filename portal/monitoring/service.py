"""State changes of monitoring actions: record, take a step, tell the provider. Flush only, never commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from portal import audit, mail
from portal.accounts import queries as accounts
from portal.clock import to_local
from portal.extensions import db
from portal.models import (
    ActionEvent,
    ActionKind,
    Agreement,
    ClientStopLine,
    MonitoringAction,
    Organisation,
    User,
)
from portal.monitoring import queries, rules
from portal.monitoring.rules import MANAGER, MonitoringRefused

# What the provider is told by e-mail: on these new actions, and after these steps.
TOLD_ON_NEW = {
    ActionKind.IMPROVEMENT_PLAN,
    ActionKind.CLIENT_STOP,
    ActionKind.SUSPENSION,
    ActionKind.TERMINATION,
}
TOLD_AFTER = {"accept", "reject", "lift", "cancel"}


@dataclass(frozen=True)
class NewAction:
    kind: ActionKind
    title: str
    notes: str = ""
    agreements_made: str = ""
    happens_on: date | None = None
    due_on: date | None = None
    lines: list[tuple[int, int]] = field(default_factory=list)  # (municipality_id, result_id)


def create_action(
    organisation: Organisation, new: NewAction, *, user: User | None, now: datetime
) -> MonitoringAction:
    """Record a new action for a contracted provider, in its first state, with its first event."""
    today = to_local(now).date()
    rules.check_new_action(
        new.kind, happens_on=new.happens_on, due_on=new.due_on, lines=len(new.lines), today=today
    )
    agreement = queries.current_agreement(organisation.id)
    _check_lines(agreement, new)
    action = _action_row(organisation.id, agreement, new, user_id=user.id if user else None, now=now)
    db.session.add(action)
    db.session.flush()
    audit.record(
        "monitoring.created", action, actor=user, organisation_id=organisation.id, kind=new.kind.value
    )
    if new.kind in TOLD_ON_NEW:
        tell_provider(action, "new")
    return action


def _action_row(
    organisation_id: int, agreement: Agreement | None, new: NewAction, *, user_id: int | None, now: datetime
) -> MonitoringAction:
    action = MonitoringAction(
        organisation_id=organisation_id,
        agreement_id=agreement.id if agreement else None,
        kind=new.kind,
        status=rules.INITIAL[new.kind],
        title=new.title,
        notes=new.notes,
        agreements_made=new.agreements_made,
        happens_on=new.happens_on,
        due_on=new.due_on,
        created_at=now,
        created_by_id=user_id,
        updated_at=now,
    )
    action.stop_lines = [ClientStopLine(municipality_id=m, result_id=r) for m, r in sorted(set(new.lines))]
    action.events.append(ActionEvent(at=now, actor_id=user_id, to_status=action.status.value))
    return action


def _check_lines(agreement: Agreement | None, new: NewAction) -> None:
    if not new.lines:
        return
    municipalities, results = queries.stop_choices(agreement)
    known_m, known_r = {m.id for m in municipalities}, {r.id for r in results}
    if any(m not in known_m or r not in known_r for m, r in new.lines):
        raise MonitoringRefused(_l("Kies gemeenten en resultaten uit de overeenkomst."), "municipalities")


def take_step(
    action: MonitoringAction,
    step: str,
    *,
    by: str,
    user: User | None,
    now: datetime,
    note: str = "",
    response: str = "",
) -> MonitoringAction:
    """Move the action by one step of the rules table; the step, its note and its author are kept."""
    new_status = rules.next_status(action.kind, action.status, step, by=by)
    if action.kind is ActionKind.TERMINATION and step == "cancel":
        rules.check_termination_cancel(action.due_on, to_local(now).date())
    if step == "submit":
        _record_response(action, response, now)
    action.events.append(
        ActionEvent(
            at=now,
            actor_id=user.id if user else None,
            from_status=action.status.value,
            to_status=new_status.value,
            note=note,
        )
    )
    action.status, action.updated_at = new_status, now
    db.session.flush()
    audit.record("monitoring.step", action, actor=user, organisation_id=action.organisation_id, step=step)
    if by == MANAGER and step in TOLD_AFTER:
        tell_provider(action, step)
    return action


def _record_response(action: MonitoringAction, response: str, now: datetime) -> None:
    if not response.strip():
        raise MonitoringRefused(_l("Schrijf uw verbeterplan."), "response")
    action.provider_response, action.responded_at = response, now


def tell_provider(action: MonitoringAction, occasion: str) -> None:
    """E-mail the provider's administrators about the action (once per action, occasion and person)."""
    subject = _l("%(kind)s: %(title)s", kind=action.kind.label, title=action.title)
    for admin in accounts.provider_admins(action.organisation_id):
        mail.queue(
            admin.email,
            str(subject),
            "monitoring_action",
            dedupe_key=f"monitoring:{action.id}:{occasion}:{len(action.events)}:{admin.id}",
            name=admin.name,
            kind=action.kind.label,
            title=action.title,
            status=action.status.label,
            due_on=action.due_on,
            occasion=occasion,
        )
