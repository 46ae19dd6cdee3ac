"""Pure decisions of the contract term: the states of each monitoring action, the contract's own
status by date, and when a reminder is due. No database, no Flask.

The states per action (seed 000 kader 13, seed 004 chapter 5):
- accountgesprek, tussentijdse evaluatie, eindevaluatie: gepland → afgerond | vervallen
- signaal/klacht: open → afgerond
- verbeterplan: gevraagd → ingediend (by the provider) → goedgekeurd | afgewezen; afgewezen → ingediend
  (a new plan); gevraagd → vervallen
- cliëntenstop, opschorting: van kracht → opgeheven
- beëindiging: van kracht (the contract ends after the chosen day) → vervallen, only before that day;
  van kracht → afgerond by the daily job once the contract has ended
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from portal.models.enums import AgreementStatus
from portal.models.monitoring import ActionKind, ActionStatus
from portal.refusals import DomainRefusal

K, S = ActionKind, ActionStatus
MANAGER, PROVIDER, SYSTEM = "manager", "provider", "system"  # SYSTEM: the daily contract-term job
PLAN_REMINDER_DAYS = 7  # the provider is reminded a week before the verbeterplan's deadline


class MonitoringRefused(DomainRefusal):
    """A refused monitoring step; str(error) is the Dutch message for the person."""


MEETINGS = (K.ACCOUNT_MEETING, K.INTERIM_EVALUATION, K.FINAL_EVALUATION)
MEASURES = (K.CLIENT_STOP, K.SUSPENSION)

INITIAL: dict[ActionKind, ActionStatus] = {
    **dict.fromkeys(MEETINGS, S.PLANNED),
    K.SIGNAL: S.OPEN,
    K.IMPROVEMENT_PLAN: S.REQUESTED,
    **dict.fromkeys(MEASURES, S.IN_FORCE),
    K.TERMINATION: S.IN_FORCE,
}

# (kind, status, step) -> (new status, who may take the step)
STEPS: dict[tuple[ActionKind, ActionStatus, str], tuple[ActionStatus, str]] = {
    **{(kind, S.PLANNED, "hold"): (S.DONE, MANAGER) for kind in MEETINGS},
    **{(kind, S.PLANNED, "cancel"): (S.CANCELLED, MANAGER) for kind in MEETINGS},
    (K.SIGNAL, S.OPEN, "close"): (S.DONE, MANAGER),
    (K.IMPROVEMENT_PLAN, S.REQUESTED, "submit"): (S.SUBMITTED, PROVIDER),
    (K.IMPROVEMENT_PLAN, S.REJECTED, "submit"): (S.SUBMITTED, PROVIDER),
    (K.IMPROVEMENT_PLAN, S.SUBMITTED, "accept"): (S.ACCEPTED, MANAGER),
    (K.IMPROVEMENT_PLAN, S.SUBMITTED, "reject"): (S.REJECTED, MANAGER),
    (K.IMPROVEMENT_PLAN, S.REQUESTED, "cancel"): (S.CANCELLED, MANAGER),
    **{(kind, S.IN_FORCE, "lift"): (S.LIFTED, MANAGER) for kind in MEASURES},
    (K.TERMINATION, S.IN_FORCE, "cancel"): (S.CANCELLED, MANAGER),
    (K.TERMINATION, S.IN_FORCE, "end"): (S.DONE, SYSTEM),  # the contract has ended by it
}

STEP_LABELS = {
    "hold": _l("Afgerond"),
    "cancel": _l("Laten vervallen"),
    "close": _l("Afhandelen"),
    "submit": _l("Verbeterplan indienen"),
    "accept": _l("Goedkeuren"),
    "reject": _l("Afwijzen"),
    "lift": _l("Opheffen"),
    "end": _l("Overeenkomst beëindigd"),
}


def next_status(kind: ActionKind, status: ActionStatus, step: str, *, by: str) -> ActionStatus:
    """The status after `step`, or a refusal when the step is not open to `by` in this status."""
    found = STEPS.get((kind, status, step))
    if found is None:
        raise MonitoringRefused(_l("Deze stap kan nu niet (meer) worden gezet."))
    new_status, who = found
    if who != by:
        raise MonitoringRefused(_l("Deze stap is niet aan u."))
    return new_status


def steps_for(kind: ActionKind, status: ActionStatus, *, by: str) -> list[str]:
    """The steps `by` may take now, in the table's order (the buttons of the action page)."""
    return [step for (k, s, step), (_to, who) in STEPS.items() if k is kind and s is status and who == by]


def check_termination_cancel(ends_on: date | None, today: date) -> None:
    if ends_on is not None and today > ends_on:
        raise MonitoringRefused(
            _l("De overeenkomst is al beëindigd; de beëindiging kan niet meer vervallen.")
        )


def check_new_action(
    kind: ActionKind, *, happens_on: date | None, due_on: date | None, lines: int, today: date
) -> None:
    """What each kind needs before it can be recorded."""
    if kind is K.IMPROVEMENT_PLAN and (due_on is None or due_on < today):
        raise MonitoringRefused(
            _l("Kies een uiterste datum voor het verbeterplan, vandaag of later."), "due_on"
        )
    if kind in MEASURES and happens_on is None:
        raise MonitoringRefused(_l("Kies de datum waarop de maatregel ingaat."), "happens_on")
    if kind is K.CLIENT_STOP and lines == 0:
        raise MonitoringRefused(_l("Kies ten minste één gemeente en één resultaat."), "municipalities")
    if kind is K.TERMINATION and (due_on is None or due_on < today):
        raise MonitoringRefused(_l("Kies de laatste dag van de overeenkomst, vandaag of later."), "due_on")
    if happens_on and due_on and kind in MEASURES and due_on < happens_on:
        raise MonitoringRefused(_l("De einddatum ligt vóór de ingangsdatum."), "due_on")


def stop_in_force(status: ActionStatus, starts_on: date | None, ends_on: date | None, today: date) -> bool:
    """A cliëntenstop (or suspension) holds from its first to its last day, unless lifted."""
    if status is not S.IN_FORCE or starts_on is None or today < starts_on:
        return False
    return ends_on is None or today <= ends_on


# --- the contract's status by date ----------------------------------------------------------------


def term_status(
    status: AgreementStatus, *, start: date, end: date | None, today: date
) -> AgreementStatus | None:
    """The status a contract moves to on `today` by its dates alone, or None: it stays.

    Signed by both parties: active from its start day; signed or active: ended after its last day.
    """
    if status in (AgreementStatus.SIGNED, AgreementStatus.ACTIVE) and end is not None and today > end:
        return AgreementStatus.ENDED
    if status is AgreementStatus.SIGNED and today >= start:
        return AgreementStatus.ACTIVE
    return None


def last_day(contract_end: date | None, termination_end: date | None) -> date | None:
    """The earlier of the contract's own end and an end set by a termination."""
    days = [day for day in (contract_end, termination_end) if day is not None]
    return min(days) if days else None


def plan_reminder(due_on: date, today: date) -> str | None:
    """Which reminder about a requested verbeterplan is due: 'soon' in the week before the deadline,
    'overdue' after it. A run that was missed for a day still finds the reminder due."""
    if today > due_on:
        return "overdue"
    if today >= due_on - timedelta(days=PLAN_REMINDER_DAYS):
        return "soon"
    return None


# --- the provider's dossier ------------------------------------------------------------------------

DOSSIER_REMINDER_DAYS = (14, 60)  # reminders 60 and 14 days before a document expires


def dossier_reminder(expires_on: date, today: date) -> int | None:
    """The reminder due for a document expiring on `expires_on`: 14 or 60 (days before), or None.

    A run missed for days still finds it due; once within 14 days only the 14-day reminder is due."""
    if today > expires_on:
        return None
    for days in DOSSIER_REMINDER_DAYS:
        if today >= expires_on - timedelta(days=days):
            return days
    return None


def check_expiry(expires_on: date | None, today: date) -> None:
    if expires_on is None or expires_on < today:
        raise MonitoringRefused(
            _l("Vul de vervaldatum in; een verlopen document nemen wij niet aan."), "expires_on"
        )
