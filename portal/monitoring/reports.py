"""The provider's half-yearly report on the prestatieafspraken: submitted once per half-year."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from portal import audit
from portal.clock import to_local
from portal.extensions import db
from portal.models import IndicatorReport, User
from portal.monitoring import indicators, queries
from portal.monitoring.rules import MonitoringRefused


def submit_report(
    organisation_id: int,
    values: dict[str, Decimal | None],
    explanation: str,
    *,
    user: User | None,
    now: datetime,
) -> IndicatorReport:
    """The report on the half-year that ended last; a second one for the same half-year is refused."""
    period = indicators.period_to_report(to_local(now).date())
    if queries.report_of(organisation_id, period) is not None:
        raise MonitoringRefused(
            _l(
                "Uw rapportage over %(period)s is al ingediend. Een correctie loopt via contractmanagement.",
                period=period,
            )
        )
    report = IndicatorReport(
        organisation_id=organisation_id,
        period=period,
        values=indicators.checked_values(values),
        explanation=explanation,
        submitted_at=now,
        submitted_by_id=user.id if user else None,
    )
    db.session.add(report)
    db.session.flush()
    audit.record(
        "monitoring.report_submitted", report, actor=user, organisation_id=organisation_id, period=period
    )
    return report
