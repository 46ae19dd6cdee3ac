"""The reads the bid pages need, with their eager loading."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.bids import rules
from portal.extensions import db
from portal.models import (
    AwardCriterion,
    Bid,
    BidSubmission,
    EvidenceFile,
    Lot,
    Municipality,
    Requirement,
    RequirementAnswer,
    Result,
    ResultLevel,
    Tender,
    TenderStatus,
    User,
)


def my_bids(organisation_id: int) -> list[Bid]:
    return list(
        db.session.scalars(
            sa.select(Bid)
            .where(Bid.organisation_id == organisation_id)
            .options(selectinload(Bid.tender), selectinload(Bid.submissions))
            .order_by(Bid.created_at.desc())
        )
    )


def open_tenders() -> list[Tender]:
    return list(
        db.session.scalars(
            sa.select(Tender)
            .where(Tender.status == TenderStatus.PUBLISHED)
            .options(selectinload(Tender.windows))
            .order_by(Tender.reference)
        )
    )


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
        sa.select(ResultLevel.id, ResultLevel.lot_id)
        .join(Result, Result.id == ResultLevel.result_id)
        .join(Lot, Lot.id == ResultLevel.lot_id)
        .where(Result.tender_id == tender.id, Lot.tender_id == tender.id)
    ).all()
    municipalities = frozenset(m.id for m in tender.municipalities)
    return rules.Offerable(lot_of={rl: lot for rl, lot in rows}, municipality_ids=municipalities)


@dataclass
class Matrix:
    """The choice page's data: per perceel its results (grouped by domain) × levels × municipality tariffs."""

    lots: list[Lot]
    municipalities: list[Municipality]
    rows: dict[int, list[tuple[Any, Result, list[ResultLevel]]]]  # lot id → (domain, result, levels)
    tariffs: dict[tuple[int, int], Any]  # (result_level id, municipality id) → Tariff


def matrix(tender: Tender) -> Matrix:
    results = db.session.scalars(
        sa.select(Result)
        .where(Result.tender_id == tender.id)
        .options(
            selectinload(Result.domain),
            selectinload(Result.levels).selectinload(ResultLevel.tariffs),
        )
        .order_by(Result.code)
    ).all()
    rows: dict[int, list[tuple[Any, Result, list[ResultLevel]]]] = {lot.id: [] for lot in tender.lots}
    tariffs: dict[tuple[int, int], Any] = {}
    for result in sorted(results, key=lambda r: (r.domain.position, r.domain.name, r.code)):
        by_lot: dict[int, list[ResultLevel]] = {}
        for rl in result.levels:
            if rl.lot_id is None or rl.lot_id not in rows:
                continue
            by_lot.setdefault(rl.lot_id, []).append(rl)
            for tariff in sorted(rl.tariffs, key=lambda t: t.valid_from):
                tariffs.setdefault((rl.id, tariff.municipality_id), tariff)
        for lot_id, levels in by_lot.items():
            rows[lot_id].append((result.domain, result, levels))
    return Matrix(
        lots=list(tender.lots), municipalities=list(tender.municipalities), rows=rows, tariffs=tariffs
    )


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
    return Verification(row[0], rules._aware(row[1]), row[2], row[3] is not None)
