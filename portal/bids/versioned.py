"""Versioned saves of a bid's answers, which name who changed what.

An answer is inserted at version 1, or updated only while the stored version is still the one the person
started from (optimistic locking); otherwise nothing is overwritten and StaleEdit shows both versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from portal import audit
from portal.bids import queries, rules
from portal.bids.service import affected_rows, ensure_editable
from portal.extensions import db
from portal.models import AwardCriterion, Bid, CriterionAnswer, Requirement, RequirementAnswer, User


@dataclass(frozen=True)
class RequirementInput:
    declaration: bool | None
    text: str
    answer_date: date | None


FOREIGN_REQUIREMENT = _l("Deze eis hoort niet bij dit inkooptraject.")
FOREIGN_CRITERION = _l("Dit gunningscriterium hoort niet bij dit inkooptraject.")
Item = TypeVar("Item", Requirement, AwardCriterion)


def requirement_of(bid: Bid, requirement_id: int) -> Requirement:
    return _of_tender(bid, db.session.get(Requirement, requirement_id), FOREIGN_REQUIREMENT)


def criterion_of(bid: Bid, criterion_id: int) -> AwardCriterion:
    return _of_tender(bid, db.session.get(AwardCriterion, criterion_id), FOREIGN_CRITERION)


def _of_tender(bid: Bid, item: Item | None, refusal: object) -> Item:
    if item is None or item.tender_id != bid.tender_id:
        raise rules.NotOfThisBid(refusal)
    return item


def ensure_answerable(bid: Bid, item: Requirement | AwardCriterion, *, now: datetime) -> None:
    """Refuse a change to a locked or closed bid, and an answer to another tender's question."""
    ensure_editable(bid, now=now)
    if item.tender_id != bid.tender_id:
        raise rules.NotOfThisBid(FOREIGN_REQUIREMENT if isinstance(item, Requirement) else FOREIGN_CRITERION)


def save_requirement_answer(
    bid: Bid, requirement: Requirement, value: RequirementInput, *, version: int, user: User, now: datetime
) -> RequirementAnswer:
    ensure_answerable(bid, requirement, now=now)
    fields = {"declaration": value.declaration, "text": value.text.strip(), "answer_date": value.answer_date}
    answer = _locked_update(
        RequirementAnswer, bid, ("requirement_id", requirement.id), version, fields, user, now
    )
    audit.record("bids.save_requirement", answer, bid_id=bid.id, version=answer.version)
    return answer


def save_criterion_answer(
    bid: Bid, criterion: AwardCriterion, text: str, *, version: int, user: User, now: datetime
) -> CriterionAnswer:
    ensure_answerable(bid, criterion, now=now)
    rules.check_word_limit(text, criterion.word_limit)
    answer = _locked_update(
        CriterionAnswer, bid, ("criterion_id", criterion.id), version, {"text": text.strip()}, user, now
    )
    audit.record("bids.save_criterion", answer, bid_id=bid.id, version=answer.version)
    return answer


Answer = TypeVar("Answer", RequirementAnswer, CriterionAnswer)


def _locked_update(
    model: type[Answer],
    bid: Bid,
    of: tuple[str, int],
    version: int,
    fields: dict[str, Any],
    user: User,
    now: datetime,
) -> Answer:
    """Insert (version 0 → 1) or update only when the stored version is still `version`; else StaleEdit."""
    values = {**fields, "updated_at": now, "updated_by_id": user.id}
    answer = _stored_answer(model, bid, of)
    if answer is None and version == 0:
        answer = _insert_first(model(bid_id=bid.id, version=1, **{of[0]: of[1]}, **values))
        if answer is not None:
            return answer
        answer = _stored_answer(model, bid, of)  # a colleague's first save came first
    if answer is None:
        raise rules.StaleEdit("?", None, {}, fields)
    _update_from(answer, version, fields, values)
    return answer


def _update_from(answer: Answer, version: int, fields: dict[str, Any], values: dict[str, Any]) -> None:
    """Update the stored answer to `values` only while it is at `version`; else StaleEdit with both."""
    model = type(answer)
    claim = sa.update(model).where(model.id == answer.id, model.version == version)
    saved = affected_rows(
        claim.values(version=version + 1, **values).execution_options(synchronize_session=False)
    )
    db.session.refresh(answer)
    if saved != 1:
        theirs = {name: getattr(answer, name) for name in fields}
        raise rules.StaleEdit(queries.user_name(answer.updated_by_id), answer.updated_at, theirs, fields)


def _stored_answer(model: type[Answer], bid: Bid, of: tuple[str, int]) -> Answer | None:
    key, key_id = of
    return db.session.scalar(sa.select(model).where(model.bid_id == bid.id, getattr(model, key) == key_id))


def _insert_first(answer: Answer) -> Answer | None:
    """The first version of an answer, or None when a concurrent first save won the unique key."""
    try:
        with db.session.begin_nested():
            db.session.add(answer)
    except IntegrityError:
        return None
    return answer
