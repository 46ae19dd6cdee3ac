"""Pure decisions about tenders: date order, publication checklist, countdowns, question deadline.

No database and no Flask request: everything arrives as arguments (`now=` included), so tests pass
frozen times. Messages are lazy Dutch strings, turned into text where they are shown.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from portal.clock import to_local
from portal.models.enums import Procedure


@dataclass(frozen=True)
class Problem:
    """A refusal that belongs to one form field (`field` is the form field's name)."""

    field: str
    message: object

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class TenderDates:
    procedure: Procedure
    publication_at: datetime | None = None
    question_deadline: datetime | None = None
    submission_deadline: datetime | None = None
    windows: tuple[tuple[datetime, datetime], ...] = ()
    contract_start: date | None = None


QUESTIONS_AFTER_PUBLICATION = _l("De sluitingsdatum voor vragen moet na de publicatiedatum liggen.")
SUBMISSION_AFTER_QUESTIONS = _l(
    "De sluitingsdatum voor inschrijvingen moet na de sluitingsdatum voor vragen liggen."
)
SUBMISSION_AFTER_PUBLICATION = _l("De sluitingsdatum voor inschrijvingen moet na de publicatiedatum liggen.")


def date_problems(dates: TenderDates) -> list[Problem]:
    """Every date that is in the wrong order, with the field it belongs to. Empty list: all fine."""
    return [*_deadline_problems(dates), *_window_problems(dates), *_contract_start_problems(dates)]


def _deadline_problems(dates: TenderDates) -> list[Problem]:
    """Publication, then the question deadline, then the submission deadline."""
    pub, question, submission = dates.publication_at, dates.question_deadline, dates.submission_deadline
    problems = []
    if pub and question and question <= pub:
        problems.append(Problem("question_deadline", QUESTIONS_AFTER_PUBLICATION))
    if submission and question and submission <= question:
        problems.append(Problem("submission_deadline", SUBMISSION_AFTER_QUESTIONS))
    elif submission and pub and submission <= pub:
        problems.append(Problem("submission_deadline", SUBMISSION_AFTER_PUBLICATION))
    return problems


def _window_problems(dates: TenderDates) -> list[Problem]:
    problems: list[Problem] = []
    ordered = sorted(dates.windows)
    for opens, closes in ordered:
        if closes <= opens:
            problems.append(
                Problem("windows", _l("Een toelatingsronde moet sluiten na het moment dat zij opent."))
            )
        if dates.publication_at and opens < dates.publication_at:
            problems.append(
                Problem("windows", _l("Een toelatingsronde kan niet openen vóór de publicatiedatum."))
            )
    for (_o1, first_closes), (second_opens, _c2) in itertools.pairwise(ordered):
        if second_opens < first_closes:
            problems.append(Problem("windows", _l("Toelatingsrondes mogen elkaar niet overlappen.")))
    return problems


def _contract_start_problems(dates: TenderDates) -> list[Problem]:
    if dates.contract_start is None:
        return []
    closing = dates.submission_deadline
    if closing is None and dates.windows:
        closing = min(closes for _opens, closes in dates.windows)
    if closing is not None and dates.contract_start <= to_local(closing).date():
        return [
            Problem(
                "contract_start",
                _l("De overeenkomst moet ingaan na de sluitingsdatum voor inschrijvingen."),
            )
        ]
    return []


def missing_dates(dates: TenderDates) -> list[object]:
    """The dates a tender needs before it can be published."""
    missing: list[object] = []
    if dates.publication_at is None:
        missing.append(_l("De publicatiedatum ontbreekt."))
    if dates.question_deadline is None:
        missing.append(_l("De sluitingsdatum voor vragen ontbreekt."))
    if dates.procedure is Procedure.OPEN_HOUSE and not dates.windows:
        missing.append(_l("Er is geen toelatingsronde (open house heeft er minstens één)."))
    if dates.procedure is not Procedure.OPEN_HOUSE and dates.submission_deadline is None:
        missing.append(_l("De sluitingsdatum voor inschrijvingen ontbreekt."))
    if dates.contract_start is None:
        missing.append(_l("De ingangsdatum van de overeenkomst ontbreekt."))
    return missing


@dataclass(frozen=True)
class TenderOutline:
    """What the publication checklist looks at, as plain data (built by the service)."""

    dates: TenderDates
    municipality_count: int = 0
    lot_names: tuple[str, ...] = ()
    criterion_weights: tuple[Decimal, ...] = ()
    requirement_count: int = 0
    result_level_count: int = 0
    result_levels_without_lot: tuple[str, ...] = ()  # "V1 niveau 4"
    missing_tariffs: tuple[str, ...] = ()  # "V1 niveau 4 in Assen"
    extra: list[object] = field(default_factory=list)


def publication_checklist(outline: TenderOutline) -> list[object]:
    """Everything that keeps the tender from publication. Empty: it may be published."""
    missing: list[object] = list(missing_dates(outline.dates))
    missing.extend(problem.message for problem in date_problems(outline.dates))
    if outline.municipality_count == 0:
        missing.append(_l("Er zijn geen deelnemende gemeenten gekozen."))
    if not outline.lot_names:
        missing.append(_l("Er zijn geen percelen."))
    missing.extend(_matrix_gaps(outline))
    if outline.requirement_count == 0:
        missing.append(_l("Er zijn geen eisen."))
    total = sum(outline.criterion_weights, Decimal(0))
    if outline.criterion_weights and total != Decimal(100):
        missing.append(
            _l("De wegingen van de gunningscriteria tellen op tot %(total)s in plaats van 100.", total=total)
        )
    return missing + outline.extra


def _matrix_gaps(outline: TenderOutline) -> list[object]:
    """An empty matrix, or the first 20 result-levels without a perceel and without a tariff, and a count
    of the rest."""
    if outline.result_level_count == 0:
        return [_l("De resultatenmatrix is leeg.")]
    gaps: list[object] = [
        _l("%(item)s hoort bij geen enkel perceel.", item=name)
        for name in outline.result_levels_without_lot[:20]
    ]
    gaps.extend(_l("Er is geen tarief voor %(item)s.", item=name) for name in outline.missing_tariffs[:20])
    hidden = max(0, len(outline.result_levels_without_lot) - 20) + max(0, len(outline.missing_tariffs) - 20)
    if hidden:
        gaps.append(_l("En nog %(count)s ontbrekende onderdelen van de matrix.", count=hidden))
    return gaps


def countdown(deadline: datetime | None, *, now: datetime) -> str:
    """'nog 3 dagen', 'nog 1 dag', 'vandaag', 'verlopen', counted in Amsterdam calendar days."""
    if deadline is None:
        return ""
    if deadline <= now:
        return str(_l("verlopen"))
    days = (to_local(deadline).date() - to_local(now).date()).days
    if days == 0:
        return str(_l("vandaag"))
    if days == 1:
        return str(_l("nog 1 dag"))
    return str(_l("nog %(days)s dagen", days=days))


def question_deadline_passed(deadline: datetime | None, *, now: datetime) -> bool:
    """Questions may be asked up to and including the deadline second."""
    return deadline is None or now > deadline


def phase(
    *, published: bool, question_deadline: datetime | None, closes_at: datetime | None, now: datetime
) -> object:
    """The public status of a tender, as a label."""
    if not published:
        return _l("Concept")
    if question_deadline and now <= question_deadline:
        return _l("Open: vragen stellen kan nog")
    if closes_at and now <= closes_at:
        return _l("Open voor inschrijving")
    return _l("Gesloten")


def next_closing(
    submission_deadline: datetime | None, windows: list[tuple[datetime, datetime]], *, now: datetime
) -> datetime | None:
    """The next moment inschrijven closes: the deadline, or the close of the current/next window."""
    if submission_deadline is not None:
        return submission_deadline
    upcoming = [closes for _opens, closes in sorted(windows) if closes > now]
    return upcoming[0] if upcoming else (max((c for _o, c in windows), default=None))
