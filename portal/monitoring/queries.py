"""The reads of the contract term: monitoring list, a provider's actions, stops in force, due work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from portal.clock import to_local
from portal.extensions import db
from portal.models import (
    ActionDocument,
    ActionEvent,
    ActionKind,
    ActionStatus,
    Agreement,
    AgreementStatus,
    Bid,
    BidSubmission,
    ClientStopLine,
    Decision,
    DecisionOutcome,
    DocumentKind,
    DossierDocument,
    IndicatorReport,
    MonitoringAction,
    Municipality,
    Organisation,
    Result,
    User,
)
from portal.monitoring import indicators

PAGE_SIZE = 50
CLOSED = (ActionStatus.DONE, ActionStatus.CANCELLED, ActionStatus.LIFTED, ActionStatus.ACCEPTED)


def _stops_in_force(today: date) -> sa.ColumnElement[bool]:
    """The SQL twin of rules.stop_in_force for cliëntenstops."""
    return sa.and_(
        MonitoringAction.kind == ActionKind.CLIENT_STOP,
        MonitoringAction.status == ActionStatus.IN_FORCE,
        MonitoringAction.happens_on <= today,
        sa.or_(MonitoringAction.due_on.is_(None), MonitoringAction.due_on >= today),
    )


def active_client_stops(now: datetime) -> list[tuple[int, int, int]]:
    """(organisation_id, municipality_id, result_id) of every cliëntenstop in force on `now`'s day
    (Europe/Amsterdam). The figures (issue 16) and the public provider list read this."""
    rows = db.session.execute(
        sa.select(MonitoringAction.organisation_id, ClientStopLine.municipality_id, ClientStopLine.result_id)
        .join(ClientStopLine, ClientStopLine.action_id == MonitoringAction.id)
        .where(_stops_in_force(to_local(now).date()))
        .distinct()
        .order_by(MonitoringAction.organisation_id, ClientStopLine.municipality_id, ClientStopLine.result_id)
    )
    return [(row[0], row[1], row[2]) for row in rows]


@dataclass(frozen=True)
class StopLine:
    action_id: int
    municipality: str
    result_code: str
    result_name: str
    ends_on: date | None


def _named_lines(*where: sa.ColumnElement[bool]) -> list[StopLine]:
    rows = db.session.execute(
        sa.select(MonitoringAction.id, Municipality.name, Result.code, Result.name, MonitoringAction.due_on)
        .join(ClientStopLine, ClientStopLine.action_id == MonitoringAction.id)
        .join(Municipality, Municipality.id == ClientStopLine.municipality_id)
        .join(Result, Result.id == ClientStopLine.result_id)
        .where(*where)
        .order_by(Municipality.name, Result.code)
    )
    return [StopLine(*row) for row in rows]


def stops_of(organisation_id: int, today: date) -> list[StopLine]:
    """The cliëntenstop lines in force for one provider, named (its pages and its contract show them)."""
    return _named_lines(MonitoringAction.organisation_id == organisation_id, _stops_in_force(today))


def stop_lines_of(action_id: int) -> list[StopLine]:
    """The lines of one cliëntenstop, in force or not."""
    return _named_lines(MonitoringAction.id == action_id)


# --- the contract manager's monitoring list --------------------------------------------------------


@dataclass(frozen=True)
class ListFilter:
    provider: str = ""
    kind: ActionKind | None = None
    only_open: bool = False
    dossier_incomplete: bool = False
    report_late: bool = False
    page: int = 1


@dataclass(frozen=True)
class ListRow:
    organisation_id: int
    name: str
    kvk: str
    open_actions: int
    stops: int
    last_action: datetime | None
    dossier_gaps: int  # required dossier documents missing or expired
    report_late: bool  # the last half-year's report is past its due day and not in


def _open_counts(today: date) -> sa.Subquery:
    still_open = MonitoringAction.status.not_in(CLOSED)
    return (
        sa.select(
            MonitoringAction.organisation_id.label("organisation_id"),
            sa.func.count().filter(still_open).label("open_actions"),
            sa.func.count().filter(_stops_in_force(today)).label("stops"),
            sa.func.max(MonitoringAction.updated_at).label("last_action"),
        )
        .group_by(MonitoringAction.organisation_id)
        .subquery()
    )


def _report_late(today: date) -> sa.ColumnElement[bool]:
    period = indicators.period_to_report(today)
    if today <= indicators.due_on(period):
        return sa.false()
    return Organisation.id.not_in(reported(period))


def admitted_ids() -> sa.Select[Any]:
    """The providers admitted (an approved toelating) in any tender: those a contract manager monitors."""
    return (
        sa.select(Bid.organisation_id)
        .join(BidSubmission, BidSubmission.bid_id == Bid.id)
        .join(Decision, Decision.submission_id == BidSubmission.id)
        .where(Decision.outcome == DecisionOutcome.ADMITTED, Decision.approved_at.is_not(None))
    )


def monitoring_list(filters: ListFilter, today: date) -> tuple[list[ListRow], int]:
    """One page (50) of admitted providers with their open actions and stops in force, and the total."""
    query = _list_query(filters, today)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = db.session.execute(
        query.order_by(Organisation.name, Organisation.id)
        .limit(PAGE_SIZE)
        .offset((filters.page - 1) * PAGE_SIZE)
    )
    return [ListRow(*row) for row in rows], total


def _list_query(filters: ListFilter, today: date) -> sa.Select:
    """Columns read, not entities: one statement whatever the number of providers."""
    counts, valid = _open_counts(today), _valid_kinds(today)
    gaps = len(DocumentKind) - sa.func.coalesce(valid.c.valid, 0)
    late = _report_late(today)
    columns = (Organisation.id, Organisation.name, Organisation.kvk_number)
    query = (
        sa.select(
            *columns,
            sa.func.coalesce(counts.c.open_actions, 0),
            sa.func.coalesce(counts.c.stops, 0),
            counts.c.last_action,
            gaps,
            late,
        )
        .outerjoin(counts, counts.c.organisation_id == Organisation.id)
        .outerjoin(valid, valid.c.organisation_id == Organisation.id)
        .where(Organisation.id.in_(admitted_ids()))
    )
    query = _filtered(query, filters, counts)
    query = query.where(gaps > 0) if filters.dossier_incomplete else query
    return query.where(late) if filters.report_late else query


def _filtered(query: sa.Select, filters: ListFilter, counts: sa.Subquery) -> sa.Select:
    if filters.provider:
        query = query.where(Organisation.name.ilike(f"%{filters.provider}%", escape="\\"))
    if filters.only_open:
        query = query.where(sa.or_(counts.c.open_actions > 0, counts.c.stops > 0))
    if filters.kind is not None:
        of_kind = sa.select(MonitoringAction.organisation_id).where(
            MonitoringAction.kind == filters.kind, MonitoringAction.status.not_in(CLOSED)
        )
        query = query.where(Organisation.id.in_(of_kind))
    return query


# --- one provider, one action ----------------------------------------------------------------------


def actions_of(organisation_id: int) -> list[MonitoringAction]:
    return list(
        db.session.scalars(
            sa.select(MonitoringAction)
            .where(MonitoringAction.organisation_id == organisation_id)
            .order_by(MonitoringAction.created_at.desc(), MonitoringAction.id.desc())
        )
    )


def action_page(action_id: int) -> MonitoringAction | None:
    return db.session.scalar(sa.select(MonitoringAction).where(MonitoringAction.id == action_id))


def current_agreement(organisation_id: int) -> Agreement | None:
    """The provider's latest contract that has not ended, signed or not yet (a stop or termination is
    about it, and names its municipalities and results)."""
    return db.session.scalar(
        sa.select(Agreement)
        .where(Agreement.organisation_id == organisation_id, Agreement.status != AgreementStatus.ENDED)
        .order_by(Agreement.id.desc())
        .limit(1)
    )


def stop_choices(agreement: Agreement | None) -> tuple[list[Municipality], list[Result]]:
    """The municipalities and results a cliëntenstop can name: those of the provider's contract."""
    if agreement is None:
        return [], []
    results = db.session.scalars(
        sa.select(Result).where(Result.tender_id == agreement.tender_id).order_by(Result.code)
    )
    return sorted(agreement.municipalities, key=lambda m: m.name), list(results)


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    label: str
    actor: str
    note: str


def history(action_id: int) -> list[HistoryLine]:
    """An action's events, oldest first, with the status's label and who took the step."""
    rows = db.session.execute(
        sa.select(ActionEvent.at, ActionEvent.to_status, User.name, ActionEvent.note)
        .outerjoin(User, User.id == ActionEvent.actor_id)
        .where(ActionEvent.action_id == action_id)
        .order_by(ActionEvent.id)
    )
    return [HistoryLine(at, ActionStatus(status).label, name or "", note) for at, status, name, note in rows]


def stopped_organisations(now: datetime) -> set[int]:
    """The providers with a cliëntenstop in force (the contract register marks them)."""
    return {organisation_id for organisation_id, _m, _r in active_client_stops(now)}


# --- the dossier -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DossierLine:
    kind: DocumentKind
    document: DossierDocument | None
    expired: bool


def dossier_of(organisation_id: int, today: date) -> list[DossierLine]:
    """Every required kind with its current (newest) document, or None when missing."""
    documents = db.session.scalars(
        sa.select(DossierDocument)
        .where(DossierDocument.organisation_id == organisation_id)
        .order_by(DossierDocument.uploaded_at, DossierDocument.id)
    )
    current = {document.kind: document for document in documents}
    return [
        DossierLine(kind, current.get(kind), kind not in current or current[kind].expires_on < today)
        for kind in DocumentKind
    ]


def _valid_kinds(today: date) -> sa.Subquery:
    """Per provider: how many required kinds have a document that has not expired."""
    return (
        sa.select(
            DossierDocument.organisation_id.label("organisation_id"),
            sa.func.count(sa.distinct(DossierDocument.kind)).label("valid"),
        )
        .where(DossierDocument.expires_on >= today)
        .group_by(DossierDocument.organisation_id)
        .subquery()
    )


# --- the half-yearly reports -----------------------------------------------------------------------


def report_of(organisation_id: int, period: str) -> IndicatorReport | None:
    return db.session.scalar(
        sa.select(IndicatorReport).where(
            IndicatorReport.organisation_id == organisation_id, IndicatorReport.period == period
        )
    )


@dataclass(frozen=True)
class ReportLine:
    period: str
    submitted_at: datetime
    values: list[tuple[Any, str]]  # (indicator label, number) in the order of indicators.INDICATORS
    explanation: str


def reports_of(organisation_id: int) -> list[ReportLine]:
    """A provider's half-yearly reports, newest first, each value in the indicators' order."""
    reports = db.session.scalars(
        sa.select(IndicatorReport)
        .where(IndicatorReport.organisation_id == organisation_id)
        .order_by(IndicatorReport.period.desc())
    )
    return [
        ReportLine(
            r.period,
            r.submitted_at,
            [(i.label, r.values.get(i.code, "")) for i in indicators.INDICATORS],
            r.explanation,
        )
        for r in reports
    ]


def reported(period: str) -> sa.Select[Any]:
    return sa.select(IndicatorReport.organisation_id).where(IndicatorReport.period == period)


def stops_for_export(today: date) -> list[tuple[Any, ...]]:
    """Every cliëntenstop line in force, for the municipalities' toegang (CSV/XLSX)."""
    return [
        tuple(row)
        for row in db.session.execute(
            sa.select(
                Organisation.name,
                Organisation.kvk_number,
                Municipality.name,
                Result.code,
                Result.name,
                MonitoringAction.happens_on,
                MonitoringAction.due_on,
                MonitoringAction.notes,
            )
            .join(MonitoringAction, MonitoringAction.organisation_id == Organisation.id)
            .join(ClientStopLine, ClientStopLine.action_id == MonitoringAction.id)
            .join(Municipality, Municipality.id == ClientStopLine.municipality_id)
            .join(Result, Result.id == ClientStopLine.result_id)
            .where(_stops_in_force(today))
            .order_by(Organisation.name, Municipality.name, Result.code)
        )
    ]


def documents_of(action_id: int) -> list[ActionDocument]:
    return list(
        db.session.scalars(
            sa.select(ActionDocument).where(ActionDocument.action_id == action_id).order_by(ActionDocument.id)
        )
    )
