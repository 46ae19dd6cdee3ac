"""Publication of a tender and what may change afterwards: the checklist, publishing, rectifications.

After publication the structure is frozen (service.ensure_editable); a change is published as a
Rectification, mailed to every organisation that follows the tender or has a draft bid.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal import audit, mail
from portal.extensions import db
from portal.models import (
    AdmissionWindow,
    Bid,
    BidStatus,
    Opening,
    Procedure,
    Rectification,
    ResultLevel,
    Tender,
    TenderFollow,
    TenderStatus,
    User,
)
from portal.tenders import rules
from portal.tenders.rules import Problem, TenderOutline
from portal.tenders.service import (
    InvalidInput,
    PublicationRefused,
    TenderError,
    change_status,
    ensure_editable,
    published_by,
    tender_data,
)

DEADLINES = ("question_deadline", "submission_deadline")  # what a rectification may move


def outline(tender: Tender) -> TenderOutline:
    """The plain data the publication checklist looks at."""
    municipalities = {m.id: m.name for m in tender.municipalities}
    levels = [(f"{result.code} niveau {rl.level}", rl) for result in tender.results for rl in result.levels]
    return TenderOutline(
        dates=tender_data(tender).dates(),
        municipality_count=len(municipalities),
        lot_names=tuple(lot.name for lot in tender.lots),
        criterion_weights=tuple(c.weight for c in tender.criteria),
        requirement_count=len(tender.requirements),
        result_level_count=len(levels),
        result_levels_without_lot=tuple(label for label, rl in levels if rl.lot_id is None),
        missing_tariffs=tuple(_unpriced(levels, municipalities)),
    )


def _unpriced(levels: list[tuple[str, ResultLevel]], municipalities: dict[int, str]) -> Iterator[str]:
    """'<result> niveau <n> in <municipality>' for each participating municipality without a tariff."""
    for label, rl in levels:
        priced = {t.municipality_id for t in rl.tariffs}
        yield from (f"{label} in {name}" for mid, name in municipalities.items() if mid not in priced)


def checklist(tender: Tender) -> list[object]:
    return rules.publication_checklist(outline(tender))


def publish_tender(tender: Tender, *, by: User | None, now: datetime) -> None:
    ensure_editable(tender)
    missing = checklist(tender)
    if missing:
        raise PublicationRefused(missing)
    change_status(tender, TenderStatus.PUBLISHED, by=by, now=now)


def publish_rectification(
    tender: Tender,
    *,
    what: str,
    why: str,
    by: User | None,
    now: datetime,
    question_deadline: datetime | None = None,
    submission_deadline: datetime | None = None,
) -> Rectification:
    """A change after publication: recorded, shown publicly, mailed to drafters and followers. It may move
    the question or submission deadline (_move_refusal says when not); a moved deadline is the tender's
    own from then on (every rule reads it there), audited with the old and the new time."""
    moves = {"question_deadline": question_deadline, "submission_deadline": submission_deadline}
    _check_rectification(tender, what, why, moves, now)
    moved = _move_deadlines(tender, moves, by=by, now=now)
    rectification = _recorded(tender, what, why, by=by, now=now)
    subject = _("Rectificatie %(ref)s: %(title)s", ref=tender.reference, title=tender.title)
    key = f"rectification-{rectification.id}"
    notify_concerned(
        tender, subject, "tenders_rectification", key, drafters=True, rectification=rectification, moved=moved
    )
    audit.record("tenders.rectify", tender, actor=by, rectification_id=rectification.id)
    return rectification


def _recorded(tender: Tender, what: str, why: str, *, by: User | None, now: datetime) -> Rectification:
    rectification = Rectification(
        tender_id=tender.id,
        what=what.strip(),
        why=why.strip(),
        **published_by(by, now),
    )
    db.session.add(rectification)
    db.session.flush()
    return rectification


def _check_rectification(
    tender: Tender, what: str, why: str, moves: dict[str, datetime | None], now: datetime
) -> None:
    """A published tender; what changed and why filled in; every deadline move allowed."""
    if tender.status is not TenderStatus.PUBLISHED:
        raise TenderError(_l("Een rectificatie kan alleen bij een gepubliceerd inkooptraject."))
    problems = [
        Problem(name, _l("Vul dit in."))
        for name, value in (("what", what), ("why", why))
        if not value.strip()
    ]
    problems.extend(_deadline_move_problems(tender, moves, now))
    if problems:
        raise InvalidInput(problems)


def _move_deadlines(
    tender: Tender, moves: dict[str, datetime | None], *, by: User | None, now: datetime
) -> dict[str, datetime]:
    """Set each moved deadline where the rules read it, audit the move; returns what moved.

    The submission deadline of an open house is the closing of the admission window open now.
    """
    moved = {}
    for name, value in moves.items():
        holder, attribute = _deadline_holder(tender, name, now)
        if value is None or holder is None or value == getattr(holder, attribute):
            continue
        _audit_move(tender, name, holder, getattr(holder, attribute), value, by=by)
        setattr(holder, attribute, value)
        moved[name] = value
    db.session.flush()
    return moved


def _audit_move(
    tender: Tender,
    name: str,
    holder: Tender | AdmissionWindow,
    old: datetime | None,
    new: datetime,
    *,
    by: User | None,
) -> None:
    audit.record(
        "tenders.deadline_moved",
        tender,
        actor=by,
        field=name,
        old=old,
        new=new,
        window_id=holder.id if isinstance(holder, AdmissionWindow) else "",
    )


def _deadline_holder(tender: Tender, name: str, now: datetime) -> tuple[Tender | AdmissionWindow | None, str]:
    """Which object and attribute hold the deadline `name` (None: an open house with no open window)."""
    if name == "submission_deadline" and tender.procedure is Procedure.OPEN_HOUSE:
        return _open_window(tender, now), "closes_at"
    return tender, name


def _open_window(tender: Tender, now: datetime) -> AdmissionWindow | None:
    return next((w for w in tender.windows if w.opens_at <= now < w.closes_at), None)


def _deadline_move_problems(
    tender: Tender, moves: dict[str, datetime | None], now: datetime
) -> list[Problem]:
    problems = [
        Problem(name, message)
        for name, value in moves.items()
        if value is not None
        for message in _move_refusal(tender, name, value, now)
    ]
    return problems or _order_problems(tender, moves, now)


def _move_refusal(tender: Tender, name: str, value: datetime, now: datetime) -> list[object]:
    holder, attribute = _deadline_holder(tender, name, now)
    if holder is None:
        return [_l("Er is nu geen toelatingsronde open; alleen een open ronde kan worden verlengd.")]
    if name == "submission_deadline" and _opening_started(tender, holder):
        return [_l("De inschrijvingen zijn al geopend; de termijn ligt vast.")]
    current = getattr(holder, attribute)
    if current is not None and current < now:
        return [_l("Deze termijn is al verstreken en kan niet meer worden gewijzigd.")]
    if value <= now:
        return [_l("De nieuwe datum moet in de toekomst liggen.")]
    return []


def _opening_started(tender: Tender, holder: Tender | AdmissionWindow) -> bool:
    """Whether the opening of this period (the deadline, or this admission window) has begun."""
    window_id = holder.id if isinstance(holder, AdmissionWindow) else None
    period = (
        Opening.admission_window_id.is_(None)
        if window_id is None
        else Opening.admission_window_id == window_id
    )
    return bool(
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Opening).where(Opening.tender_id == tender.id, period)
        )
    )


def _order_problems(tender: Tender, moves: dict[str, datetime | None], now: datetime) -> list[Problem]:
    """The moved dates checked against the others with the set-up's own date rules."""
    data = tender_data(tender)
    data.question_deadline = moves["question_deadline"] or data.question_deadline
    window = _open_window(tender, now) if tender.procedure is Procedure.OPEN_HOUSE else None
    if window is not None and moves["submission_deadline"]:
        data.windows = [
            (o, moves["submission_deadline"] if o == window.opens_at else c) for o, c in data.windows
        ]
    else:
        data.submission_deadline = moves["submission_deadline"] or data.submission_deadline
    derived = {"windows": "submission_deadline", "contract_start": "submission_deadline"}
    problems = [Problem(derived.get(p.field, p.field), p.message) for p in rules.date_problems(data.dates())]
    return [p for p in problems if p.field in moves]


def concerned_users(tender: Tender, *, drafters: bool) -> list[User]:
    """Active users of every organisation following the tender (and, if asked, with a draft bid)."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.organisation_id.in_(_concerned_organisations(tender, drafters)), User.is_active.is_(True)
            )
            .order_by(User.id)
        )
    )


def _concerned_organisations(tender: Tender, drafters: bool) -> sa.Select[int] | sa.CompoundSelect[int]:
    following = sa.select(TenderFollow.organisation_id).where(TenderFollow.tender_id == tender.id)
    if not drafters:
        return following
    drafting = sa.select(Bid.organisation_id).where(Bid.tender_id == tender.id, Bid.status == BidStatus.DRAFT)
    return following.union(drafting)


def notify_concerned(
    tender: Tender, subject: str, template: str, key: str, *, drafters: bool, **context: Any
) -> None:
    """Queue mail `template` to each concerned user, once per user (`key` and the user's id)."""
    for user in concerned_users(tender, drafters=drafters):
        mail.queue(user.email, subject, template, dedupe_key=f"{key}-{user.id}", tender=tender, **context)
