"""The reads of the daily contract-term job (portal/monitoring/term.py): what may move or be reminded."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models import (
    ActionKind,
    ActionStatus,
    Agreement,
    AgreementStatus,
    AgreementVersion,
    DocumentKind,
    DossierDocument,
    MonitoringAction,
)
from portal.monitoring.queries import reported


def agreements_to_move() -> list[tuple[Agreement, AgreementVersion]]:
    """Contracts whose status may change by date: signed or active, with their current version."""
    agreements = db.session.scalars(
        sa.select(Agreement)
        .where(Agreement.status.in_((AgreementStatus.SIGNED, AgreementStatus.ACTIVE)))
        .options(selectinload(Agreement.versions))
        .order_by(Agreement.id)
    )
    return [(agreement, agreement.versions[-1]) for agreement in agreements]


def termination_days() -> dict[int, date]:
    """agreement_id -> the last day a termination in force gives it."""
    rows = db.session.execute(
        sa.select(MonitoringAction.agreement_id, sa.func.min(MonitoringAction.due_on))
        .where(
            MonitoringAction.kind == ActionKind.TERMINATION,
            MonitoringAction.status == ActionStatus.IN_FORCE,
            MonitoringAction.agreement_id.is_not(None),
        )
        .group_by(MonitoringAction.agreement_id)
    )
    return {row[0]: row[1] for row in rows if row[0] is not None and row[1] is not None}


def requested_plans() -> list[MonitoringAction]:
    """Verbeterplannen waiting for the provider, with a deadline (the reminders)."""
    return list(
        db.session.scalars(
            sa.select(MonitoringAction)
            .where(
                MonitoringAction.kind == ActionKind.IMPROVEMENT_PLAN,
                MonitoringAction.status.in_((ActionStatus.REQUESTED, ActionStatus.REJECTED)),
                MonitoringAction.due_on.is_not(None),
            )
            .order_by(MonitoringAction.id)
        )
    )


def documents_expiring(today: date, days: int) -> list[tuple[int, DocumentKind, date]]:
    """(organisation_id, kind, last expiry) of kinds whose latest expiry falls within `days` from today."""
    last = sa.func.max(DossierDocument.expires_on)
    rows = db.session.execute(
        sa.select(DossierDocument.organisation_id, DossierDocument.kind, last)
        .group_by(DossierDocument.organisation_id, DossierDocument.kind)
        .having(last >= today, last <= today + timedelta(days=days))
        .order_by(DossierDocument.organisation_id, DossierDocument.kind)
    )
    return [(row[0], row[1], row[2]) for row in rows]


def without_report(period: str) -> list[int]:
    """Contracted providers (active contracts) that have not reported on `period`."""
    return list(
        db.session.scalars(
            sa.select(Agreement.organisation_id)
            .where(
                Agreement.status == AgreementStatus.ACTIVE,
                Agreement.organisation_id.not_in(reported(period)),
            )
            .distinct()
            .order_by(Agreement.organisation_id)
        )
    )


def terminations_in_force(agreement_id: int) -> list[MonitoringAction]:
    return list(
        db.session.scalars(
            sa.select(MonitoringAction).where(
                MonitoringAction.agreement_id == agreement_id,
                MonitoringAction.kind == ActionKind.TERMINATION,
                MonitoringAction.status == ActionStatus.IN_FORCE,
            )
        )
    )
