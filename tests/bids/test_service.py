"""Bid services against the real database: locking, choice rules, evidence, submit, withdraw, sealed."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal import clock
from portal.bids import evidence as bid_evidence
from portal.bids import queries, rules, service, versioned
from portal.extensions import db
from portal.models import AuditEvent, BidLine, BidStatus, BidSubmission, RequirementAnswer, Role
from tests import factories
from tests.bids.conftest import all_pairs, complete

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_one_bid_per_organisation_per_tender(tender, provider, colleague):
    first = service.start_bid(tender, provider.organisation, provider, now=clock.now())
    second = service.start_bid(tender, colleague.organisation, colleague, now=clock.now())
    assert first.id == second.id


def test_choice_is_saved_and_resumed_by_a_colleague(bid, provider, colleague):
    pairs = all_pairs(bid.tender)
    service.save_choice(bid, pairs, version=0, user=provider, now=clock.now())
    db.session.commit()
    db.session.expire_all()
    resumed = queries.load_bid(bid)
    assert {(x.result_level_id, x.municipality_id) for x in resumed.lines} == pairs
    assert resumed.choice_version == 1
    assert queries.user_name(resumed.updated_by_id) == provider.name


def test_stale_choice_is_refused_and_the_stored_choice_is_kept(bid, provider, colleague):
    pairs = sorted(all_pairs(bid.tender))
    service.save_choice(bid, set(pairs[:2]), version=0, user=provider, now=clock.now())
    with pytest.raises(rules.StaleEdit) as stale:
        service.save_choice(bid, set(pairs[2:]), version=0, user=colleague, now=clock.now())
    assert stale.value.changed_by == provider.name
    assert stale.value.theirs == set(pairs[:2])
    assert stale.value.yours == set(pairs[2:])
    assert {(x.result_level_id, x.municipality_id) for x in bid.lines} == set(pairs[:2])


def test_stale_requirement_answer_is_refused_with_both_versions(bid, tender, provider, colleague):
    requirement = tender.requirements[0]
    versioned.save_requirement_answer(
        bid,
        requirement,
        versioned.RequirementInput(True, "mijn tekst", None),
        version=0,
        user=provider,
        now=clock.now(),
    )
    with pytest.raises(rules.StaleEdit) as stale:
        versioned.save_requirement_answer(
            bid,
            requirement,
            versioned.RequirementInput(False, "tekst collega", None),
            version=0,
            user=colleague,
            now=clock.now(),
        )
    assert stale.value.changed_by == provider.name
    assert stale.value.theirs["text"] == "mijn tekst"
    assert stale.value.yours["text"] == "tekst collega"
    stored = db.session.scalar(sa.select(RequirementAnswer).where(RequirementAnswer.bid_id == bid.id))
    assert (stored.text, stored.declaration, stored.version) == ("mijn tekst", True, 1)


def test_stale_criterion_answer_is_refused(bid, tender, provider, colleague):
    criterion = tender.criteria[0]
    versioned.save_criterion_answer(bid, criterion, "een", version=0, user=provider, now=clock.now())
    versioned.save_criterion_answer(bid, criterion, "twee", version=1, user=provider, now=clock.now())
    with pytest.raises(rules.StaleEdit):
        versioned.save_criterion_answer(bid, criterion, "drie", version=1, user=colleague, now=clock.now())


def test_level_outside_any_perceel_is_refused_and_nothing_is_saved(bid, tender, provider):
    pairs = sorted(all_pairs(tender))
    service.save_choice(bid, {pairs[0]}, version=0, user=provider, now=clock.now())
    loose = tender.results[0].levels[0]
    loose.lot = None
    db.session.commit()
    with pytest.raises(rules.InvalidChoice):
        service.save_choice(
            bid, {(loose.id, tender.municipalities[0].id)}, version=1, user=provider, now=clock.now()
        )
    assert bid.choice_version == 1
    assert len(bid.lines) == 1


def test_municipality_not_participating_is_refused(bid, tender, provider):
    outsider = factories.MunicipalityFactory()
    rl = tender.results[0].levels[0]
    with pytest.raises(rules.InvalidChoice):
        service.save_choice(bid, {(rl.id, outsider.id)}, version=0, user=provider, now=clock.now())
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BidLine)) == 0


def test_result_level_of_another_tender_is_refused(bid, provider):
    other = factories.tender_with_matrix()
    rl = other.results[0].levels[0]
    with pytest.raises(rules.InvalidChoice):
        service.save_choice(
            bid, {(rl.id, bid.tender.municipalities[0].id)}, version=0, user=provider, now=clock.now()
        )


def test_requirement_of_another_tender_is_refused(bid, provider):
    foreign = factories.RequirementFactory()
    with pytest.raises(rules.NotOfThisBid):
        versioned.save_requirement_answer(
            bid,
            foreign,
            versioned.RequirementInput(True, "", None),
            version=0,
            user=provider,
            now=clock.now(),
        )


def test_word_limit_is_enforced(bid, tender, provider):
    with pytest.raises(rules.WordLimitExceeded):
        versioned.save_criterion_answer(
            bid, tender.criteria[0], "woord " * 11, version=0, user=provider, now=clock.now()
        )


def test_evidence_is_attached_and_reused_but_not_across_organisations(bid, tender, provider):
    requirement = tender.requirements[0]
    evidence = bid_evidence.attach(
        bid, requirement, io.BytesIO(PDF), "vog-beleid.pdf", user=provider, now=clock.now()
    )
    second = factories.RequirementFactory(tender=tender, text="Verzekering")
    bid_evidence.reuse(bid, second, evidence.id, user=provider, now=clock.now())
    answer = db.session.scalar(
        sa.select(RequirementAnswer).where(RequirementAnswer.requirement_id == second.id)
    )
    assert [e.id for e in answer.evidence] == [evidence.id]
    other_user = factories.user_with_role(Role.PROVIDER_ADMIN)
    other_bid = service.start_bid(tender, other_user.organisation, other_user, now=clock.now())
    with pytest.raises(rules.NotOfThisBid):
        bid_evidence.reuse(other_bid, requirement, evidence.id, user=other_user, now=clock.now())


def test_submit_is_refused_with_the_list_of_what_is_missing(bid, provider):
    with pytest.raises(rules.IncompleteBid) as refused:
        service.submit(bid, user=provider, idempotency_key="k" * 32, now=clock.now())
    sections = {m.section for m in refused.value.missing}
    assert sections == {"choice", "requirements", "criteria"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BidSubmission)) == 0


def test_submit_without_a_registered_signatory_is_refused(bid, provider):
    complete(bid, provider)
    bid.organisation.signatory_name = ""
    with pytest.raises(rules.IncompleteBid) as refused:
        service.submit(bid, user=provider, idempotency_key="k" * 32, now=clock.now())
    assert [m.section for m in refused.value.missing] == ["signatory"]


def test_submit_freezes_the_content_and_its_hash(bid, provider):
    complete(bid, provider)
    submission = service.submit(bid, user=provider, idempotency_key="a" * 32, now=clock.now())
    from portal.bids import canonical

    assert submission.version == 1
    assert submission.sha256 == canonical.digest(submission.content)
    assert submission.signatory_name == "Sam Tekenbevoegd"
    assert submission.admission_window_id == bid.tender.windows[0].id
    assert len(submission.content["choice"]) == 8
    assert bid.status is BidStatus.SUBMITTED
    db.session.commit()  # audit events join the transaction at its commit
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "bids.submit")) is not None


def test_double_submit_with_the_same_key_or_another_yields_one_submission(bid, provider, colleague):
    complete(bid, provider)
    first = service.submit(bid, user=provider, idempotency_key="a" * 32, now=clock.now())
    retry = service.submit(bid, user=provider, idempotency_key="a" * 32, now=clock.now())
    colleague_click = service.submit(bid, user=colleague, idempotency_key="b" * 32, now=clock.now())
    assert first.id == retry.id == colleague_click.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BidSubmission)) == 1


def test_a_submitted_bid_cannot_be_changed(bid, tender, provider):
    complete(bid, provider)
    service.submit(bid, user=provider, idempotency_key="a" * 32, now=clock.now())
    with pytest.raises(rules.BidLocked):
        service.save_choice(bid, set(), version=bid.choice_version, user=provider, now=clock.now())
    with pytest.raises(rules.BidLocked):
        versioned.save_criterion_answer(
            bid, tender.criteria[0], "anders", version=1, user=provider, now=clock.now()
        )
    assert len(bid.lines) == 8


def test_withdraw_keeps_the_earlier_version_and_resubmit_makes_a_new_one(bid, provider):
    complete(bid, provider)
    first = service.submit(bid, user=provider, idempotency_key="a" * 32, now=clock.now())
    service.withdraw(bid, user=provider, now=clock.now())
    assert first.withdrawn_at is not None
    assert bid.status is BidStatus.WITHDRAWN
    pairs = sorted(all_pairs(bid.tender))[:1]
    service.save_choice(bid, set(pairs), version=bid.choice_version, user=provider, now=clock.now())
    second = service.submit(bid, user=provider, idempotency_key="c" * 32, now=clock.now())
    assert second.version == 2
    assert second.sha256 != first.sha256
    assert db.session.get(BidSubmission, first.id).withdrawn_at is not None


def test_submit_after_the_deadline_is_refused(bid, provider):
    complete(bid, provider)
    after = bid.tender.windows[0].closes_at + timedelta(seconds=1)
    with pytest.raises(rules.DeadlinePassed):
        service.submit(bid, user=provider, idempotency_key="a" * 32, now=after)


def test_sealed_policy_refuses_buyer_and_admin_before_the_deadline(aanbesteding):
    from portal import access

    user = factories.user_with_role(Role.PROVIDER_ADMIN)
    bid = service.start_bid(aanbesteding, user.organisation, user, now=clock.now())
    complete(bid, user)
    submission = service.submit(bid, user=user, idempotency_key="a" * 32, now=clock.now())
    db.session.commit()
    for role in (Role.BUYER, Role.ADMIN):
        assert not access.allowed(factories.user_with_role(role), "bids.view_submitted", submission)
    assert not access.allowed(user, "bids.view_submitted", submission)


def test_open_house_bid_is_extended_in_a_later_admission_window(bid, tender, provider):
    """Toetreding/uitbreiding: after window 1 closes, window 2 accepts a changed bid as a new version."""
    from portal.models import AdmissionWindow

    complete(bid, provider)
    first = service.submit(bid, user=provider, idempotency_key="a" * 32, now=clock.now())
    window = tender.windows[0]
    later = AdmissionWindow(
        opens_at=window.closes_at + timedelta(days=30), closes_at=window.closes_at + timedelta(days=60)
    )
    tender.windows.append(later)
    db.session.commit()
    with pytest.raises(rules.BidLocked):  # same window: immutable
        service.save_choice(bid, set(), version=bid.choice_version, user=provider, now=clock.now())
    in_later = later.opens_at + timedelta(hours=1)
    pairs = all_pairs(tender)
    service.save_choice(bid, pairs, version=bid.choice_version, user=provider, now=in_later)
    second = service.submit(bid, user=provider, idempotency_key="b" * 32, now=in_later)
    assert (first.version, second.version) == (1, 2)
    assert second.admission_window_id == later.id
    assert first.withdrawn_at is None  # the admitted earlier version stays valid


def test_viewing_bid_pages_is_audited(client, auth, bid, provider):
    auth.login(provider)
    client.get(f"/inschrijvingen/{bid.id}/criteria")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "bids.view"))
    assert event is not None
    assert event.object_id == bid.id


def test_an_old_form_of_a_withdrawn_version_does_not_count_as_a_new_submission(bid, provider):
    complete(bid, provider)
    service.submit(bid, user=provider, idempotency_key="a" * 32, now=clock.now())
    service.withdraw(bid, user=provider, now=clock.now())
    with pytest.raises(rules.NotOfThisBid):
        service.submit(bid, user=provider, idempotency_key="a" * 32, now=clock.now())
    assert bid.status is BidStatus.WITHDRAWN


def test_withdraw_after_the_deadline_is_refused_and_the_submission_stays(bid, provider):
    complete(bid, provider)
    submission = service.submit(bid, user=provider, idempotency_key="a" * 32, now=clock.now())
    after = bid.tender.windows[0].closes_at
    with pytest.raises(rules.DeadlinePassed):
        service.withdraw(bid, user=provider, now=after)
    assert submission.withdrawn_at is None
    assert bid.status is BidStatus.SUBMITTED


def test_sealed_policy_allows_staff_after_the_deadline(aanbesteding):
    import time_machine

    from portal import access

    user = factories.user_with_role(Role.PROVIDER_ADMIN)
    bid = service.start_bid(aanbesteding, user.organisation, user, now=clock.now())
    complete(bid, user)
    submission = service.submit(bid, user=user, idempotency_key="a" * 32, now=clock.now())
    db.session.commit()
    buyer = factories.user_with_role(Role.BUYER)
    with time_machine.travel(aanbesteding.submission_deadline - timedelta(seconds=1), tick=False):
        assert not access.allowed(buyer, "bids.view_submitted", submission)
    with time_machine.travel(aanbesteding.submission_deadline + timedelta(seconds=1), tick=False):
        assert access.allowed(buyer, "bids.view_submitted", submission)
        assert not access.allowed(factories.user_with_role(Role.VIEWER), "bids.view_submitted", submission)


def test_a_refused_submit_is_kept_in_the_audit_trail(client, auth, no_csrf, bid, provider):
    from portal.models import AuditOutcome

    auth.login(provider)
    client.post(f"/inschrijvingen/{bid.id}/indienen", data={"idempotency_key": "k" * 32, "confirm": "y"})
    event = db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.action == "bids.submit", AuditEvent.outcome == AuditOutcome.REFUSED
        )
    )
    assert event is not None
    assert event.detail["reason"] == "IncompleteBid"


def test_evidence_detached_stays_available_for_reuse(bid, tender, provider):
    requirement = tender.requirements[0]
    evidence = bid_evidence.attach(
        bid, requirement, io.BytesIO(PDF), "polis.pdf", user=provider, now=clock.now()
    )
    bid_evidence.detach(bid, requirement, evidence.id, user=provider, now=clock.now())
    answer = db.session.scalar(sa.select(RequirementAnswer).where(RequirementAnswer.bid_id == bid.id))
    assert answer.evidence == []
    assert [e.id for e in queries.organisation_evidence(bid.organisation_id)] == [evidence.id]
