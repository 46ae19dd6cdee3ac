"""Tender set-up services: create, edit, copy, archive, publish, freeze, rectify; the demo tender."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal import demo
from portal.extensions import db
from portal.models import (
    AuditEvent,
    BidStatus,
    Law,
    OutgoingMail,
    Procedure,
    Rectification,
    Role,
    TenderFollow,
    TenderStatus,
)
from portal.tenders import matrix, publication, requirements, service
from portal.tenders.demo import DEMO_REFERENCE, seed_demo_tender
from tests import factories
from tests.tenders.helpers import SCALE, complete_draft, tender_data

NOW = datetime.now(UTC).replace(microsecond=0)


def test_create_tender_refuses_a_question_deadline_before_publication_naming_the_field():
    data = tender_data(question_deadline=NOW - timedelta(days=5))
    with pytest.raises(service.InvalidInput) as refused:
        service.create_tender(data, by=None)
    assert refused.value.problems[0].field == "question_deadline"


def test_reference_must_be_unique():
    first = service.create_tender(tender_data(), by=None)
    with pytest.raises(service.InvalidInput) as refused:
        service.create_tender(tender_data(reference=first.reference), by=None)
    assert refused.value.problems[0].field == "reference"
    assert "al in gebruik" in str(refused.value.problems[0])


def test_open_house_keeps_windows_and_drops_the_single_deadline():
    data = tender_data(
        procedure=Procedure.OPEN_HOUSE, windows=[(NOW, NOW + timedelta(days=20))], submission_deadline=NOW
    )
    tender = service.create_tender(data, by=None)
    assert tender.submission_deadline is None
    assert len(tender.windows) == 1


def test_publication_is_refused_while_the_checklist_is_incomplete():
    tender = service.create_tender(tender_data(), by=None)
    with pytest.raises(service.PublicationRefused) as refused:
        publication.publish_tender(tender, by=None, now=NOW)
    text = " ".join(str(m) for m in refused.value.missing)
    assert "geen percelen" in text
    assert "geen eisen" in text
    assert tender.status is TenderStatus.DRAFT


def test_a_missing_tariff_and_wrong_weights_block_publication():
    tender = complete_draft()
    tender.results[0].levels[0].tariffs.pop()
    requirements.add_criterion(tender, question="Extra", weight=Decimal("10"), scale=SCALE)
    text = " ".join(str(m) for m in publication.checklist(tender))
    assert "geen tarief voor R1 niveau 4" in text
    assert "tellen op tot 110" in text


def test_a_result_level_without_lot_blocks_publication():
    tender = complete_draft()
    matrix.assign_lot(tender.results[0].levels[1], None)
    assert "R1 niveau 5 hoort bij geen enkel perceel" in " ".join(
        str(m) for m in publication.checklist(tender)
    )


def test_complete_tender_is_published_and_then_frozen():
    tender = complete_draft()
    publication.publish_tender(tender, by=None, now=NOW)
    assert tender.status is TenderStatus.PUBLISHED
    lot = tender.lots[0]
    for change in (
        lambda: service.add_lot(tender, name="Nog een perceel"),
        lambda: service.update_tender(tender, service.tender_data(tender), by=None),
        lambda: service.delete_lot(lot),
        lambda: requirements.add_criterion(tender, question="x", weight=Decimal(1), scale=SCALE),
        lambda: matrix.set_tariff(
            tender.results[0].levels[0],
            municipality=tender.municipalities[0],
            valid_from=date(2028, 1, 1),
            amount=Decimal(1),
        ),
        lambda: matrix.assign_lot(tender.results[0].levels[0], None),
    ):
        with pytest.raises(service.TenderFrozen):
            change()
    assert tender.lots == [lot]
    assert tender.results[0].levels[0].tariffs[0].amount == Decimal(400)


def test_a_result_level_belongs_to_one_lot_of_its_own_tender():
    tender = complete_draft()
    other = complete_draft()
    with pytest.raises(service.InvalidInput):
        matrix.assign_lot(tender.results[0].levels[0], other.lots[0])


def test_negative_tariff_is_refused():
    tender = complete_draft()
    with pytest.raises(service.InvalidInput) as refused:
        matrix.set_tariff(
            tender.results[0].levels[0],
            municipality=tender.municipalities[0],
            valid_from=date(2028, 1, 1),
            amount=Decimal("-1"),
        )
    assert "negatief" in str(refused.value)


def test_weights_outside_0_100_are_refused():
    tender = complete_draft()
    with pytest.raises(service.InvalidInput):
        requirements.add_criterion(tender, question="x", weight=Decimal("101"), scale=SCALE)


def test_copy_takes_everything_but_dates_and_bids():
    source = complete_draft()
    publication.publish_tender(source, by=None, now=NOW)
    factories.BidFactory(tender=source)
    copy = service.copy_tender(source, reference="NMD-KOPIE-1", title="Kopie", by=None)
    assert copy.status is TenderStatus.DRAFT
    assert copy.publication_at is None
    assert copy.question_deadline is None
    assert copy.contract_start is None
    assert [lot.name for lot in copy.lots] == ["Perceel 1"]
    assert copy.results[0].levels[0].lot is copy.lots[0]
    assert len(copy.results[0].levels[0].tariffs) == 2
    assert len(copy.requirements) == 1
    assert copy.criteria[0].weight == Decimal("100")
    assert copy.copied_from_id == source.id
    assert copy.municipalities == source.municipalities


def test_archive_sets_status_and_writes_audit():
    tender = complete_draft()
    service.archive_tender(tender, by=None, now=NOW)
    db.session.commit()  # audit events join the transaction at its commit
    assert tender.status is TenderStatus.ARCHIVED
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "tenders.archive")) is not None


def test_rectification_is_mailed_to_drafters_and_followers_only(smtp_server):
    tender = complete_draft()
    publication.publish_tender(tender, by=None, now=NOW)
    drafter = factories.user_with_role(Role.PROVIDER_ADMIN)
    factories.BidFactory(tender=tender, organisation=drafter.organisation, status=BidStatus.DRAFT)
    follower = factories.user_with_role(Role.PROVIDER_MEMBER)
    db.session.add(TenderFollow(tender_id=tender.id, organisation_id=follower.organisation_id))
    submitted = factories.user_with_role(Role.PROVIDER_ADMIN)
    factories.BidFactory(tender=tender, organisation=submitted.organisation, status=BidStatus.SUBMITTED)
    bystander = factories.user_with_role(Role.PROVIDER_ADMIN)
    publication.publish_rectification(
        tender, what="Bijlage 2 vervangen", why="Verkeerde versie", by=None, now=NOW
    )
    from portal import mail

    mail.deliver_pending()
    recipients = sorted(m["To"] for m in smtp_server.messages)
    assert recipients == sorted([drafter.email, follower.email])
    assert bystander.email not in recipients
    assert "Bijlage 2 vervangen" in smtp_server.messages[0].get_payload(decode=True).decode()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Rectification)) == 1


def test_rectification_needs_what_and_why():
    tender = complete_draft()
    publication.publish_tender(tender, by=None, now=NOW)
    with pytest.raises(service.InvalidInput) as refused:
        publication.publish_rectification(tender, what="", why="", by=None, now=NOW)
    assert [p.field for p in refused.value.problems] == ["what", "why"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail)) == 0


def test_demo_tender_is_built_through_the_services_and_is_complete():
    demo.seed_master_data()
    tender = seed_demo_tender(today=NOW.date())
    assert tender.reference == DEMO_REFERENCE
    assert tender.status is TenderStatus.PUBLISHED
    assert publication.checklist(tender) == []
    assert len(tender.lots) == 4
    assert len(tender.results) == 16
    assert {r.law for r in tender.results} == {Law.JEUGDWET, Law.WMO}
    assert sum(c.weight for c in tender.criteria) == Decimal(100)
    db.session.commit()  # audit events join the transaction at its commit
    actions = set(db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.object_id == tender.id)))
    assert {"tenders.create", "tenders.publish"} <= actions
    assert seed_demo_tender(today=NOW.date()) is tender  # idempotent


def test_rectification_may_extend_a_running_deadline():
    tender = complete_draft()
    publication.publish_tender(tender, by=None, now=NOW)
    later = tender.submission_deadline + timedelta(days=7)
    publication.publish_rectification(
        tender, what="Sluiting een week later", why="Storing", by=None, now=NOW, submission_deadline=later
    )
    assert tender.submission_deadline == later


def test_a_passed_deadline_can_no_longer_be_changed_by_rectification():
    tender = complete_draft()
    publication.publish_tender(tender, by=None, now=NOW)
    original = tender.question_deadline
    with pytest.raises(service.InvalidInput) as refused:
        publication.publish_rectification(
            tender,
            what="Later",
            why="Graag",
            by=None,
            now=original + timedelta(seconds=1),
            question_deadline=original + timedelta(days=3),
        )
    assert refused.value.problems[0].field == "question_deadline"
    assert "verstreken" in str(refused.value.problems[0])
    assert tender.question_deadline == original
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Rectification)) == 0


def test_a_moved_question_deadline_must_stay_before_the_submission_deadline():
    tender = complete_draft()
    publication.publish_tender(tender, by=None, now=NOW)
    with pytest.raises(service.InvalidInput) as refused:
        publication.publish_rectification(
            tender,
            what="x",
            why="y",
            by=None,
            now=NOW,
            question_deadline=tender.submission_deadline + timedelta(days=1),
        )
    assert refused.value.problems[0].field == "submission_deadline"
