"""The reads of the figures: the cells tenders offer, and who can deliver them (columns, not entities)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.extensions import db
from portal.figures.rules import Cell, Line, Offer
from portal.models import (
    AdmissionWindow,
    Agreement,
    AgreementStatus,
    AgreementVersion,
    Bid,
    BidSubmission,
    Decision,
    DecisionOutcome,
    Domain,
    Municipality,
    Procedure,
    Result,
    ResultLevel,
    SubmissionStatus,
    Tender,
    TenderStatus,
)
from portal.models.tender import tender_municipality
from portal.monitoring import queries as monitoring_queries

COUNTED_AGREEMENTS = (AgreementStatus.SIGNED, AgreementStatus.ACTIVE)


@dataclass(frozen=True)
class CellLabel:
    municipality: str
    domain: str
    result_name: str


def cells(municipality_id: int | None, domain_id: int | None) -> dict[Cell, CellLabel]:
    """Every municipality × result code × level a published or closed tender offers, with its labels."""
    query = (
        sa.select(
            Municipality.id, Result.code, ResultLevel.level, Municipality.name, Domain.name, Result.name
        )
        .select_from(ResultLevel)
        .join(Result, ResultLevel.result_id == Result.id)
        .join(Domain, Result.domain_id == Domain.id)
        .join(Tender, Result.tender_id == Tender.id)
        .join(tender_municipality, tender_municipality.c.tender_id == Tender.id)
        .join(Municipality, Municipality.id == tender_municipality.c.municipality_id)
        .where(Tender.status.in_((TenderStatus.PUBLISHED, TenderStatus.CLOSED)))
        .order_by(Municipality.name, Domain.position, Result.code, ResultLevel.level)
    )
    if municipality_id is not None:
        query = query.where(Municipality.id == municipality_id)
    if domain_id is not None:
        query = query.where(Domain.id == domain_id)
    found: dict[Cell, CellLabel] = {}
    for m_id, code, level, m_name, d_name, r_name in db.session.execute(query):
        found.setdefault(Cell(m_id, code, level), CellLabel(m_name, d_name, r_name))
    return found


def _result_ids() -> dict[tuple[int, str], int]:
    return {(t, c): r for r, t, c in db.session.execute(sa.select(Result.id, Result.tender_id, Result.code))}


def contracted_offers() -> list[Offer]:
    """Every line of the latest version of each signed or active contract, as offers."""
    latest = (
        sa.select(sa.func.max(AgreementVersion.id))
        .where(AgreementVersion.agreement_id == Agreement.id)
        .correlate(Agreement)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Agreement.organisation_id, Agreement.tender_id, AgreementVersion.content["lots"])
        .join(AgreementVersion, AgreementVersion.id == latest)
        .where(Agreement.status.in_(COUNTED_AGREEMENTS))
    ).all()
    municipality_of: dict[str, int] = {
        code: m_id for code, m_id in db.session.execute(sa.select(Municipality.cbs_code, Municipality.id))
    }
    result_ids = _result_ids()
    return [
        Offer(org_id, tuple(_contract_lines(lots, municipality_of, result_ids, tender_id)), contracted=True)
        for org_id, tender_id, lots in rows
    ]


def _contract_lines(
    lots: list[dict[str, Any]],
    municipality_of: dict[str, int],
    result_ids: dict[tuple[int, str], int],
    tender_id: int,
) -> list[Line]:
    """The cells of a contract's frozen lots: each line in every municipality it has a tariff for."""
    return [
        (
            Cell(municipality_of[cbs], line["result_code"], line["level"]),
            result_ids.get((tender_id, line["result_code"]), 0),
        )
        for lot in lots
        for line in lot["lines"]
        for cbs in line["tariffs"]
        if cbs in municipality_of
    ]


def _admissions() -> list[Any]:
    """Approved ADMITTED decisions in running open-house tenders, with what the sealed rule needs."""
    return list(
        db.session.execute(
            sa.select(
                Bid.organisation_id,
                BidSubmission.id,
                Decision.lot_id,
                Tender.procedure,
                Tender.submission_deadline,
                AdmissionWindow.closes_at,
            )
            .select_from(Decision)
            .join(BidSubmission, Decision.submission_id == BidSubmission.id)
            .join(Bid, BidSubmission.bid_id == Bid.id)
            .join(Tender, Bid.tender_id == Tender.id)
            .outerjoin(AdmissionWindow, BidSubmission.admission_window_id == AdmissionWindow.id)
            .where(
                Tender.procedure == Procedure.OPEN_HOUSE,
                Tender.status == TenderStatus.PUBLISHED,
                Decision.outcome == DecisionOutcome.ADMITTED,
                Decision.approved_at.is_not(None),
                BidSubmission.status == SubmissionStatus.SUBMITTED,
            )
        )
    )


def admitted_offers() -> list[Offer]:
    """The admitted lines of running open-house tenders, as the submission froze them."""
    rows = _admissions()
    lots: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        lots[row[1]].add(row[2])
    contents: dict[int, Any] = {
        s_id: content
        for s_id, content in db.session.execute(
            sa.select(BidSubmission.id, BidSubmission.content["choice"]).where(BidSubmission.id.in_(lots))
        )
    }
    facts = {row[1]: (row[0], row[3], row[4], row[5]) for row in rows}
    return [
        Offer(
            facts[submission_id][0],
            tuple(
                (cell, result_id)
                for lot_id, result_id, cell in map(_choice_line, contents[submission_id])
                if lot_id in lot_ids
            ),
            False,
            *facts[submission_id][1:],
        )
        for submission_id, lot_ids in lots.items()
    ]


def _choice_line(line: dict[str, Any]) -> tuple[int, int, Cell]:
    """Perceel, result and cell of one line of a submission's frozen choice (portal.bids.content's shape)."""
    cell = Cell(line["municipality"]["id"], line["result"]["code"], line["result_level"]["level"])
    return line["lot"]["id"], line["result"]["id"], cell


def municipalities() -> list[tuple[int, str]]:
    return list(db.session.execute(sa.select(Municipality.id, Municipality.name).order_by(Municipality.name)))


def domains() -> list[tuple[int, str]]:
    return list(db.session.execute(sa.select(Domain.id, Domain.name).order_by(Domain.position, Domain.name)))


def client_stops(*, now: datetime) -> set[tuple[int, int, int]]:
    """The (organisation, municipality, result) triples under a cliëntenstop at `now` (portal/monitoring)."""
    return set(monitoring_queries.active_client_stops(now))
