"""Deciding: decisions drafted from the assessment, edited, approved by a second buyer, and sent.

Each decision is per submission and perceel. Sending is one action per tender, safe to retry.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from portal import audit, background, clock, mail
from portal.assessment import checking, decision_list, letters, opened, queries, results, rules
from portal.assessment.service import AssessmentRefused
from portal.extensions import db
from portal.models import (
    BidSubmission,
    Decision,
    DecisionOutcome,
    Role,
    Tender,
    User,
)


def draft_decisions(tender: Tender, by: User, *, now: datetime) -> int:
    """A decision per submission and perceel, with its motivation generated from the assessment."""
    released = opened.of(tender)
    lot_results = results.per_lot(tender, released=released)
    if not lot_results or any(r.incomplete for r in lot_results):
        raise AssessmentRefused(_("Nog niet alle consensusscores zijn vastgesteld."))
    _refuse_unsettled(tender, released, lot_results, now=now)
    existing = {(d.submission_id, d.lot_id) for d in queries.decisions(tender)}
    created = 0
    for result in lot_results:
        for outcome in result.outcomes:
            if (outcome.submission_id, result.lot.id) in existing:
                continue
            decision = Decision(
                submission_id=outcome.submission_id,
                lot_id=result.lot.id,
                outcome=DecisionOutcome.ADMITTED if outcome.admitted else DecisionOutcome.REJECTED,
                motivation=letters.motivation(tender, result, outcome),
                drafted_at=now,
                drafted_by_id=by.id,
            )
            db.session.add(decision)
            created += 1
    db.session.flush()
    audit.record("assessment.draft_decisions", tender, actor=by, created=created)
    return created


def _refuse_unsettled(
    tender: Tender, released: opened.OpenedSubmissions, lot_results: list[results.LotResult], *, now: datetime
) -> None:
    """Every requirement of every bid checked, and every knock-out proposal confirmed by a buyer."""
    checking.index_answers(tender, released, now=now)
    states = queries.check_states(released.ids)
    for result in lot_results:
        for submission in result.submissions.values():
            required = [r.id for r in queries.requirements_of(submission, tender)]
            if rules.unsettled(required, states.get(submission.id, {})):
                raise AssessmentRefused(
                    _(
                        "Nog niet alle eisen van alle inschrijvingen zijn beoordeeld, of een voorstel "
                        "‘niet voldaan’ is nog niet door een inkoper bevestigd."
                    )
                )


def edit_decision(
    decision: Decision,
    motivation: str,
    by: User,
    *,
    now: datetime,
    outcome: DecisionOutcome | None = None,
    reason: str = "",
) -> None:
    """Editing makes the editor the drafter: the approval is cleared and needs another buyer. A changed
    outcome (admitted ↔ rejected) needs its reason, which the audit trail keeps with both outcomes."""
    if decision.sent_at is not None:
        raise AssessmentRefused(_("Dit besluit is al verzonden."), "motivation")
    if not motivation.strip():
        raise AssessmentRefused(_("Een motivering is verplicht."), "motivation")
    change = _outcome_change(decision, outcome, reason)
    decision.motivation = motivation.strip()
    decision.drafted_by_id, decision.drafted_at = by.id, now
    decision.approved_by_id = decision.approved_at = None
    db.session.flush()
    audit.record("assessment.edit_decision", decision, actor=by, **change)


def _outcome_change(decision: Decision, outcome: DecisionOutcome | None, reason: str) -> dict[str, Any]:
    """Apply a changed outcome (its reason required); what the audit trail keeps of it ({} if none)."""
    if outcome is None or outcome is decision.outcome:
        return {}
    if not reason.strip():
        raise AssessmentRefused(_("Schrijf waarom u het besluit wijzigt."), "change_reason")
    before, decision.outcome = decision.outcome, outcome
    return {"outcome_from": before.value, "outcome_to": outcome.value, "reason": reason.strip()}


def approve_decision(decision: Decision, by: User, *, now: datetime) -> None:
    """Four eyes: the buyer who drafted (or last edited) a decision cannot approve it."""
    if decision.sent_at is not None or decision.approved_at is not None:
        raise AssessmentRefused(_("Dit besluit is al goedgekeurd."))
    if decision.drafted_by_id == by.id:
        raise AssessmentRefused(
            _("Een tweede inkoper moet dit besluit goedkeuren: u heeft het zelf opgesteld.")
        )
    decision.approved_by_id, decision.approved_at = by.id, now
    db.session.flush()
    audit.record("assessment.approve_decision", decision, actor=by)


def approve_all(
    tender: Tender, by: User, *, now: datetime, ids: Collection[int] | None = None
) -> tuple[int, int]:
    """Approve every open decision (of `ids`, the filtered selection, when given) this buyer did not
    draft or last edit; returns (approved, left for another buyer)."""
    chosen = set(ids) if ids is not None else None
    waiting = [
        d
        for d in queries.decisions(tender)
        if d.approved_at is None and d.sent_at is None and (chosen is None or d.id in chosen)
    ]
    if not waiting:
        raise AssessmentRefused(_("Er zijn geen besluiten die op goedkeuring wachten."))
    mine = [d for d in waiting if d.drafted_by_id == by.id]
    for decision in waiting:
        if decision.drafted_by_id != by.id:
            approve_decision(decision, by, now=now)
    return len(waiting) - len(mine), len(mine)


SEND_BATCH = 25


def start_sending(tender: Tender, by: User) -> decision_list.Progress:
    """Every decision approved: the letters go out in the background after this request commits, batch
    after batch (see `send_in_background`); the decisions page shows the progress. Safe to press twice."""
    progress = decision_list.progress(tender)
    if not progress.total:
        raise AssessmentRefused(_("Er zijn nog geen besluiten opgesteld."))
    if progress.approved < progress.total:
        raise AssessmentRefused(_("Alle besluiten moeten zijn goedgekeurd voordat ze worden verzonden."))
    if progress.sent < progress.total:
        audit.record("assessment.send_started", tender, actor=by, waiting=progress.total - progress.sent)
        background.after_commit(f"{__name__}.send_in_background", tender.id, by.id)
    return progress


def send_in_background(tender_id: int, user_id: int) -> None:
    """A worker boundary: batches of SEND_BATCH, each in its own commit (so the page's progress moves and
    a crash loses at most one batch), until every decision is sent; a second run finds nothing to do."""
    tender, by = db.session.get(Tender, tender_id), db.session.get(User, user_id)
    if tender is None or by is None:
        return
    before = -1
    while True:
        sent, total = send_decisions(tender, by, now=clock.now(), batch=SEND_BATCH)
        db.session.commit()
        mail.deliver_pending()
        if sent >= total or sent == before:
            return
        before = sent


def send_decisions(tender: Tender, by: User, *, now: datetime, batch: int = SEND_BATCH) -> tuple[int, int]:
    """Send the approved decisions: letter as PDF, visible in the portal, one e-mail each.

    Safe to retry: a decision gets its `sent_at` and letter once, and the mail's dedupe key
    `decision-<id>` keeps a retry from mailing twice. Returns (sent, total) for the progress display.
    """
    queries.lock_tender(tender)
    all_decisions = queries.decisions(tender)
    if not all_decisions:
        raise AssessmentRefused(_("Er zijn nog geen besluiten opgesteld."))
    if any(d.approved_at is None for d in all_decisions):
        raise AssessmentRefused(_("Alle besluiten moeten zijn goedgekeurd voordat ze worden verzonden."))
    unsent = [d for d in all_decisions if d.sent_at is None][:batch]
    for decision in unsent:
        _send_one(tender, decision, now=now)
    audit.record("assessment.send_decisions", tender, actor=by, sent=len(unsent))
    return sum(1 for d in all_decisions if d.sent_at is not None), len(all_decisions)


def _send_one(tender: Tender, decision: Decision, *, now: datetime) -> None:
    decision.sent_at = now
    stored = letters.store_letter(decision, now=now)
    decision.letter_stored_name, decision.letter_sha256 = stored
    db.session.flush()
    submission = db.session.get_one(BidSubmission, decision.submission_id)
    recipient = _recipient(submission)
    if recipient is not None:
        mail.queue(
            recipient.email,
            _("Besluit over uw inschrijving: %(ref)s", ref=tender.reference),
            "assessment_decision",
            dedupe_key=f"decision-{decision.id}",
            attachment=letters.letter_path(decision),
            attachment_name=f"besluit-{tender.reference}-{decision.id}.pdf",
            tender=tender,
            decision=decision,
            organisation=submission.bid.organisation,
        )


def _recipient(submission: BidSubmission) -> User | None:
    if submission.submitted_by_id:
        user = db.session.get(User, submission.submitted_by_id)
        if user is not None and user.is_active:
            return user
    users = sorted(
        (u for u in submission.bid.organisation.users if u.is_active and u.is_provider),
        key=lambda u: (not u.has_role(Role.PROVIDER_ADMIN), u.id),
    )
    return users[0] if users else None
