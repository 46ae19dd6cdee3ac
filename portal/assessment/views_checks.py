"""What the requirement-check pages show (overview, one requirement across bids, one check), as plain data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.assessment import checklist, forms, opened, queries, rules
from portal.bids.content import SubmittedContent
from portal.extensions import db
from portal.models import BidSubmission, EvidenceFile, Requirement, Tender

FLAG_LABELS = {
    rules.FLAG_ANSWERED_NO: _l("knock-outeis met ‘nee’ beantwoord"),
    rules.FLAG_MISSING_EVIDENCE: _l("verplicht bewijsstuk ontbreekt"),
}
STATE_LABELS = {
    "open": _l("Nog te beoordelen"),
    "proposed": _l("Niet voldaan, voorstel"),
    "met": _l("Voldaan"),
    "not_met": _l("Niet voldaan"),
    "clarification": _l("Verduidelijking gevraagd"),
}
STATE_BADGES = {"open": "", "proposed": "warn", "met": "ok", "not_met": "danger", "clarification": "warn"}


def state_of(row: Any) -> str:
    """The state key of a listed answer (or a check): open, proposed, met, not_met, clarification."""
    if row is None or row.outcome is None:
        return "open"
    return "proposed" if row.proposed else row.outcome.value


def flag_label(check: Any) -> str:
    """Why a check is a proposal ("" when it is none)."""
    if check is None or not check.proposed:
        return ""
    return str(FLAG_LABELS.get(check.flag_reason, check.flag_reason))


def overview(tender: Tender, released: opened.OpenedSubmissions) -> dict[str, Any]:
    counts = checklist.overview(released)
    empty = dict.fromkeys(checklist.OUTCOMES, 0)
    items = [{"requirement": r, "counts": counts.get(r.id, empty)} for r in tender.requirements]
    return {"tender": tender, "items": items, "labels": STATE_LABELS, "opened": bool(released.ids)}


def filter_form(tender: Tender, args: Mapping[str, str]) -> forms.RequirementFilterForm:
    form = forms.RequirementFilterForm(args)
    form.uitkomst.choices = forms.options([("", _l("Alle")), *STATE_LABELS.items()])
    form.perceel.choices = forms.options(
        [("", _l("Alle percelen"))] + [(lot.id, lot.name) for lot in tender.lots]
    )
    form.antwoord.choices = forms.options([("", _l("Alle")), ("ja", _l("ja")), ("nee", _l("nee"))])
    return form


def requirement_list(
    tender: Tender, requirement: Requirement, released: opened.OpenedSubmissions, args: Mapping[str, str]
) -> dict[str, Any]:
    flt = checklist.Filter.from_args(args)
    listing = checklist.listing(requirement.id, released, flt)
    rows = [
        {"row": row, "code": released.codes[row.submission_id], "state": state_of(row)}
        for row in listing.rows
    ]
    first = (listing.page - 1) * checklist.PAGE_SIZE + 1 if listing.total else 0
    return {
        "tender": tender,
        "requirement": requirement,
        "filters": filter_form(tender, args),
        "flt": flt,
        "listing": listing,
        "rows": rows,
        "first": first,
        "last": first + len(rows) - 1 if rows else 0,
        "labels": STATE_LABELS,
        "badges": STATE_BADGES,
        "flags": FLAG_LABELS,
        "bulk": forms.BulkCheckForm(formdata=None),
    }


def check_one(
    requirement: Requirement,
    submission: BidSubmission,
    code: str,
    form: forms.CheckForm,
    args: Mapping[str, str],
) -> dict[str, Any]:
    check = queries.checks(submission.id).get(requirement.id)
    clarifications = [c for c in queries.clarifications(submission.id) if c.requirement_id == requirement.id]
    return {
        "tender": submission.bid.tender,
        "back": checklist.Filter.from_args(args).args(),
        "requirement": requirement,
        "submission": submission,
        "code": code,
        "answer": SubmittedContent.from_json(submission.content).requirement(requirement.id),
        "check": check,
        "state": state_of(check),
        "clarifications": clarifications,
        "form": form,
        "labels": STATE_LABELS,
        "flags": FLAG_LABELS,
    }


def check_form(submission_id: int, requirement_id: int, formdata: Any = None) -> forms.CheckForm:
    """The single check's form; a proposal is prefilled "not met" (confirming it takes a motivation)."""
    form = forms.CheckForm(formdata=formdata, prefix=f"r{requirement_id}")
    if formdata is None:
        states = queries.check_states([submission_id]).get(submission_id, {})
        state = states.get(requirement_id)
        form.outcome.data = "not_met" if state and state.proposed else form.outcome.data
    return form


def evidence_file(submission: BidSubmission, evidence_id: int) -> EvidenceFile | None:
    """The stored file, when it is part of this submission's frozen answers (else None: 404)."""
    content = SubmittedContent.from_json(submission.content)
    if not any(e.id == evidence_id for answer in content.requirements for e in answer.evidence):
        return None
    found = db.session.get(EvidenceFile, evidence_id)
    return found if found is not None and found.organisation_id == submission.bid.organisation_id else None


def bulk_form() -> forms.BulkCheckForm:
    return forms.BulkCheckForm()


def chosen(
    requirement: Requirement,
    released: opened.OpenedSubmissions,
    form: forms.BulkCheckForm,
    flt: checklist.Filter,
) -> list[int]:
    """The ticked bids, or every bid the filter shows when the buyer chose "all that match"."""
    if form.bereik.data == "alle":
        return checklist.matching_ids(requirement.id, released, flt)
    return list(form.inschrijving.data or [])


def left_message(left: int) -> str:
    return _(
        "%(n)s inschrijvingen zijn overgeslagen: een voorstel, ‘niet voldaan’, een verduidelijking of een "
        "besluit verandert u per inschrijving.",
        n=left,
    )
