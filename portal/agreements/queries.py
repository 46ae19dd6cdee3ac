"""The reads of the agreements feature: what was admitted, the register, the pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVarTuple

import sqlalchemy as sa
from sqlalchemy.orm import defer, selectinload

from portal.bids.content import SubmittedContent
from portal.extensions import db
from portal.models import (
    Agreement,
    AgreementStatus,
    AgreementVersion,
    Bid,
    BidSubmission,
    ContractTemplate,
    Decision,
    DecisionOutcome,
    Domain,
    GenerationJob,
    Lot,
    Municipality,
    Organisation,
    Result,
    ResultLevel,
    SubmissionStatus,
    Tariff,
    Tender,
)

TEMPLATE_NAME = "raamovereenkomst"


Row = TypeVarTuple("Row")


@dataclass(frozen=True)
class Admission:
    """One provider's admitted submission on a tender: which percelen, decided when."""

    organisation_id: int
    submission_id: int
    submission_version: int
    bid_id: int
    lot_ids: frozenset[int]
    decided_at: datetime


@dataclass(frozen=True)
class AdmittedLine:
    lot: Lot
    result: Result
    domain: Domain
    result_level: ResultLevel
    municipality: Municipality


def admissions(tender_id: int, organisation_id: int | None = None) -> list[Admission]:
    """Per organisation the latest submission with approved ADMITTED decisions on the tender.

    Columns only: a submission's content (~90 kB of JSON, once per decision row) is never loaded here,
    so a bulk job over 350 providers stays small in memory.
    """
    latest: dict[int, Admission] = {}
    for admission in _admitted_submissions(tender_id, organisation_id):
        known = latest.get(admission.organisation_id)
        if known is None or known.submission_version < admission.submission_version:
            latest[admission.organisation_id] = admission
    return [latest[key] for key in sorted(latest)]


def _admitted_submissions(tender_id: int, organisation_id: int | None) -> list[Admission]:
    """Each submission with approved ADMITTED decisions: its percelen and the last approval."""
    lots: dict[int, set[int]] = {}
    decided: dict[int, tuple[int, int, int, datetime]] = {}
    for lot_id, approved_at, submission_id, version, bid_id, org_id in _admitted_rows(
        tender_id, organisation_id
    ):
        lots.setdefault(submission_id, set()).add(lot_id)
        earlier = decided.get(submission_id)
        if approved_at is not None and (earlier is None or earlier[3] < approved_at):
            decided[submission_id] = (org_id, version, bid_id, approved_at)
    return [
        Admission(org_id, submission_id, version, bid_id, frozenset(lots[submission_id]), approved_at)
        for submission_id, (org_id, version, bid_id, approved_at) in decided.items()
    ]


def _admitted_rows(
    tender_id: int, organisation_id: int | None
) -> sa.Result[int, datetime | None, int, int, int, int]:
    query = (
        sa.select(
            Decision.lot_id,
            Decision.approved_at,
            BidSubmission.id,
            BidSubmission.version,
            Bid.id,
            Bid.organisation_id,
        )
        .join(BidSubmission, Decision.submission_id == BidSubmission.id)
        .join(Bid, BidSubmission.bid_id == Bid.id)
        .where(
            Bid.tender_id == tender_id,
            Decision.outcome == DecisionOutcome.ADMITTED,
            Decision.approved_at.is_not(None),
            BidSubmission.status == SubmissionStatus.SUBMITTED,
        )
        .order_by(Bid.organisation_id, BidSubmission.version)
    )
    if organisation_id is not None:
        query = query.where(Bid.organisation_id == organisation_id)
    return db.session.execute(query)


def admitted_lines(admission: Admission) -> list[AdmittedLine]:
    """The lines (result-level × municipality) in the admitted percelen, in matrix order, as the admitted
    submission froze them: never the bid's working copy, which the provider may edit for a later round."""
    pairs = _admitted_pairs(admission)
    if not pairs:
        return []
    rows = db.session.execute(
        sa.select(Lot, Result, Domain, ResultLevel, Municipality)
        .select_from(ResultLevel)
        .join(Lot, ResultLevel.lot_id == Lot.id)
        .join(Result, ResultLevel.result_id == Result.id)
        .join(Domain, Result.domain_id == Domain.id)
        .join(Municipality, Municipality.id.in_({m for _rl, m in pairs}))
        .where(ResultLevel.id.in_({rl for rl, _m in pairs}))
        .order_by(Lot.position, Lot.name, Result.code, ResultLevel.level, Municipality.name)
    )
    return [AdmittedLine(*row) for row in rows if (row[3].id, row[4].id) in pairs]


def _admitted_pairs(admission: Admission) -> set[tuple[int, int]]:
    """The (result level, municipality) pairs the submission chose in its admitted percelen."""
    frozen = sa.select(BidSubmission.content).where(BidSubmission.id == admission.submission_id)
    content = SubmittedContent.from_json(db.session.execute(frozen).scalar_one())
    return {(c.result_level_id, c.municipality_id) for c in content.choice if c.lot_id in admission.lot_ids}


def tariffs_for(result_level_ids: set[int]) -> list[Tariff]:
    return list(
        db.session.scalars(
            sa.select(Tariff).where(Tariff.result_level_id.in_(result_level_ids)).order_by(Tariff.valid_from)
        )
    )


def current_template() -> ContractTemplate | None:
    return db.session.scalars(
        sa.select(ContractTemplate)
        .where(ContractTemplate.name == TEMPLATE_NAME)
        .order_by(ContractTemplate.version.desc())
        .limit(1)
    ).first()


def agreement_for(tender_id: int, organisation_id: int) -> Agreement | None:
    return db.session.scalar(
        sa.select(Agreement).where(
            Agreement.tender_id == tender_id, Agreement.organisation_id == organisation_id
        )
    )


def agreement_page(agreement_id: int) -> Agreement | None:
    """The contract with its versions, parties and municipalities (the contract page shows all)."""
    loaded = (
        selectinload(Agreement.versions),
        selectinload(Agreement.municipalities),
        selectinload(Agreement.organisation),
    )
    return db.session.scalar(sa.select(Agreement).where(Agreement.id == agreement_id).options(*loaded))


def tender_agreements(tender_id: int, *, include_ended: bool = False) -> list[Agreement]:
    query = sa.select(Agreement).where(Agreement.tender_id == tender_id).order_by(Agreement.sequence)
    if not include_ended:
        query = query.where(Agreement.status != AgreementStatus.ENDED)
    return list(
        db.session.scalars(
            query.options(selectinload(Agreement.versions), selectinload(Agreement.organisation))
        )
    )


def own_agreements(organisation_id: int) -> list[Agreement]:
    """The provider's contracts once sent (a draft is not shown), newest first."""
    sent = Agreement.organisation_id == organisation_id, Agreement.status != AgreementStatus.DRAFT
    query = sa.select(Agreement).where(*sent).options(selectinload(Agreement.versions))
    return list(db.session.scalars(query.order_by(Agreement.year.desc(), Agreement.sequence.desc())))


def tenders() -> list[Tender]:
    return list(db.session.scalars(sa.select(Tender).order_by(Tender.reference)))


def tender_by_reference(reference: str) -> Tender | None:
    return db.session.scalar(sa.select(Tender).where(Tender.reference == reference))


def latest_job(tender_id: int) -> GenerationJob | None:
    newest = (
        sa.select(GenerationJob).where(GenerationJob.tender_id == tender_id).order_by(GenerationJob.id.desc())
    )
    return db.session.scalars(newest.options(selectinload(GenerationJob.items)).limit(1)).first()


def organisation_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.session.execute(sa.select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids)))
    return {row[0]: row[1] for row in rows}


# --- the register ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterFilter:
    tender_id: int | None = None
    municipality_code: str = ""
    lot: str = ""
    result: str = ""
    level: int | None = None
    status: AgreementStatus | None = None
    provider: str = ""


@dataclass(frozen=True)
class RegisterRow:
    agreement: Agreement
    tender_reference: str
    version: AgreementVersion
    provider_name: str
    municipality_names: list[str]
    end: date | None  # the ending date when ended early, else the end of the term

    @property
    def content(self) -> dict:
        """The current version's whole content (loaded only with `register(..., with_content=True)`)."""
        return self.version.content


def _needs_content(filters: RegisterFilter) -> bool:
    """The matrix filters read the lines of the content (a municipality: one with a tariff there)."""
    return bool(filters.lot or filters.result or filters.level is not None or filters.municipality_code)


def register(filters: RegisterFilter, *, with_content: bool = False) -> list[RegisterRow]:
    """The contract register: each contract with its current version, in two queries.

    The page shows columns only (the provider's name, the parties, the version's last day); the whole
    content (~25 kB per contract) is loaded only for the export or a filter on the matrix.
    """
    query = _filtered(_register_query(), filters)
    if not (with_content or _needs_content(filters)):
        query = query.options(defer(AgreementVersion.content))
    rows = [
        RegisterRow(
            agreement,
            reference,
            version,
            name,
            sorted(m.name for m in agreement.municipalities),
            version.ends_on,
        )
        for agreement, version, reference, name in db.session.execute(query)
    ]
    if _needs_content(filters):
        rows = [row for row in rows if _matches(row.content, filters)]
    return rows


def _register_query() -> sa.Select[Agreement, AgreementVersion, str, str]:
    """Every contract with its current (highest) version, tender reference and provider name."""
    query = (
        sa.select(Agreement, AgreementVersion, Tender.reference, Organisation.name)
        .join(Tender, Agreement.tender_id == Tender.id)
        .join(Organisation, Agreement.organisation_id == Organisation.id)
        .options(selectinload(Agreement.municipalities))
        .order_by(Agreement.year, Agreement.sequence)
    )
    return with_current_version(query)


def with_current_version(query: sa.Select[*Row]) -> sa.Select[*Row]:
    """`query` (over Agreement) joined to each contract's current (highest) version: the one
    place that says which AgreementVersion is current."""
    current = _current_versions()
    is_current = sa.and_(
        AgreementVersion.agreement_id == Agreement.id, AgreementVersion.version == current.c.version
    )
    return query.join(current, current.c.agreement_id == Agreement.id).join(AgreementVersion, is_current)


def _current_versions() -> sa.Subquery:
    """Per contract its highest version number."""
    latest = sa.func.max(AgreementVersion.version).label("version")
    return sa.select(AgreementVersion.agreement_id, latest).group_by(AgreementVersion.agreement_id).subquery()


def _filtered(
    query: sa.Select[Agreement, AgreementVersion, str, str], filters: RegisterFilter
) -> sa.Select[Agreement, AgreementVersion, str, str]:
    """The filters on columns; those on the matrix are applied to the content (_matches)."""
    if filters.tender_id:
        query = query.where(Agreement.tender_id == filters.tender_id)
    if filters.status:
        query = query.where(Agreement.status == filters.status)
    if filters.provider:
        query = query.where(Organisation.name.ilike(f"%{filters.provider}%"))
    return query


def _matches(content: dict, filters: RegisterFilter) -> bool:
    if filters.municipality_code and filters.municipality_code not in {
        m["cbs_code"] for m in content["municipalities"]
    }:
        return False
    lines = [
        (lot["name"], line)
        for lot in content["lots"]
        for line in lot["lines"]
        if (not filters.lot or filters.lot.lower() in lot["name"].lower())
        and (not filters.result or line["result_code"].lower() == filters.result.lower())
        and (filters.level is None or line["level"] == filters.level)
        and (not filters.municipality_code or filters.municipality_code in line["tariffs"])
    ]
    return bool(lines)
