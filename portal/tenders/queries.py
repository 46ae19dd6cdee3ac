"""The reads the tender pages need, with their eager loading (a page's query count does not grow)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models import (
    AwardCriterion,
    Domain,
    Municipality,
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


class PartOfTender(Protocol):
    """A lot, requirement, criterion, document or question: it names the tender it belongs to."""

    @property
    def id(self) -> int: ...

    @property
    def tender_id(self) -> int: ...


Part = TypeVar("Part", bound=PartOfTender)


def part_of(tender_id: int, model: type[Part], object_id: int) -> Part | None:
    """An object of this tender, or None (also for another tender's object: a tampered id)."""
    obj = db.session.get(model, object_id)
    return obj if obj is not None and obj.tender_id == tender_id else None


def result_level(tender_id: int, result_level_id: int) -> ResultLevel | None:
    """A result-level of this tender's matrix, or None."""
    return db.session.scalar(
        sa.select(ResultLevel)
        .join(Result, ResultLevel.result_id == Result.id)
        .where(ResultLevel.id == result_level_id, Result.tender_id == tender_id)
    )


def result_level_labels(tender_id: int) -> list[tuple[int, str, int]]:
    """(result-level id, result code, level) of the tender's matrix, in reading order."""
    rows = db.session.execute(
        sa.select(ResultLevel.id, Result.code, ResultLevel.level)
        .join(Result, ResultLevel.result_id == Result.id)
        .where(Result.tender_id == tender_id)
        .order_by(Result.code, ResultLevel.level)
    )
    return [(rl_id, code, level) for rl_id, code, level in rows]


def municipalities() -> list[Municipality]:
    return list(db.session.scalars(sa.select(Municipality).order_by(Municipality.name)))


def domains() -> list[Domain]:
    return list(db.session.scalars(sa.select(Domain).order_by(Domain.position)))


def domain(domain_id: int) -> Domain | None:
    return db.session.get(Domain, domain_id)


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


def last_nota_number(tender_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.max(Nota.number)).where(Nota.tender_id == tender_id)) or 0


def last_question_number(tender_id: int) -> int:
    """The highest number a published question of this tender has (0: none yet)."""
    return (
        db.session.scalar(sa.select(sa.func.max(Question.number)).where(Question.tender_id == tender_id)) or 0
    )


def merged_into(question_id: int) -> list[Question]:
    return list(db.session.scalars(sa.select(Question).where(Question.merged_into_id == question_id)))
