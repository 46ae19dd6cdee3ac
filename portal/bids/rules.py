"""Pure decisions about a bid: the deadline, the choice, completeness, word limits, the sealed rule.

No database and no Flask: everything arrives as arguments (`now=` included), so tests pass a frozen time.

Deadline rule: a submission is accepted while `now < deadline`; at the deadline second itself it is
refused (`now >= deadline`). The server clock is UTC and has whole seconds (portal.clock.now).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.models.enums import AnswerType, Procedure, TenderStatus
from portal.refusals import DomainRefusal


class BidRefused(DomainRefusal):
    """A domain refusal; str(error) is the Dutch message for the person."""


class DeadlinePassed(BidRefused):
    pass


class InvalidChoice(BidRefused):
    def __init__(self, message: object, problems: list[str] | None = None) -> None:
        super().__init__(str(message))
        self.problems = problems or []


class WordLimitExceeded(BidRefused):
    def __init__(self, words: int, limit: int) -> None:
        super().__init__(
            str(_l("Uw antwoord telt %(words)s woorden; het maximum is %(limit)s.", words=words, limit=limit))
        )
        self.words = words
        self.limit = limit


class StaleEdit(BidRefused):
    """Someone saved this section after the version the person started from; nothing was overwritten.

    `theirs` is what is stored now, `yours` what the person tried to save: the page shows both.
    """

    def __init__(self, changed_by: str, changed_at: datetime | None, theirs: Any, yours: Any) -> None:
        super().__init__(str(_l("Dit onderdeel is intussen gewijzigd door %(name)s.", name=changed_by)))
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.theirs = theirs
        self.yours = yours


class BidLocked(BidRefused):
    """A submitted bid is immutable: withdraw it first (before the deadline) to change it."""


class NotOfThisBid(BidRefused):
    """An id in the form that does not belong to this bid's tender or organisation (a tampered form)."""


@dataclass(frozen=True)
class Missing:
    """One missing item: its section (choice, requirements, criteria, signatory), the item and why."""

    section: str
    message: str
    item_id: int | None = None


class IncompleteBid(BidRefused):
    def __init__(self, missing: list[Missing]) -> None:
        super().__init__(str(_l("Uw inschrijving is nog niet compleet.")))
        self.missing = missing


# --- deadline ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Where a submission made at `now` falls: its deadline, and for open house its admission window."""

    deadline: datetime
    window: Any | None = None


def open_period(tender: Any, *, now: datetime) -> Period | None:
    """The period a submission at `now` belongs to, or None when nothing can be submitted now."""
    if tender.status is not TenderStatus.PUBLISHED:
        return None
    if tender.procedure is Procedure.OPEN_HOUSE:
        for window in tender.windows:
            if as_utc(window.opens_at) <= now < as_utc(window.closes_at):
                return Period(deadline=as_utc(window.closes_at), window=window)
        return None
    deadline = tender.submission_deadline
    if deadline is None or now >= as_utc(deadline):
        return None
    return Period(deadline=as_utc(deadline))


def check_open(tender: Any, *, now: datetime) -> Period:
    period = open_period(tender, now=now)
    if period is None:
        raise DeadlinePassed(
            _l(
                "De termijn voor inschrijven is verstreken of nog niet open. Er kan nu niets worden ingediend."
            )
        )
    return period


@dataclass(frozen=True)
class Timing:
    """What the pages say about submitting at `now`: open until `deadline`; or closed since `closed_at`
    (the last deadline or window end that passed), and for open house the next window's `opens_at`."""

    deadline: datetime | None = None
    closed_at: datetime | None = None
    opens_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.deadline is not None


def timing(tender: Any, *, now: datetime) -> Timing:
    """Never a deadline in the past: once it has passed the page says it closed, and when."""
    period = open_period(tender, now=now)
    if period is not None:
        return Timing(deadline=period.deadline)
    if tender.procedure is Procedure.OPEN_HOUSE:
        ends = [as_utc(w.closes_at) for w in tender.windows if as_utc(w.closes_at) <= now]
        starts = [as_utc(w.opens_at) for w in tender.windows if as_utc(w.opens_at) > now]
        return Timing(closed_at=max(ends, default=None), opens_at=min(starts, default=None))
    deadline = tender.submission_deadline
    if deadline is not None and as_utc(deadline) <= now:
        return Timing(closed_at=as_utc(deadline))
    return Timing()


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    from datetime import UTC

    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def may_extend(procedure: Procedure, latest_window_id: int | None, current_window_id: int | None) -> bool:
    """Open house (toetreding/uitbreiding): a bid submitted in an earlier window may be changed and
    submitted again in a later window. In the same window, or for an aanbesteding, a submitted bid is
    immutable until it is withdrawn."""
    return (
        procedure is Procedure.OPEN_HOUSE
        and current_window_id is not None
        and latest_window_id != current_window_id
    )


# --- sealed -------------------------------------------------------------------------------------


def content_visible(tender: Any, window: Any | None, *, now: datetime) -> bool:
    """Sealed rule: a submitted bid's content is visible to staff only after its deadline has passed.

    Aanbesteding and subsidie: after the tender's submission deadline. Open house: after the close of
    the admission window the submission was received in.
    """
    if tender.procedure is Procedure.OPEN_HOUSE:
        return window is not None and now >= as_utc(window.closes_at)
    return tender.submission_deadline is not None and now >= as_utc(tender.submission_deadline)


# --- choice ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Offerable:
    """What a tender lets a provider choose: result-level id → lot id, and the participating municipalities."""

    lot_of: Mapping[int, int]
    municipality_ids: frozenset[int]
    labels: Mapping[int, str] = field(default_factory=dict)


def validate_choice(offerable: Offerable, pairs: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    """The chosen (result_level_id, municipality_id) pairs, or InvalidChoice listing every bad one.

    A result-level must belong to a perceel of this tender; a municipality must participate in it.
    Ids of another tender or invented ones fall under the same refusals: nothing is saved.
    """
    chosen = set(pairs)
    problems = {problem for pair in sorted(chosen) for problem in _pair_problems(offerable, *pair)}
    if problems:
        raise InvalidChoice(
            _l("Uw keuze bevat onderdelen die niet bij dit inkooptraject horen. Er is niets opgeslagen."),
            sorted(problems),
        )
    return chosen


def _pair_problems(offerable: Offerable, result_level_id: int, municipality_id: int) -> list[str]:
    problems = []
    if result_level_id not in offerable.lot_of:
        message = _l(
            "Resultaat/niveau %(id)s hoort niet bij een perceel van dit inkooptraject.", id=result_level_id
        )
        problems.append(str(message))
    if municipality_id not in offerable.municipality_ids:
        problems.append(str(_l("Gemeente %(id)s doet niet mee aan dit inkooptraject.", id=municipality_id)))
    return problems


def parse_pairs(values: Iterable[str]) -> set[tuple[int, int]]:
    """Form values "<result_level_id>:<municipality_id>"; anything else is a tampered form."""
    pairs = set()
    for value in values:
        left, sep, right = value.partition(":")
        if not sep or not left.isdigit() or not right.isdigit():
            raise InvalidChoice(_l("Het formulier is niet goed ontvangen. Er is niets opgeslagen."))
        pairs.add((int(left), int(right)))
    return pairs


def chosen_lots(offerable: Offerable, pairs: Iterable[tuple[int, int]]) -> set[int]:
    return {offerable.lot_of[rl] for rl, _m in pairs if rl in offerable.lot_of}


def applies(item_lot_ids: Iterable[int], lot_ids: set[int]) -> bool:
    """A requirement or criterion without linked percelen applies to every perceel."""
    linked = set(item_lot_ids)
    return not linked or bool(linked & lot_ids)


# --- words -----------------------------------------------------------------------------------------


def word_count(text: str | None) -> int:
    return len((text or "").split())


def check_word_limit(text: str | None, limit: int | None) -> None:
    words = word_count(text)
    if limit is not None and words > limit:
        raise WordLimitExceeded(words, limit)


# --- completeness ------------------------------------------------------------------------------------


def requirement_answered(answer_type: AnswerType, evidence_required: bool, answer: Any | None) -> bool:
    if answer is None:
        return False
    has_evidence = bool(answer.evidence)
    done = {
        AnswerType.DECLARATION: answer.declaration is not None,
        AnswerType.TEXT: bool((answer.text or "").strip()),
        AnswerType.DATE: answer.answer_date is not None,
        AnswerType.FILE: has_evidence,
    }[answer_type]
    return done and (has_evidence or not evidence_required)


def missing_items(
    *,
    pairs: set[tuple[int, int]],
    requirements: Iterable[Any],
    criteria: Iterable[Any],
    answers: Mapping[int, Any],
    criterion_answers: Mapping[int, Any],
    signatory_name: str,
) -> list[Missing]:
    """Everything that stops submission, per section; `requirements`/`criteria` are those that apply."""
    missing: list[Missing] = []
    if not pairs:
        missing.append(Missing("choice", str(_l("Kies ten minste één perceel, gemeente en resultaat."))))
    missing += [_requirement_missing(r) for r in requirements if not _answered(r, answers.get(r.id))]
    for criterion in criteria:
        problem = _criterion_missing(criterion, criterion_answers.get(criterion.id))
        if problem is not None:
            missing.append(problem)
    if not (signatory_name or "").strip():
        missing.append(
            Missing("signatory", str(_l("Uw organisatie heeft nog geen tekenbevoegde geregistreerd.")))
        )
    return missing


def _answered(requirement: Any, answer: Any | None) -> bool:
    return requirement_answered(requirement.answer_type, requirement.evidence_required, answer)


def _requirement_missing(requirement: Any) -> Missing:
    return Missing("requirements", _short(requirement.text), requirement.id)


def _criterion_missing(criterion: Any, answer: Any | None) -> Missing | None:
    """An award criterion's answer is missing when empty, and does not count when over its word limit."""
    text = (answer.text if answer is not None else "") or ""
    if not text.strip():
        return Missing("criteria", _short(criterion.question), criterion.id)
    if criterion.word_limit is not None and word_count(text) > criterion.word_limit:
        return Missing(
            "criteria", str(_l("Te veel woorden: %(q)s", q=_short(criterion.question))), criterion.id
        )
    return None


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section_progress(missing: list[Missing]) -> dict[str, int]:
    """How many items are missing per section (0: complete)."""
    counts = {"choice": 0, "requirements": 0, "criteria": 0, "signatory": 0}
    for item in missing:
        counts[item.section] += 1
    return counts


def helper_selection(
    action: str,
    *,
    levels_of: Mapping[tuple[int, int], list[int]],
    municipality_ids: Iterable[int],
) -> tuple[set[tuple[int, int]], int | None]:
    """The pairs a "select all" button adds, and the perceel a "clear" button empties.

    action: "result:<result_id>:<lot_id>" (every level of the result in the perceel × every municipality),
    "municipality:<lot_id>:<municipality_id>" (every result-level of the perceel in that municipality),
    "clear:<lot_id>". `levels_of` maps (result_id, lot_id) → result-level ids. Unknown ids add nothing.
    """
    kind, numbers = _helper_action(action)
    municipalities = set(municipality_ids)
    if kind == "result" and len(numbers) == 2:
        levels = levels_of.get((numbers[0], numbers[1]), [])
        return {(rl, m) for rl in levels for m in municipalities}, None
    if kind == "municipality" and len(numbers) == 2 and numbers[1] in municipalities:
        return {(rl, numbers[1]) for rl in levels_in_lot(levels_of, numbers[0])}, None
    if kind == "clear" and len(numbers) == 1:
        return set(), numbers[0]
    raise InvalidChoice(_l("Het formulier is niet goed ontvangen. Er is niets opgeslagen."))


def levels_in_lot(levels_of: Mapping[tuple[int, int], list[int]], lot_id: int) -> set[int]:
    """Every result-level id of the perceel; `levels_of` maps (result_id, lot_id) → result-level ids."""
    return {rl for (_result, lot), rls in levels_of.items() if lot == lot_id for rl in rls}


def _helper_action(action: str) -> tuple[str, list[int]]:
    """ "<kind>:<id>[:<id>]" as the kind and its ids; anything else is a tampered form."""
    kind, _sep, rest = action.partition(":")
    parts = rest.split(":")
    if not all(p.isdigit() for p in parts):
        raise InvalidChoice(_l("Het formulier is niet goed ontvangen. Er is niets opgeslagen."))
    return kind, [int(p) for p in parts]


def requirement_title(text: str, *, limit: int = 80) -> str:
    """A requirement's card title (the model has no title field): its first non-empty line, cut at a
    word before `limit` characters with an ellipsis. Plain text; the template escapes it."""
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    if len(line) <= limit:
        return line
    cut = line[: limit - 1].rsplit(" ", 1)[0] if " " in line[: limit - 1] else line[: limit - 1]
    return cut.rstrip(" ,;:.-–") + "…"
