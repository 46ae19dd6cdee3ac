"""The reads the bid pages need, with their eager loading."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.bids import rules
from portal.extensions import db
from portal.models import (
    AwardCriterion,
    Bid,
    BidLine,
    BidSubmission,
    Domain,
    EvidenceFile,
    Lot,
    Municipality,
    Requirement,
    RequirementAnswer,
    Result,
    ResultLevel,
    Tariff,
    Tender,
    TenderStatus,
    User,
)
from portal.models.enums import Law


def my_bids(organisation_id: int) -> list[Bid]:
    query = sa.select(Bid).where(Bid.organisation_id == organisation_id).order_by(Bid.created_at.desc())
    return list(db.session.scalars(query.options(selectinload(Bid.tender), selectinload(Bid.submissions))))


def open_tenders() -> list[Tender]:
    query = sa.select(Tender).where(Tender.status == TenderStatus.PUBLISHED).order_by(Tender.reference)
    return list(db.session.scalars(query.options(selectinload(Tender.windows))))


def load_bid(bid: Bid) -> Bid:
    """The bid with its lines, answers (and their evidence) and submissions loaded in a few queries."""
    return db.session.scalars(
        sa.select(Bid)
        .where(Bid.id == bid.id)
        .options(
            selectinload(Bid.lines),
            selectinload(Bid.requirement_answers).selectinload(RequirementAnswer.evidence),
            selectinload(Bid.criterion_answers),
            selectinload(Bid.submissions).defer(BidSubmission.content),  # ~90 kB each, read one at a time
            selectinload(Bid.tender).options(
                selectinload(Tender.windows),
                selectinload(Tender.municipalities),
                selectinload(Tender.requirements).selectinload(Requirement.lots),
                selectinload(Tender.criteria).selectinload(AwardCriterion.lots),
            ),
        )
    ).one()


def offerable(tender: Tender) -> rules.Offerable:
    rows = db.session.execute(
        sa.select(ResultLevel.id, Lot.id)
        .join(Result, Result.id == ResultLevel.result_id)
        .join(Lot, Lot.id == ResultLevel.lot_id)
        .where(Result.tender_id == tender.id, Lot.tender_id == tender.id)
    ).all()
    municipalities = frozenset(m.id for m in tender.municipalities)
    return rules.Offerable(lot_of={rl: lot for rl, lot in rows}, municipality_ids=municipalities)


@dataclass(frozen=True)
class MatrixResult:
    id: int
    code: str
    name: str
    law: Law
    product_code: str
    domain_id: int
    domain_name: str


@dataclass(frozen=True)
class MatrixLevel:
    id: int
    result_id: int
    lot_id: int
    level: int
    description: str


@dataclass
class Matrix:
    """The choice page's data, as columns: per perceel its results (in domain order) × levels, and the
    tariff of each level in each municipality."""

    lots: list[Lot]
    municipalities: list[Municipality]
    rows: dict[int, list[tuple[MatrixResult, list[MatrixLevel]]]]  # lot id → (result, its levels)
    tariffs: dict[tuple[int, int], tuple[Decimal, str]]  # (level id, municipality id) → (amount, unit)


def matrix(tender: Tender) -> Matrix:
    """Three column reads, whatever the matrix's size; a result's levels go to the rows of their lots."""
    rows: dict[int, list[tuple[MatrixResult, list[MatrixLevel]]]] = {lot.id: [] for lot in tender.lots}
    levels = _matrix_levels(tender.id)
    for result in _matrix_results(tender.id):
        by_lot: dict[int, list[MatrixLevel]] = {}
        for level in levels.get(result.id, []):
            if level.lot_id in rows:
                by_lot.setdefault(level.lot_id, []).append(level)
        for lot_id, of_lot in by_lot.items():
            rows[lot_id].append((result, of_lot))
    municipalities = list(tender.municipalities)
    return Matrix(list(tender.lots), municipalities, rows, _matrix_tariffs(tender.id))


def _matrix_results(tender_id: int) -> list[MatrixResult]:
    """The tender's results in domain order (the domain's position, then its name), then by code."""
    rows = sorted(
        db.session.execute(
            sa.select(Domain.position, Result.id, Result.code, Result.name, Result.law, Result.product_code)
            .add_columns(Domain.id, Domain.name)
            .join(Domain, Domain.id == Result.domain_id)
            .where(Result.tender_id == tender_id)
        ),
        key=lambda row: (row[0], row[-1], row[2], row[1]),
    )
    return [MatrixResult(*row[1:]) for row in rows]


def _matrix_levels(tender_id: int) -> dict[int, list[MatrixLevel]]:
    """Per result id its levels in a perceel, by level."""
    levels: dict[int, list[MatrixLevel]] = {}
    for row in db.session.execute(
        sa.select(ResultLevel.id, ResultLevel.result_id, Lot.id, ResultLevel.level, ResultLevel.description)
        .join(Result, Result.id == ResultLevel.result_id)
        .join(Lot, Lot.id == ResultLevel.lot_id)
        .where(Result.tender_id == tender_id)
        .order_by(ResultLevel.level, ResultLevel.id)
    ):
        levels.setdefault(row[1], []).append(MatrixLevel(*row))
    return levels


def _matrix_tariffs(tender_id: int) -> dict[tuple[int, int], tuple[Decimal, str]]:
    """The first tariff (by valid_from) of each level in each municipality."""
    tariffs: dict[tuple[int, int], tuple[Decimal, str]] = {}
    for level_id, municipality_id, amount, unit in db.session.execute(
        sa.select(Tariff.result_level_id, Tariff.municipality_id, Tariff.amount, Tariff.unit)
        .join(ResultLevel, ResultLevel.id == Tariff.result_level_id)
        .join(Result, Result.id == ResultLevel.result_id)
        .where(Result.tender_id == tender_id)
        .order_by(Tariff.valid_from, Tariff.id)
    ):
        tariffs.setdefault((level_id, municipality_id), (amount, unit))
    return tariffs


def labels(tender: Tender) -> tuple[dict[int, ResultLevel], dict[int, Municipality], dict[int, Lot]]:
    result_levels = {
        rl.id: rl
        for rl in db.session.scalars(
            sa.select(ResultLevel)
            .join(Result)
            .where(Result.tender_id == tender.id)
            .options(selectinload(ResultLevel.result))
        )
    }
    return result_levels, {m.id: m for m in tender.municipalities}, {lot.id: lot for lot in tender.lots}


def organisation_evidence(organisation_id: int) -> list[EvidenceFile]:
    return list(
        db.session.scalars(
            sa.select(EvidenceFile)
            .where(EvidenceFile.organisation_id == organisation_id)
            .order_by(EvidenceFile.uploaded_at.desc(), EvidenceFile.id.desc())
        )
    )


def chosen_pairs(bid_id: int) -> set[tuple[int, int]]:
    """The bid's stored choice as (result level id, municipality id) pairs: columns, not its lines."""
    rows = db.session.execute(
        sa.select(BidLine.result_level_id, BidLine.municipality_id).where(BidLine.bid_id == bid_id)
    )
    return {(level_id, municipality_id) for level_id, municipality_id in rows}


def evidence_of(organisation_id: int, evidence_id: int) -> EvidenceFile | None:
    """One of the organisation's evidence files; None for another organisation's id."""
    return db.session.scalar(
        sa.select(EvidenceFile).where(
            EvidenceFile.id == evidence_id, EvidenceFile.organisation_id == organisation_id
        )
    )


def user_name(user_id: int | None) -> str:
    if user_id is None:
        return "?"
    return db.session.scalar(sa.select(User.name).where(User.id == user_id)) or "?"


def user_names(user_ids: set[int | None]) -> dict[int, str]:
    """Names of the colleagues who last changed something, in one query."""
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    rows = db.session.execute(sa.select(User.id, User.name).where(User.id.in_(ids)))
    return {user_id: name for user_id, name in rows}


def last_changes(bid: Bid) -> dict[str, str]:
    """Who changed the bid, each answer and each criterion answer last: {"bid": name, "r<id>": ..., "c<id>": ...}."""
    names = user_names(
        {bid.updated_by_id}
        | {a.updated_by_id for a in bid.requirement_answers}
        | {a.updated_by_id for a in bid.criterion_answers}
    )
    out = {"bid": names.get(bid.updated_by_id or 0, "")}
    out.update({f"r{a.requirement_id}": names.get(a.updated_by_id or 0, "") for a in bid.requirement_answers})
    out.update({f"c{a.criterion_id}": names.get(a.updated_by_id or 0, "") for a in bid.criterion_answers})
    return out


def submission(bid: Bid, version: int) -> BidSubmission | None:
    return db.session.scalar(
        sa.select(BidSubmission).where(BidSubmission.bid_id == bid.id, BidSubmission.version == version)
    )


# --- verification and the sealed view --------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """What the public verify page may show: no content, no organisation."""

    tender_reference: str
    submitted_at: datetime
    version: int
    withdrawn: bool


def verify_hash(sha256: str) -> Verification | None:
    row = db.session.execute(
        sa.select(
            Tender.reference, BidSubmission.submitted_at, BidSubmission.version, BidSubmission.withdrawn_at
        )
        .join(Bid, Bid.id == BidSubmission.bid_id)
        .join(Tender, Tender.id == Bid.tender_id)
        .where(BidSubmission.sha256 == sha256.lower())
        .limit(1)
    ).first()
    if row is None:
        return None
    return Verification(row[0], rules.as_utc(row[1]), row[2], row[3] is not None)
