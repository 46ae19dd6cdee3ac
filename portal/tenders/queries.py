"""The reads the tender pages need, with their eager loading (a page's query count does not grow)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models import (
    AwardCriterion,
    Nota,
    Question,
    Rectification,
    Requirement,
    RequirementTemplate,
    Result,
    ResultLevel,
    Tariff,
    Tender,
    TenderStatus,
)

PUBLIC_STATUSES = (TenderStatus.PUBLISHED, TenderStatus.CLOSED)


def buyer_tenders() -> list[Tender]:
    return list(
        db.session.scalars(
            sa.select(Tender)
            .options(selectinload(Tender.lots))
            .order_by(Tender.created_at.desc(), Tender.id.desc())
        )
    )


def public_tenders(*, now: datetime) -> list[Tender]:
    return list(
        db.session.scalars(
            sa.select(Tender)
            .where(Tender.status.in_(PUBLIC_STATUSES), Tender.publication_at <= now)
            .options(selectinload(Tender.windows), selectinload(Tender.lots))
            .order_by(Tender.publication_at.desc(), Tender.id.desc())
        )
    )


def public_tender(tender_id: int, *, now: datetime) -> Tender | None:
    return db.session.scalar(
        sa.select(Tender)
        .where(Tender.id == tender_id, Tender.status.in_(PUBLIC_STATUSES), Tender.publication_at <= now)
        .options(*_tender_pages_parts(), selectinload(Tender.levels))
    )


def tender_for_setup(tender_id: int) -> Tender | None:
    return db.session.scalar(
        sa.select(Tender)
        .where(Tender.id == tender_id)
        .options(
            *_tender_pages_parts(),
            selectinload(Tender.results).selectinload(Result.levels).selectinload(ResultLevel.tariffs),
        )
    )


def _tender_pages_parts() -> list[Any]:
    """What both the public page and the set-up page of a tender show, loaded with it."""
    return [
        selectinload(Tender.municipalities),
        selectinload(Tender.windows),
        selectinload(Tender.lots),
        selectinload(Tender.requirements).selectinload(Requirement.lots),
        selectinload(Tender.criteria).selectinload(AwardCriterion.lots),
        selectinload(Tender.documents),
    ]


def matrix_results(tender_id: int) -> list[Result]:
    """Every result with its levels, lots and tariffs (with municipality): one query per table."""
    return list(
        db.session.scalars(
            sa.select(Result)
            .where(Result.tender_id == tender_id)
            .options(
                selectinload(Result.domain),
                selectinload(Result.levels).selectinload(ResultLevel.lot),
                selectinload(Result.levels)
                .selectinload(ResultLevel.tariffs)
                .selectinload(Tariff.municipality),
            )
            .order_by(Result.code)
        )
    )


def rectifications(tender_id: int) -> list[Rectification]:
    return list(
        db.session.scalars(
            sa.select(Rectification)
            .where(Rectification.tender_id == tender_id)
            .order_by(Rectification.published_at.desc())
        )
    )


def notas(tender_id: int) -> list[Nota]:
    return list(
        db.session.scalars(
            sa.select(Nota)
            .where(Nota.tender_id == tender_id)
            .order_by(Nota.number)
            .options(selectinload(Nota.questions))
        )
    )


def nota(tender_id: int, number: int) -> Nota | None:
    return db.session.scalar(
        sa.select(Nota)
        .where(Nota.tender_id == tender_id, Nota.number == number)
        .options(selectinload(Nota.questions))
    )


def questions_for_buyer(tender_id: int) -> list[Question]:
    return list(
        db.session.scalars(
            sa.select(Question)
            .where(Question.tender_id == tender_id)
            .order_by(Question.asked_at, Question.id)
        )
    )


def own_questions(tender_id: int, organisation_id: int | None) -> list[Question]:
    return list(
        db.session.scalars(
            sa.select(Question)
            .where(Question.tender_id == tender_id, Question.organisation_id == organisation_id)
            .order_by(Question.asked_at)
        )
    )


def requirement_library() -> list[RequirementTemplate]:
    return list(
        db.session.scalars(
            sa.select(RequirementTemplate).order_by(RequirementTemplate.kind, RequirementTemplate.id)
        )
    )
