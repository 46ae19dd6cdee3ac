"""Consensus per criterion across bids: one criterion, every opened bid it applies to, filtered ("only
spreads over the threshold", "not yet decided") and paged, from three queries whatever the number of bids."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from portal.assessment import checklist, opened, queries, rules
from portal.extensions import db
from portal.models import AwardCriterion, Score, ScoreKind, Tender

SHOWS = ("spreiding", "open")


@dataclass(frozen=True)
class Row:
    submission_id: int
    code: str
    given: list[Decimal]  # empty while an assessor still scores (no peeking)
    count: int
    needed: int
    flagged: bool
    consensus: Decimal | None
    external: bool  # the letter's motivation is written

    @property
    def complete(self) -> bool:
        return bool(self.needed) and self.count >= self.needed

    @property
    def spread(self) -> Decimal:
        return rules.spread(self.given)


def _needed(tender: Tender, criterion: AwardCriterion) -> tuple[set[int], dict[int, set[int]]]:
    """Who is appointed for this criterion, and per assessor the organisations he named."""
    appointed = {a.user_id for a in queries.appointments(tender) if a.criterion_id in (None, criterion.id)}
    named = {u: {o.id for o in d.organisations} for u, d in queries.declarations(tender).items()}
    return appointed, named


def _scores(ids: list[int], criterion_id: int) -> dict[int, list[sa.Row]]:
    """Submission id → its scores (individual and consensus) on this criterion, as rows."""
    found: dict[int, list[sa.Row]] = {}
    if not ids:
        return found
    query = sa.select(
        Score.submission_id, Score.assessor_id, Score.kind, Score.value, Score.external_motivation
    ).where(Score.submission_id.in_(ids), Score.criterion_id == criterion_id)
    for row in db.session.execute(query):
        found.setdefault(row.submission_id, []).append(row)
    return found


def rows(tender: Tender, criterion: AwardCriterion, released: opened.OpenedSubmissions) -> list[Row]:
    """Every opened bid this criterion applies to, in order of receipt."""
    applying = [r for r in released.rows if rules.applies(criterion, queries.lot_ids(r))]
    appointed, named = _needed(tender, criterion)
    scores = _scores([r.id for r in applying], criterion.id)
    scale = rules.scale_values(criterion.scale)
    found = []
    for row in applying:
        needed = {u for u in appointed if row.organisation_id not in named.get(u, set())}
        found.append(_row(row.id, released.codes[row.id], needed, scores.get(row.id, []), scale))
    return found


def _row(submission_id: int, code: str, needed: set[int], mine: list[sa.Row], scale: list[Decimal]) -> Row:
    values = [s.value for s in mine if s.kind is ScoreKind.INDIVIDUAL and s.assessor_id in needed]
    agreed = next((s for s in mine if s.kind is ScoreKind.CONSENSUS), None)
    shown = values if needed and len(values) >= len(needed) else []  # no values while one still scores
    return Row(
        submission_id=submission_id,
        code=code,
        given=shown,
        count=len(values),
        needed=len(needed),
        flagged=rules.spread_flagged(shown, scale),
        consensus=agreed.value if agreed else None,
        external=bool(agreed and agreed.external_motivation),
    )


def shown(found: list[Row], show: str) -> list[Row]:
    """ "spreiding": only spreads over the threshold; "open": not yet decided (no consensus)."""
    if show == "spreiding":
        return [r for r in found if r.flagged]
    if show == "open":
        return [r for r in found if r.consensus is None]
    return found


def criterion_of(tender: Tender, args: Mapping[str, str]) -> AwardCriterion | None:
    """The criterion asked for (`criterium`), the first one when none is asked; None for another's."""
    wanted = args.get("criterium", "")
    if not wanted:
        return tender.criteria[0] if tender.criteria else None
    return next((c for c in tender.criteria if str(c.id) == wanted), None)


def page(tender: Tender, criterion: AwardCriterion | None, args: Mapping[str, str]) -> dict[str, Any]:
    released = opened.of(tender)
    show = args.get("alleen", "") if args.get("alleen", "") in SHOWS else ""
    found = rows(tender, criterion, released) if criterion else []
    selected = shown(found, show)
    number = checklist.positive(args.get("pagina")) or 1
    size = checklist.PAGE_SIZE
    return {
        "tender": tender,
        "criterion": criterion,
        "show": show,
        "rows": selected[(number - 1) * size : number * size],
        "total": len(selected),
        "decided": sum(1 for r in found if r.consensus is not None),
        "all": len(found),
        "page": number,
        "pages": max((len(selected) + size - 1) // size, 1),
        "first": (number - 1) * size + 1,
        "threshold": int(rules.SPREAD_THRESHOLD_FRACTION * 100),
    }
