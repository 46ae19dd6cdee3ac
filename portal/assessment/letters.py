"""Decision letters: the generated motivation, the letter's plain-data context, the PDF and its storage."""

from __future__ import annotations

import secrets
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from portal import pdf, uploads
from portal.assessment import queries, results, rules
from portal.extensions import db
from portal.models import BidSubmission, Decision, DecisionOutcome, Lot, Procedure, Requirement, Tender


def _fmt(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def motivation(tender: Tender, result: results.LotResult, outcome: rules.Outcome) -> str:
    """The motivation the law requires, generated from knock-outs, minimum scores and the rank."""
    lines: list[str] = []
    checks = result.not_met.get(outcome.submission_id, {})
    for requirement_id in outcome.knocked_out:
        requirement = db.session.get_one(Requirement, requirement_id)
        note = checks[requirement_id].note if requirement_id in checks else ""
        line = _("U voldoet niet aan de knock-outeis „%(text)s”.", text=requirement.text)
        lines.append(f"{line} {note}".strip())
    criteria = {c.id: c for c in result.criteria}
    for criterion_id in outcome.below_minimum:
        criterion = criteria[criterion_id]
        score = queries.consensus(outcome.submission_id, criterion_id)
        lines.append(
            _(
                "Op het gunningscriterium „%(question)s” is uw score %(score)s; de minimumscore is %(minimum)s.",
                question=criterion.question,
                score=_fmt(score.value if score else None),
                minimum=_fmt(criterion.minimum_score),
            )
        )
    if outcome.beyond_max:
        lines.append(
            _(
                "Uw inschrijving staat op plaats %(rank)s van de rangschikking; voor dit perceel worden ten hoogste %(max)s zorgaanbieders toegelaten.",
                rank=outcome.rank,
                max=result.lot.max_providers,
            )
        )
    if outcome.admitted:
        lines.append(
            _(
                "Uw inschrijving voldoet aan alle eisen en minimumscores voor %(lot)s. Uw totaalscore is %(total)s.",
                lot=result.lot.name,
                total=_fmt(outcome.total),
            )
        )
        if outcome.rank is not None:
            lines.append(
                _("Uw inschrijving staat op plaats %(rank)s van de rangschikking.", rank=outcome.rank)
            )
    # one paragraph per reason: a line break inside a requirement's text or a note stays inside it
    return "\n".join(pdf.one_line(line) for line in lines)


def _criterion_rows(result: results.LotResult, submission_id: int) -> list[dict[str, Any]]:
    rows = []
    for criterion in result.criteria:
        score = queries.consensus(submission_id, criterion.id)
        rows.append(
            {
                "id": criterion.id,
                "question": criterion.question,
                "weight": _fmt(criterion.weight),
                "score": _fmt(score.value if score else None),
                "value": score.value if score else None,
                "minimum": _fmt(criterion.minimum_score),
                "motivation": (score.external_motivation or "") if score else "",  # never the internal note
            }
        )
    return rows


def _winners(result: results.LotResult, own: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The admitted bids of an aanbesteding and their relative advantages per criterion."""
    winners = []
    own_scores = {row["id"]: row["value"] for row in own}
    for outcome in result.outcomes:
        if not outcome.admitted:
            continue
        submission = result.submissions[outcome.submission_id]
        advantages = []
        for row in _criterion_rows(result, outcome.submission_id):
            mine = own_scores.get(row["id"])
            diff = row["value"] - mine if row["value"] is not None and mine is not None else None
            advantages.append({"question": row["question"], "score": row["score"], "difference": diff})
        winners.append(
            {
                "name": submission.organisation_name,
                "rank": outcome.rank,
                "total": _fmt(outcome.total),
                "advantages": advantages,
            }
        )
    return winners


def letter_context(decision: Decision, *, now: datetime) -> dict[str, Any]:
    submission = db.session.get_one(BidSubmission, decision.submission_id)
    tender, organisation = submission.bid.tender, submission.bid.organisation
    lot = db.session.get_one(Lot, decision.lot_id)
    (result,) = results.per_lot(tender, only_lot_id=lot.id)
    outcome = next((o for o in result.outcomes if o.submission_id == submission.id), None)
    rows = _criterion_rows(result, submission.id)
    ranked = tender.procedure is Procedure.COMPETITIVE
    sent_at = decision.sent_at or now
    return {
        "tender": {"reference": tender.reference, "title": tender.title, "procedure": tender.procedure.label},
        "organisation": {
            "name": organisation.name,
            "street": organisation.street,
            "postcode": organisation.postcode,
            "city": organisation.city,
            "kvk": organisation.kvk_number,
        },
        "lot": {"name": lot.name, "max_providers": lot.max_providers},
        "admitted": decision.outcome is DecisionOutcome.ADMITTED,
        "motivation": decision.motivation.splitlines(),
        "criteria": rows,
        "total": _fmt(outcome.total) if outcome else "",
        "rank": outcome.rank if outcome else None,
        "ranked": ranked,
        "winners": _winners(result, rows) if ranked else [],
        "standstill_days": tender.standstill_days,
        "standstill_end": rules.standstill_end(sent_at, tender.standstill_days) if ranked else None,
        "sent_at": sent_at,
        "sha256": submission.sha256,
        "decision_id": decision.id,
    }


def render_letter(decision: Decision, *, now: datetime) -> bytes:
    template = (
        "pdf/decision_admitted.html"
        if decision.outcome is DecisionOutcome.ADMITTED
        else "pdf/decision_rejected.html"
    )
    context = letter_context(decision, now=now)
    return pdf.render_pdf(
        template, context, metadata={"title": _("Besluit %(ref)s", ref=context["tender"]["reference"])}
    )


def store_letter(decision: Decision, *, now: datetime) -> tuple[str, str]:
    """Render and store the letter under UPLOAD_DIR; returns (stored name, SHA-256)."""
    data = render_letter(decision, now=now)
    name = secrets.token_hex(16)
    uploads.path_of(name).write_bytes(data)
    return name, pdf.sha256(data)


def letter_path(decision: Decision) -> Path:
    return uploads.path_of(decision.letter_stored_name or "")
