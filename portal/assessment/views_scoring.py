"""Scoring per criterion: one criterion, bid after bid, each under its neutral code only (never the
organisation's name, KvK number or file names), with previous/next and the assessor's progress."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from portal.assessment import checklist, opened, queries, rules, views
from portal.bids.content import SubmittedContent
from portal.extensions import db
from portal.models import AwardCriterion, BidSubmission, Score, ScoreKind, Tender, User


@dataclass(frozen=True)
class Round:
    """The bids this assessor scores on this criterion, in order of receipt, and those he scored."""

    ids: list[int]
    codes: dict[int, str]
    scored: set[int]

    def position(self, asked: int | None) -> int:
        return min(max(asked or self.first_open(), 1), max(len(self.ids), 1))

    def next_after(self, submission_id: int) -> int:
        """Just scored `submission_id`: the position of the next bid still to score."""
        self.scored.add(submission_id)
        return self.first_open(after=self.ids.index(submission_id) + 1)

    def first_open(self, after: int = 0) -> int:
        """The position (1-based) of the first bid after `after` not scored yet (else the last)."""
        return next(
            (i for i, s in enumerate(self.ids, start=1) if i > after and s not in self.scored), len(self.ids)
        )


def round_of(tender: Tender, criterion: AwardCriterion, user: User) -> Round:
    released = opened.of(tender)
    excluded = queries.conflicted(tender, user.id)
    rows = [
        r
        for r in released.rows
        if r.organisation_id not in excluded and rules.applies(criterion, queries.lot_ids(r))
    ]
    query = sa.select(Score.submission_id).where(
        Score.criterion_id == criterion.id, Score.assessor_id == user.id, Score.kind == ScoreKind.INDIVIDUAL
    )
    return Round(ids=[r.id for r in rows], codes=released.codes, scored=set(db.session.scalars(query)))


def criterion_of(tender: Tender, criterion_id: int, user: User) -> AwardCriterion | None:
    """The criterion, when it is this tender's and the assessor is appointed for it."""
    return next((c for c in queries.assessor_criteria(tender, user.id) if c.id == criterion_id), None)


def current(found: Round, asked: str | None) -> BidSubmission | None:
    if not found.ids:
        return None
    return db.session.get(BidSubmission, found.ids[found.position(checklist.positive(asked)) - 1])


def page(
    tender: Tender,
    criterion: AwardCriterion,
    user: User,
    found: Round,
    submission: BidSubmission | None,
    form: Any,
) -> dict[str, Any]:
    number = found.ids.index(submission.id) + 1 if submission else 0
    scores = queries.individual_scores(submission.id, criterion.id) if submission else []
    own = next((s for s in scores if s.assessor_id == user.id), None)
    others = [s for s in scores if s.assessor_id != user.id] if own else []
    return {
        "tender": tender,
        "criterion": criterion,
        "submission": submission,
        "code": found.codes.get(submission.id, "") if submission else "",
        "answer": SubmittedContent.from_json(submission.content).criterion_answer(criterion.id)
        if submission
        else "",
        "number": number,
        "count": len(found.ids),
        "done": len(found.scored & set(found.ids)),
        "next_open": found.first_open(after=number),
        "own": own,
        "others": others,
        "names": views.user_names({s.assessor_id for s in others}),
        "form": None if own else views.score_form(criterion, form),
    }
