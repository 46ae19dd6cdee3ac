"""Pure decisions of the assessment: opening the vault, totals, minimum scores, ranking, standstill.

No database, no Flask: everything a rule needs is an argument (`now=` included), so the numbers on a
decision can be reproduced from what is stored and the rules are tested without HTTP.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from portal.bids import rules as bid_rules

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
OPENING_WINDOW = timedelta(minutes=10)
SPREAD_THRESHOLD_FRACTION = Decimal("0.3")  # a spread over 30% of the scale's range is flagged

EARLIEST_SUBMISSION = "earliest_submission"
HIGHEST_HEAVIEST_CRITERION = "highest_heaviest_criterion"
TIE_BREAK_RULES = (EARLIEST_SUBMISSION, HIGHEST_HEAVIEST_CRITERION)


# --- opening --------------------------------------------------------------------------------------


class OpeningRefused(Exception):
    """The vault cannot be opened (yet) by this person; `reason` is a key the route turns into text."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class OpeningStep(Enum):
    FIRST = "first"  # recorded as (a new) first confirmation; the vault stays closed
    OPENED = "opened"  # the vault opens now


@dataclass(frozen=True)
class Confirmation:
    user_id: int
    at: datetime


def opening_step(
    *, two_person: bool, closes_at: datetime | None, first: Confirmation | None, user_id: int, now: datetime
) -> OpeningStep:
    """What a buyer's confirmation does.

    Aanbesteding (two_person): two DIFFERENT buyers confirm within 10 minutes of each other, like
    TenderNed's vault; a first confirmation older than 10 minutes has expired and this one becomes the
    new first. Open house: one buyer, once the admission window has closed. Never before closing.
    """
    if closes_at is None or now < closes_at:
        raise OpeningRefused("not_closed")
    if not two_person:
        return OpeningStep.OPENED
    if first is None or now - first.at > OPENING_WINDOW:
        return OpeningStep.FIRST
    if first.user_id == user_id:
        raise OpeningRefused("same_buyer")
    return OpeningStep.OPENED


# --- scores ---------------------------------------------------------------------------------------


def scale_values(scale: Iterable[Mapping[str, str]]) -> list[Decimal]:
    return sorted(Decimal(step["score"]) for step in scale)


def round_score(value: Decimal) -> Decimal:
    """The one rounding rule: half up to two decimals (stated on the results page and the letters)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def weighted_total(scores: Mapping[int, Decimal], weights: Mapping[int, Decimal]) -> Decimal:
    """Σ(consensus score × weight) / 100 over the criteria of `weights`, rounded once at the end."""
    raw = sum((scores[c] * weights[c] for c in weights), Decimal(0)) / HUNDRED
    return round_score(raw)


def below_minimum(scores: Mapping[int, Decimal], minimums: Mapping[int, Decimal | None]) -> list[int]:
    """The criteria whose consensus score is under its minimum score."""
    return [c for c, minimum in minimums.items() if minimum is not None and scores[c] < minimum]


def spread(values: Sequence[Decimal]) -> Decimal:
    return max(values) - min(values) if values else Decimal(0)


def spread_flagged(values: Sequence[Decimal], scale: Sequence[Decimal]) -> bool:
    """True when individual scores lie further apart than 30% of the scale's range."""
    if len(values) < 2 or not scale:
        return False
    return spread(values) > (max(scale) - min(scale)) * SPREAD_THRESHOLD_FRACTION


def mean(values: Sequence[Decimal]) -> Decimal | None:
    return round_score(sum(values, Decimal(0)) / len(values)) if values else None


# --- results and ranking per perceel ---------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    id: int
    weight: Decimal
    minimum: Decimal | None = None


@dataclass(frozen=True)
class Entry:
    """One submission on one perceel: its consensus scores and whether a knock-out excluded it."""

    submission_id: int
    submitted_at: datetime
    scores: Mapping[int, Decimal]
    knocked_out: tuple[int, ...] = ()  # requirement ids not met


@dataclass(frozen=True)
class Outcome:
    submission_id: int
    total: Decimal
    knocked_out: tuple[int, ...]
    below_minimum: tuple[int, ...]
    rank: int | None  # None: not ranked (excluded, or open house)
    admitted: bool
    beyond_max: bool = False
    reasons: tuple[str, ...] = field(default=())

    @property
    def eligible(self) -> bool:
        return not self.knocked_out and not self.below_minimum


def _tie_key(entry: Entry, rule: str, criteria: Sequence[Criterion]) -> tuple:
    if rule == HIGHEST_HEAVIEST_CRITERION:
        heaviest = sorted(criteria, key=lambda c: (-c.weight, c.id))
        return (*(-entry.scores[c.id] for c in heaviest), entry.submitted_at, entry.submission_id)
    return (entry.submitted_at, entry.submission_id)


def assess_lot(
    entries: Iterable[Entry],
    criteria: Sequence[Criterion],
    *,
    ranked: bool,
    max_providers: int | None,
    tie_break: str = EARLIEST_SUBMISSION,
) -> list[Outcome]:
    """Outcomes of one perceel, best first: exclusion, minimum scores, and (aanbesteding) rank and cap.

    Ties on the total are broken by the tender's rule, then by the submission id, so the order is total
    and does not depend on the order of `entries`.
    """
    weights = {c.id: c.weight for c in criteria}
    minimums = {c.id: c.minimum for c in criteria}
    staged = []
    for entry in entries:
        total = weighted_total(entry.scores, weights)
        low = tuple(below_minimum(entry.scores, minimums))
        staged.append((entry, total, low))
    staged.sort(key=lambda s: (bool(s[0].knocked_out or s[2]), -s[1], *_tie_key(s[0], tie_break, criteria)))
    outcomes, rank = [], 0
    for entry, total, low in staged:
        eligible = not entry.knocked_out and not low
        position = None
        if eligible and ranked:
            rank += 1
            position = rank
        beyond = eligible and ranked and max_providers is not None and rank > max_providers
        reasons = (
            ("knockout",) * bool(entry.knocked_out) + ("minimum",) * bool(low) + ("beyond_max",) * beyond
        )
        outcomes.append(
            Outcome(
                submission_id=entry.submission_id,
                total=total,
                knocked_out=tuple(entry.knocked_out),
                below_minimum=low,
                rank=position,
                admitted=eligible and not beyond,
                beyond_max=beyond,
                reasons=reasons,
            )
        )
    return outcomes


# --- which requirements and criteria apply -----------------------------------------------------------


def applies(item: Any, lot_ids: Iterable[int]) -> bool:
    """A requirement or criterion (`item.lots`) applies to these percelen: the bids feature's rule, so
    the provider answers exactly what the assessment checks."""
    return bid_rules.applies((lot.id for lot in item.lots), set(lot_ids))


def knocked_out(requirements: Iterable[Any], lot_id: int, not_met: Collection[int]) -> tuple[int, ...]:
    """The knock-out requirements of this perceel among those checked as not met (`not_met`: their ids):
    only a knock-out not met excludes, and only from the percelen it applies to."""
    return tuple(r.id for r in requirements if r.knockout and r.id in not_met and applies(r, [lot_id]))


# --- neutral codes and standstill ------------------------------------------------------------------


def neutral_codes(submissions: Iterable[tuple[int, datetime]]) -> dict[int, str]:
    """ "Inschrijving 001", ... by order of receipt: stable per tender once the vault is opened."""
    ordered = sorted(submissions, key=lambda s: (s[1], s[0]))
    return {sid: f"{i:03d}" for i, (sid, _at) in enumerate(ordered, start=1)}


def standstill_end(sent_at: datetime, days: int) -> date:
    """Last day of the standstill period: `days` calendar days after sending, in Europe/Amsterdam."""
    return sent_at.astimezone(AMSTERDAM).date() + timedelta(days=days)


def clarification_open(deadline: datetime, answered: bool, *, now: datetime) -> bool:
    return not answered and now <= deadline


# --- knock-out proposals and what keeps a bid from a decision ----------------------------------------

FLAG_ANSWERED_NO = "answered_no"
FLAG_MISSING_EVIDENCE = "missing_evidence"


def knockout_flag(
    *, knockout: bool, evidence_required: bool, declaration: bool | None, evidence_count: int
) -> str | None:
    """Why a knock-out answer is proposed "not met" (a key; None: nothing to propose).

    Like the Digital Marketplace's pass rules: the answer decides the proposal, a person the outcome.
    """
    if not knockout:
        return None
    if declaration is False:
        return FLAG_ANSWERED_NO
    if evidence_required and evidence_count == 0:
        return FLAG_MISSING_EVIDENCE
    return None


@dataclass(frozen=True)
class CheckState:
    outcome: str  # RequirementOutcome's value: "met", "not_met", "clarification"
    proposed: bool = False  # a knock-out proposal that no buyer has confirmed or overridden


def unsettled(required: Iterable[int], checks: Mapping[int, CheckState]) -> list[int]:
    """The requirements that keep a bid from any decision: not checked, waiting for a clarification,
    or a knock-out proposal no buyer confirmed; so an unconfirmed "nee" can never be admitted."""
    return [
        r for r in required if r not in checks or checks[r].proposed or checks[r].outcome == "clarification"
    ]


def needs_motivation(outcome: str, *, overrides_proposal: bool) -> bool:
    """A "not met" is motivated, and so is a "met" that overrides a knock-out proposal."""
    return outcome == "not_met" or (overrides_proposal and outcome == "met")
