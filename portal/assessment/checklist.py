"""The reads of requirement checks across bids: one requirement over every opened bid, filtered and paged
in SQL (columns, not entities), and the counts per requirement for the overview."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa

from portal.assessment import opened, queries
from portal.extensions import db
from portal.models import Bid, BidSubmission, Decision, Organisation, RequirementCheck, RequirementOutcome
from portal.models.assessment import SubmittedAnswer

PAGE_SIZE = 50
OUTCOMES = ("open", "proposed", "met", "not_met", "clarification")
ANSWERS = ("ja", "nee")
TEXT_MAX = 100


@dataclass(frozen=True)
class Filter:
    """What the buyer narrowed the list to; unknown values are ignored (the whole list shows)."""

    outcome: str = ""
    lot_id: int | None = None
    answer: str = ""
    text: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filter:
        printable = "".join(c if c.isprintable() else " " for c in args.get("q", ""))  # no NUL/CR/bidi
        text = " ".join(printable.split())[:TEXT_MAX]
        lot_id, page = positive(args.get("perceel")), positive(args.get("pagina")) or 1
        return cls(one_of(args, "uitkomst", OUTCOMES), lot_id, one_of(args, "antwoord", ANSWERS), text, page)

    def args(self, **changes: object) -> dict[str, Any]:
        """The filter as query arguments (for links and the bulk form), without the empty ones."""
        flt = replace(self, **changes)  # type: ignore[arg-type]  # changes are Filter's own fields
        found = {"uitkomst": flt.outcome, "perceel": flt.lot_id, "antwoord": flt.answer, "q": flt.text}
        found["pagina"] = flt.page if flt.page > 1 else None
        return {k: v for k, v in found.items() if v}


def one_of(args: Mapping[str, str], name: str, allowed: Collection[str]) -> str:
    """A query argument that must be one of `allowed`; anything else is "" (not filtered)."""
    value = args.get(name, "")
    return value if value in allowed else ""


def positive(value: str | None) -> int | None:
    """A query argument that names a record or a page: a positive number, else None (ignored)."""
    return int(value) if value and value.isdigit() and 0 < int(value) < 2**31 else None


@dataclass(frozen=True)
class Listing:
    rows: list[sa.Row]
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max((self.total + PAGE_SIZE - 1) // PAGE_SIZE, 1)


def _ids_of_lot(released: opened.OpenedSubmissions, lot_id: int | None) -> list[int]:
    return [r.id for r in released.rows if lot_id is None or lot_id in queries.lot_ids(r)]


def _check_join() -> sa.ColumnElement[bool]:
    return sa.and_(
        RequirementCheck.submission_id == SubmittedAnswer.submission_id,
        RequirementCheck.requirement_id == SubmittedAnswer.requirement_id,
    )


def _outcome_condition(outcome: str) -> sa.ColumnElement[bool]:
    return {
        "open": RequirementCheck.id.is_(None),
        "proposed": RequirementCheck.proposed.is_(True),
        "met": RequirementCheck.outcome == RequirementOutcome.MET,
        "not_met": sa.and_(
            RequirementCheck.outcome == RequirementOutcome.NOT_MET, RequirementCheck.proposed.is_(False)
        ),
        "clarification": RequirementCheck.outcome == RequirementOutcome.CLARIFICATION,
    }[outcome]


def _text_condition(text: str) -> sa.ColumnElement[bool]:
    like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return sa.or_(
        Organisation.name.ilike(like, escape="\\"),
        Organisation.kvk_number.like(like, escape="\\"),
        SubmittedAnswer.explanation.ilike(like, escape="\\"),
    )


def _filtered(query: sa.Select, requirement_id: int, ids: list[int], flt: Filter) -> sa.Select:
    query = (
        query.join(BidSubmission, BidSubmission.id == SubmittedAnswer.submission_id)
        .join(Bid, Bid.id == BidSubmission.bid_id)
        .join(Organisation, Organisation.id == Bid.organisation_id)
        .outerjoin(RequirementCheck, _check_join())
        .where(SubmittedAnswer.requirement_id == requirement_id, SubmittedAnswer.submission_id.in_(ids))
    )
    if flt.outcome:
        query = query.where(_outcome_condition(flt.outcome))
    if flt.answer:
        query = query.where(SubmittedAnswer.declaration == (flt.answer == "ja"))
    if flt.text:
        query = query.where(_text_condition(flt.text))
    return query


def listing(requirement_id: int, released: opened.OpenedSubmissions, flt: Filter) -> Listing:
    """One page (50) of the opened bids' answers to one requirement, in order of receipt."""
    ids = _ids_of_lot(released, flt.lot_id)
    count = sa.select(sa.func.count()).select_from(SubmittedAnswer)
    total = db.session.scalar(_filtered(count, requirement_id, ids, flt)) or 0
    columns = sa.select(
        SubmittedAnswer.submission_id,
        SubmittedAnswer.declaration,
        SubmittedAnswer.explanation,
        SubmittedAnswer.evidence,
        Organisation.name.label("organisation_name"),
        Organisation.kvk_number,
        RequirementCheck.outcome,
        RequirementCheck.proposed,
        RequirementCheck.flag_reason,
        RequirementCheck.note,
    ).select_from(SubmittedAnswer)
    query = _filtered(columns, requirement_id, ids, flt).order_by(
        BidSubmission.submitted_at, BidSubmission.id
    )
    rows = db.session.execute(query.limit(PAGE_SIZE).offset((flt.page - 1) * PAGE_SIZE)).all()
    return Listing(rows=list(rows), total=total, page=flt.page)


def matching_ids(requirement_id: int, released: opened.OpenedSubmissions, flt: Filter) -> list[int]:
    """Every submission the filter shows, over all its pages (for "all that match")."""
    ids = _ids_of_lot(released, flt.lot_id)
    query = sa.select(SubmittedAnswer.submission_id).select_from(SubmittedAnswer)
    return list(db.session.scalars(_filtered(query, requirement_id, ids, flt)))


def overview(released: opened.OpenedSubmissions) -> dict[int, dict[str, int]]:
    """Requirement id → how many opened bids are open, proposed, met, not met, or awaiting clarification."""
    query = (
        sa.select(
            SubmittedAnswer.requirement_id,
            RequirementCheck.outcome,
            RequirementCheck.proposed,
            sa.func.count(),
        )
        .select_from(SubmittedAnswer)
        .outerjoin(RequirementCheck, _check_join())
        .where(SubmittedAnswer.submission_id.in_(released.ids))
        .group_by(SubmittedAnswer.requirement_id, RequirementCheck.outcome, RequirementCheck.proposed)
    )
    found: dict[int, dict[str, int]] = {}
    for requirement_id, outcome, proposed, count in db.session.execute(query):
        key = "open" if outcome is None else "proposed" if proposed else outcome.value
        counts = found.setdefault(requirement_id, dict.fromkeys(OUTCOMES, 0))
        counts[key] += count
    return found


def indexed(ids: Collection[int]) -> set[int]:
    """The submissions whose answers are copied already."""
    if not ids:
        return set()
    query = sa.select(SubmittedAnswer.submission_id).where(SubmittedAnswer.submission_id.in_(ids)).distinct()
    return set(db.session.scalars(query))


def checked_pairs(ids: Collection[int]) -> set[tuple[int, int]]:
    query = sa.select(RequirementCheck.submission_id, RequirementCheck.requirement_id).where(
        RequirementCheck.submission_id.in_(ids)
    )
    return {(s, r) for s, r in db.session.execute(query)}


def answered(requirement_id: int, ids: Collection[int]) -> set[int]:
    """Of `ids`, the opened submissions that answered this requirement (it applies to their percelen)."""
    query = sa.select(SubmittedAnswer.submission_id).where(
        SubmittedAnswer.requirement_id == requirement_id, SubmittedAnswer.submission_id.in_(ids)
    )
    return set(db.session.scalars(query))


def checks_of_requirement(requirement_id: int, ids: Collection[int]) -> dict[int, RequirementCheck]:
    query = sa.select(RequirementCheck).where(
        RequirementCheck.requirement_id == requirement_id, RequirementCheck.submission_id.in_(ids)
    )
    return {c.submission_id: c for c in db.session.scalars(query)}


def decided(ids: Collection[int]) -> set[int]:
    query = sa.select(Decision.submission_id).where(Decision.submission_id.in_(ids)).distinct()
    return set(db.session.scalars(query))
