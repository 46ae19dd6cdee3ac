"""What each assessment page shows, prepared as plain data so templates hold no logic.

The assessor's pages (assessor_tender, score_page) carry the neutral code only: never the
organisation's name, KvK number or evidence file names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.assessment import decision_list, forms, opened, queries, rules
from portal.assessment.checklist import PAGE_SIZE
from portal.assessment.results import per_lot
from portal.assessment.views_checks import flag_label
from portal.bids.content import SubmittedContent
from portal.extensions import db
from portal.models import (
    AwardCriterion,
    BidSubmission,
    Decision,
    DecisionOutcome,
    Procedure,
    Role,
    ScoreKind,
    Tender,
    User,
    UserRole,
)


def user_names(ids: set[int] | set[int | None]) -> dict[int, str]:
    """User id → name, for the people a page names (assessors, buyers)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u.name for u in db.session.scalars(sa.select(User).where(User.id.in_(wanted)))}


def tender_of(decision: Decision) -> Tender:
    return db.session.get_one(BidSubmission, decision.submission_id).bid.tender


def tie_break_label(rule: str) -> str:
    return {
        rules.EARLIEST_SUBMISSION: _("bij gelijke totaalscore gaat de eerst ontvangen inschrijving voor"),
        rules.HIGHEST_HEAVIEST_CRITERION: _(
            "bij gelijke totaalscore gaat de hoogste score op het zwaarst wegende criterium voor, daarna de eerst ontvangen inschrijving"
        ),
    }.get(rule, rule)


ROUNDING_RULE = _l(
    "Σ(consensusscore × weging) / 100, afgerond op twee decimalen; een half wordt naar boven afgerond."
)


# --- assessor -----------------------------------------------------------------------------------


def assessor_tender(tender: Tender, user: User) -> dict[str, Any]:
    declared = queries.declaration(tender.id, user.id)
    is_opened = queries.is_opened(tender)
    rows = []
    if declared and is_opened:
        released = opened.of(tender)
        codes = released.codes
        mine = queries.assessor_criteria(tender, user.id)
        submissions = released.for_assessor(user.id)
        own = {
            (s.submission_id, s.criterion_id)
            for s in queries.scores([s.id for s in submissions], ScoreKind.INDIVIDUAL)
            if s.assessor_id == user.id
        }
        for submission in submissions:
            criteria = [c for c in queries.criteria_of(submission) if c in mine]
            done = sum(1 for c in criteria if (submission.id, c.id) in own)
            rows.append(
                {"id": submission.id, "code": codes[submission.id], "done": done, "total": len(criteria)}
            )
    criteria = queries.assessor_criteria(tender, user.id) if declared and is_opened else []
    return {"tender": tender, "declared": declared, "opened": is_opened, "rows": rows, "criteria": criteria}


def score_form(criterion: AwardCriterion, form: forms.ScoreForm | None = None) -> forms.ScoreForm:
    form = form or forms.ScoreForm(prefix=f"c{criterion.id}", formdata=None)
    form.value.choices = forms.options(
        (step["score"], f"{step['score']} – {step['label']}") for step in criterion.scale
    )
    return form


def score_page(
    submission: BidSubmission, code: str, user: User, given: dict[int, forms.ScoreForm]
) -> dict[str, Any]:
    tender = queries.with_criteria(submission.bid.tender)
    mine = queries.assessor_criteria(tender, user.id)
    given_scores = queries.scores([submission.id], ScoreKind.INDIVIDUAL)
    content = SubmittedContent.from_json(submission.content)
    items: list[dict[str, Any]] = []
    for criterion in queries.criteria_of(submission):
        if criterion not in mine:
            continue
        scores = [s for s in given_scores if s.criterion_id == criterion.id]
        own = next((s for s in scores if s.assessor_id == user.id), None)
        others = [s for s in scores if s.assessor_id != user.id] if own else []
        items.append(
            {
                "criterion": criterion,
                "answer": content.criterion_answer(criterion.id),
                "own": own,
                "others": others,
                "form": None if own else score_form(criterion, given.get(criterion.id)),
            }
        )
    names = user_names({s.assessor_id for item in items for s in item["others"]})
    return {
        "tender": tender,
        "code": code,
        "submission": submission,
        "items": items,
        "names": names,
    }


# --- buyer --------------------------------------------------------------------------------------


def opening(tender: Tender, form: forms.OpeningForm) -> dict[str, Any]:
    openings = queries.openings(tender)
    two_person = tender.procedure is not Procedure.OPEN_HOUSE
    opened_windows = {o.admission_window_id for o in openings if o.opened_at}
    form.window.choices = forms.options(
        [(0, _("Kies een toelatingsronde"))]
        + [
            (w.id, f"{w.opens_at:%d-%m-%Y} – {w.closes_at:%d-%m-%Y}")
            for w in tender.windows
            if w.id not in opened_windows
        ]
    )
    names = user_names({o.first_by_id for o in openings} | {o.second_by_id for o in openings})
    released = opened.of(tender)
    return {
        "tender": tender,
        "form": form,
        "two_person": two_person,
        "openings": openings,
        "expires": {o.id: o.first_at + rules.OPENING_WINDOW for o in openings},
        "names": names,
        "submissions": released.submissions,
        "codes": released.codes,
        "window_choice": not two_person,
        "all_opened": two_person and any(o.opened_at for o in openings),
    }


def appoint_form(tender: Tender) -> forms.AppointForm:
    form = forms.AppointForm()
    assessors = db.session.scalars(
        sa.select(User)
        .join(UserRole)
        .where(UserRole.role == Role.ASSESSOR, User.is_active)
        .order_by(User.name)
    )
    form.user.choices = forms.options(
        [(0, _("Kies een beoordelaar"))] + [(u.id, f"{u.name} ({u.email})") for u in assessors]
    )
    form.criterion.choices = forms.options(
        [(0, _("Alle gunningscriteria"))] + [(c.id, c.question) for c in tender.criteria]
    )
    return form


def assessors(tender: Tender, form: forms.AppointForm) -> dict[str, Any]:
    appointments = queries.appointments(tender)
    return {
        "tender": tender,
        "form": form,
        "appointments": appointments,
        "names": user_names({a.user_id for a in appointments}),
        "criteria": {c.id: c for c in tender.criteria},
        "declarations": queries.declarations(tender),
        "opened": queries.is_opened(tender),
    }


def requirements(submission: BidSubmission, code: str, given: dict[int, forms.CheckForm]) -> dict[str, Any]:
    checks = queries.checks(submission.id)
    clarifications = queries.clarifications(submission.id)
    content = SubmittedContent.from_json(submission.content)
    items = []
    for requirement in queries.requirements_of(submission):
        form = given.get(requirement.id) or forms.CheckForm(prefix=f"r{requirement.id}", formdata=None)
        items.append(
            {
                "requirement": requirement,
                "answer": content.requirement(requirement.id),
                "check": checks.get(requirement.id),
                "flag": flag_label(checks.get(requirement.id)),
                "clarifications": [c for c in clarifications if c.requirement_id == requirement.id],
                "form": form,
            }
        )
    return {**_bid(submission, code), "items": items, "lots": queries.lots_of(submission)}


def _bid(submission: BidSubmission, code: str) -> dict[str, Any]:
    """What every page about one opened bid shows at its top."""
    return {"tender": submission.bid.tender, "submission": submission, "code": code}


def consensus_item(
    submission: BidSubmission, code: str, criterion: AwardCriterion, form: forms.ConsensusForm
) -> dict[str, Any]:
    complete = queries.complete(submission, criterion)
    scores = queries.individual_scores(submission.id, criterion.id) if complete else []
    values = [s.value for s in scores]
    return {
        **_bid(submission, code),
        "criterion": criterion,
        "answer": SubmittedContent.from_json(submission.content).criterion_answer(criterion.id),
        "scores": scores,
        "names": user_names({s.assessor_id for s in scores}),
        "mean": rules.mean(values),
        "spread": rules.spread(values),
        "flagged": rules.spread_flagged(values, rules.scale_values(criterion.scale)),
        "complete": complete,
        "form": form,
        "scale": criterion.scale,
    }


def results(tender: Tender, lot_id: int | None = None) -> dict[str, Any] | None:
    """One perceel's results in full (the first, or `lot_id`), with a line per perceel above it.

    None when `lot_id` is not a perceel of this tender. With 350 bids in 8 percelen the whole tender
    is 2,800 rows: one perceel at a time is what a buyer can read (and what the page can serve quickly).
    """
    lots = list(tender.lots)
    if lot_id is not None and lot_id not in {lot.id for lot in lots}:
        return None
    shown_id = lot_id or (lots[0].id if lots else None)
    released = opened.of(tender)
    shown = per_lot(tender, only_lot_id=shown_id, released=released) if shown_id else []
    counts = released.bids_per_lot()
    return {
        "tender": tender,
        "results": shown,
        "summary": [{"lot": lot, "bids": counts[lot.id], "current": lot.id == shown_id} for lot in lots],
        "codes": released.codes,
        "rounding": ROUNDING_RULE,
        "tie_break": tie_break_label(tender.tie_break_rule),
        "consensus": shown[0].consensus if shown else {},
    }


def decision_filters(tender: Tender, args: Mapping[str, str]) -> forms.DecisionFilterForm:
    form = forms.DecisionFilterForm(args)
    form.besluit.choices = forms.options([("", _l("Alle"))] + [(o.value, o.label) for o in DecisionOutcome])
    form.perceel.choices = forms.options(
        [("", _l("Alle percelen"))] + [(lot.id, lot.name) for lot in tender.lots]
    )
    form.status.choices = forms.options(
        [
            ("", _l("Alle")),
            ("te_keuren", _l("Te keuren")),
            ("goedgekeurd", _l("Goedgekeurd")),
            ("verzonden", _l("Verzonden")),
        ]
    )
    return form


def decisions(tender: Tender, args: Mapping[str, str]) -> dict[str, Any]:
    """One page (50) of the filtered decisions, as columns, with the tender's progress."""
    flt = decision_list.Filter.from_args(args)
    rows, total = decision_list.listing(tender, flt)
    progress = decision_list.progress(tender)
    first = (flt.page - 1) * PAGE_SIZE + 1
    return {
        "tender": tender,
        "rows": rows,
        "total": total,
        "flt": flt,
        "filters": decision_filters(tender, args),
        "first": first,
        "last": first + len(rows) - 1,
        "pages": max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        "codes": opened.of(tender).codes,
        "lots": {lot.id: lot for lot in tender.lots},
        "names": user_names({r.drafted_by_id for r in rows} | {r.approved_by_id for r in rows}),
        "progress": progress,
        "all_approved": bool(progress.total) and progress.approved == progress.total,
        "opened": queries.is_opened(tender),
        "form": forms.ActionForm(),
    }


def edit_decision(decision: Decision, form: forms.DecisionForm) -> dict[str, Any]:
    submission = db.session.get_one(BidSubmission, decision.submission_id)
    return {
        "decision": decision,
        "tender": submission.bid.tender,
        "submission": submission,
        "lot": next(lot for lot in submission.bid.tender.lots if lot.id == decision.lot_id),
        "form": form,
    }
