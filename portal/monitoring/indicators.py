"""Pure rules of the half-yearly report on the prestatieafspraken (seed 000, kader 9: quality, waiting
times and waiting lists, costs, cooperation, reporting). No database, no Flask.

A provider reports on each half-year after it ends, at the latest one month later (H1 by 31 July, H2 by
31 January); it is reminded in the two weeks before that day and once after it, and listed as late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.monitoring.rules import MonitoringRefused

REMINDER_DAYS = 14


@dataclass(frozen=True)
class Indicator:
    code: str
    label: Any  # a lazy translated string (flask_babel's LazyString)
    minimum: int
    maximum: int


INDICATORS = (
    Indicator("satisfaction", _l("Cliënttevredenheid (gemiddeld rapportcijfer, 1 tot en met 10)"), 1, 10),
    Indicator("outflow", _l("Uitstroom met behaald resultaat (% van de afgesloten trajecten)"), 0, 100),
    Indicator("waiting_days", _l("Gemiddelde wachttijd tot de start van de zorg (dagen)"), 0, 365),
    Indicator("waiting_list", _l("Cliënten op de wachtlijst op de laatste dag (aantal)"), 0, 100_000),
    Indicator("complaints", _l("Ontvangen klachten (aantal)"), 0, 100_000),
)


def period_of(day: date) -> str:
    return f"{day.year}-H{1 if day.month <= 6 else 2}"


def period_to_report(today: date) -> str:
    """The half-year a provider reports on now: the last one that has ended."""
    return period_of(
        date(today.year, 1, 1) - timedelta(days=1) if today.month <= 6 else date(today.year, 6, 30)
    )


def due_on(period: str) -> date:
    """One month after the half-year: H1 by 31 July, H2 by 31 January of the next year."""
    year, half = int(period[:4]), period[-1]
    return date(year, 7, 31) if half == "1" else date(year + 1, 1, 31)


def reminder(period: str, today: date) -> str | None:
    """'soon' in the two weeks before the due day, 'late' after it, else None."""
    deadline = due_on(period)
    if today > deadline:
        return "late"
    if today >= deadline - timedelta(days=REMINDER_DAYS):
        return "soon"
    return None


def checked_values(values: dict[str, Decimal | None]) -> dict[str, str]:
    """Every indicator answered within its range; stored as text so the Decimal stays exact."""
    for indicator in INDICATORS:
        value = values.get(indicator.code)
        if value is None or not value.is_finite() or not indicator.minimum <= value <= indicator.maximum:
            raise MonitoringRefused(
                _l(
                    "Vul voor deze afspraak een getal in van %(min)s tot en met %(max)s.",
                    min=indicator.minimum,
                    max=indicator.maximum,
                ),
                f"value_{indicator.code}",
            )
    return {indicator.code: str(values[indicator.code]) for indicator in INDICATORS}
