"""Results per perceel: totals from the consensus scores, minimums, knock-outs and (aanbesteding) ranks.

The numbers follow from rules.assess_lot; this module gathers what it needs from the released
submissions, their consensus scores and the requirement checks found not met.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa

from portal.assessment import opened, queries, rules
from portal.models import AwardCriterion, Lot, Procedure, RequirementCheck, RequirementOutcome, Tender


@dataclass
class LotResult:
    lot: Lot
    criteria: list[AwardCriterion]
    ranked: bool
    outcomes: list[rules.Outcome] = field(default_factory=list)
    incomplete: list[int] = field(default_factory=list)  # submissions still missing a consensus score
    submissions: dict[int, sa.Row] = field(default_factory=dict)  # released rows of this perceel
    not_met: dict[int, dict[int, RequirementCheck]] = field(default_factory=dict)  # per submission
    consensus: dict[tuple[int, int], Decimal] = field(default_factory=dict)  # (submission, criterion)


def per_lot(
    tender: Tender, only_lot_id: int | None = None, *, released: opened.OpenedSubmissions | None = None
) -> list[LotResult]:
    """Per perceel (or the one perceel asked) its result; `released` when the caller has it already."""
    released = released if released is not None else opened.of(tender)
    by_pair = queries.consensus_values(released.ids)
    not_met = queries.checks_of(released.ids, RequirementOutcome.NOT_MET)  # only a knock-out not met excludes
    return [
        _lot_result(tender, lot, released, by_pair, not_met)
        for lot in tender.lots
        if only_lot_id is None or lot.id == only_lot_id
    ]


def _lot_result(
    tender: Tender,
    lot: Lot,
    released: opened.OpenedSubmissions,
    by_pair: dict[tuple[int, int], Decimal],
    not_met: dict[int, dict[int, RequirementCheck]],
) -> LotResult:
    criteria = queries.criteria_of_lot(tender, lot.id)
    result = LotResult(
        lot=lot,
        criteria=criteria,
        ranked=tender.procedure is Procedure.COMPETITIVE,
        not_met=not_met,
        consensus=by_pair,
    )
    entries = []
    for submission in released.rows:
        if lot.id not in queries.lot_ids(submission):
            continue
        result.submissions[submission.id] = submission
        excluded = rules.knocked_out(tender.requirements, lot.id, not_met.get(submission.id, {}).keys())
        values = {c.id: by_pair.get((submission.id, c.id)) for c in criteria}
        if any(v is None for v in values.values()) and not excluded:
            result.incomplete.append(submission.id)
            continue
        scores = {k: (v if v is not None else Decimal(0)) for k, v in values.items()}
        entries.append(rules.Entry(submission.id, submission.submitted_at, scores, excluded))
    result.outcomes = rules.assess_lot(
        entries,
        [rules.Criterion(c.id, Decimal(c.weight), c.minimum_score) for c in criteria],
        ranked=result.ranked,
        max_providers=lot.max_providers,
        tie_break=tender.tie_break_rule,
    )
    return result
