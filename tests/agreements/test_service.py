"""Generating, sending, accepting, signing and amending contracts (database, no HTTP)."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal import uploads
from portal.agreements import amendments, rules, service
from portal.agreements.rules import AgreementRefused, StaleVersion
from portal.extensions import db
from portal.models import (
    Agreement,
    AgreementStatus,
    BidLine,
    Decision,
    DecisionOutcome,
    Organisation,
    Role,
)
from tests import factories
from tests.agreements.helpers import NOW, dutch, pdf_text, priced_tender, result_level


@pytest.fixture
def generated(app):
    tender = priced_tender()
    organisation = factories.admitted_provider(tender)
    with app.test_request_context():
        agreement = service.generate_agreement(tender, organisation, now=NOW)
    return tender, agreement


# --- indexation arithmetic (pure) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "percentage", "expected"),
    [
        ("100.00", "2.5", "102.50"),
        ("1234.56", "3.1", "1272.83"),  # 1272.83136 → down
        ("10.10", "5", "10.61"),  # 10.605 → half up
        ("0.10", "5", "0.11"),  # 0.105 → half up, not to even
        ("245.00", "0", "245.00"),
        ("2340.00", "-1.5", "2304.90"),
    ],
)
def test_indexation_multiplies_and_rounds_to_cents_half_up(amount, percentage, expected):
    result = rules.index_amount(Decimal(amount), Decimal(percentage))
    assert result == Decimal(expected)
    assert result.as_tuple().exponent == -2


def test_indexed_content_changes_every_tariff_and_leaves_the_original_alone():
    content = {"lots": [{"lines": [{"tariffs": {"GM0106": "100.00", "GM1680": "10.10"}}]}]}
    indexed = rules.indexed_content(content, Decimal("5"), date(2028, 1, 1))
    assert indexed["lots"][0]["lines"][0]["tariffs"] == {"GM0106": "105.00", "GM1680": "10.61"}
    assert content["lots"][0]["lines"][0]["tariffs"] == {"GM0106": "100.00", "GM1680": "10.10"}
    assert indexed["tariffs_valid_from"] == "2028-01-01"


# --- generation ---------------------------------------------------------------------------------


def test_a_provider_without_an_admitted_decision_gets_no_contract(app):
    tender = priced_tender()
    rejected = factories.admitted_provider(tender, rejected_lots=tuple(tender.lots))
    with pytest.raises(AgreementRefused, match="niet toegelaten"):
        service.generate_agreement(tender, rejected, now=NOW)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Agreement)) == 0


def test_a_second_generation_for_the_same_provider_is_refused_and_keeps_the_first(app, generated):
    tender, agreement = generated
    with pytest.raises(AgreementRefused, match="bestaat al"):
        service.generate_agreement(tender, agreement.organisation, now=NOW)
    assert db.session.scalars(sa.select(Agreement.number)).all() == [agreement.number]


def test_the_contract_content_is_the_tariff_valid_at_the_decision(app):
    tender = priced_tender()
    rl = result_level(tender, "R1", 4)
    old = next(t for t in rl.tariffs if t.municipality_id == tender.municipalities[0].id)
    old.valid_until = date(2027, 6, 1)
    db.session.add(
        factories.Tariff(
            result_level_id=rl.id,
            municipality_id=old.municipality_id,
            valid_from=date(2027, 6, 1),
            amount=Decimal("9999.99"),
        )
    )
    db.session.commit()
    organisation = factories.admitted_provider(tender, lines=[(rl, tender.municipalities[0])])
    with app.test_request_context():
        agreement = service.generate_agreement(tender, organisation, now=NOW)
    line = agreement.versions[0].content["lots"][0]["lines"][0]
    assert line["tariffs"] == {tender.municipalities[0].cbs_code: str(old.amount.quantize(Decimal("0.01")))}


# --- sending and acceptance -------------------------------------------------------------------------


def test_sending_mails_the_provider_admins_and_marks_it_sent(app, generated, smtp_server):
    _, agreement = generated
    admin = factories.user_with_role(Role.PROVIDER_ADMIN, agreement.organisation)
    factories.user_with_role(Role.PROVIDER_MEMBER, agreement.organisation)
    with app.test_request_context():
        service.send_agreement(agreement, user=None, now=NOW)
        db.session.commit()
        from portal import mail

        mail.deliver_pending()
    assert agreement.status is AgreementStatus.SENT
    assert [m["To"] for m in smtp_server.messages] == [admin.email]
    assert agreement.number in smtp_server.messages[0]["Subject"]


def test_accepting_records_signatory_time_ip_and_the_status(app, generated):
    _, agreement = generated
    user = factories.user_with_role(Role.PROVIDER_ADMIN, agreement.organisation)
    with app.test_request_context():
        service.send_agreement(agreement, user=None, now=NOW)
        version = service.accept_version(
            agreement, 1, user=user, name="Anna de Vries", function="Bestuurder", ip="192.0.2.7", now=NOW
        )
    assert (version.accepted_name, version.accepted_function, version.accepted_ip) == (
        "Anna de Vries",
        "Bestuurder",
        "192.0.2.7",
    )
    assert version.accepted_at == NOW
    assert agreement.status is AgreementStatus.ACCEPTED


def test_accepting_a_version_that_is_no_longer_current_is_refused(app, generated):
    _, agreement = generated
    user = factories.user_with_role(Role.PROVIDER_ADMIN, agreement.organisation)
    with app.test_request_context():
        service.send_agreement(agreement, user=None, now=NOW)
        amendments.extend_term(agreement, reason="", user=None, now=NOW + timedelta(days=1))
        with pytest.raises(StaleVersion):
            service.accept_version(agreement, 1, user=user, name="A", function="B", ip=None, now=NOW)
    assert agreement.versions[0].accepted_at is None
    assert agreement.status is AgreementStatus.SENT


def test_a_draft_cannot_be_accepted_before_it_is_sent(app, generated):
    _, agreement = generated
    user = factories.user_with_role(Role.PROVIDER_ADMIN, agreement.organisation)
    with pytest.raises(AgreementRefused):
        service.accept_version(agreement, 1, user=user, name="A", function="B", ip=None, now=NOW)


def test_signature_after_acceptance_makes_the_contract_active_from_its_start(app, generated):
    _, agreement = generated
    user = factories.user_with_role(Role.PROVIDER_ADMIN, agreement.organisation)
    manager = factories.user_with_role(Role.CONTRACT_MANAGER)
    with app.test_request_context():
        service.send_agreement(agreement, user=None, now=NOW)
        with pytest.raises(AgreementRefused, match="nog niet geaccepteerd"):
            service.record_signature(agreement, user=manager, now=NOW)
        service.accept_version(agreement, 1, user=user, name="A", function="B", ip=None, now=NOW)
        service.record_signature(agreement, user=manager, now=NOW)
        assert agreement.status is AgreementStatus.SIGNED  # NOW is before the start (1 January 2027)
    assert agreement.versions[0].signed_at == NOW


# --- amendments ---------------------------------------------------------------------------------


def test_indexation_makes_a_new_version_of_every_contract_and_leaves_earlier_versions_unchanged(app):
    tender = priced_tender()
    organisations = [factories.admitted_provider(tender) for _ in range(2)]
    with app.test_request_context():
        agreements = [service.generate_agreement(tender, o, now=NOW) for o in organisations]
        first = agreements[0].versions[0]
        content_before, hash_before = dict(first.content), first.pdf_sha256
        bytes_before = uploads.path_of(first.pdf_stored_name).read_bytes()
        versions = amendments.index_tariffs(tender, Decimal("2.5"), date(2028, 1, 1), user=None, now=NOW)
    assert [v.version for v in versions] == [2, 2]
    assert first.content == content_before
    assert first.pdf_sha256 == hash_before
    assert uploads.path_of(first.pdf_stored_name).read_bytes() == bytes_before
    old = Decimal(first.content["lots"][0]["lines"][0]["tariffs"][tender.municipalities[0].cbs_code])
    new = Decimal(versions[0].content["lots"][0]["lines"][0]["tariffs"][tender.municipalities[0].cbs_code])
    assert new == rules.index_amount(old, Decimal("2.5"))
    text = pdf_text(uploads.path_of(versions[0].pdf_stored_name).read_bytes())
    assert dutch(new) in text
    assert "1 januari 2028" in text
    assert dutch(old) in pdf_text(bytes_before)


def test_indexation_with_more_than_two_decimals_is_refused(app, generated):
    tender, agreement = generated
    with pytest.raises(AgreementRefused):
        amendments.index_tariffs(tender, Decimal("2.125"), date(2028, 1, 1), user=None, now=NOW)
    assert len(agreement.versions) == 1


def test_extension_moves_the_end_and_is_refused_when_none_are_left(app, generated):
    _, agreement = generated
    with app.test_request_context():
        v2 = amendments.extend_term(agreement, reason="", user=None, now=NOW)
        v3 = amendments.extend_term(agreement, reason="", user=None, now=NOW)
        with pytest.raises(AgreementRefused, match="verlengingsmogelijkheden"):
            amendments.extend_term(agreement, reason="", user=None, now=NOW)
    assert agreement.versions[0].content["term"]["end"] == "2029-12-31"
    assert v2.content["term"]["end"] == "2030-12-31"
    assert v3.content["term"]["end"] == "2031-12-31"
    assert len(agreement.versions) == 3


def test_ending_makes_a_last_version_and_no_amendment_follows(app, generated):
    _, agreement = generated
    with app.test_request_context():
        amendments.end_agreement(agreement, date(2028, 6, 30), reason="Op verzoek", user=None, now=NOW)
        with pytest.raises(AgreementRefused, match="beëindigde"):
            amendments.extend_term(agreement, reason="", user=None, now=NOW)
    assert agreement.status is AgreementStatus.ENDED
    assert agreement.versions[-1].content["term"]["ended_on"] == "2028-06-30"


def test_a_result_admitted_after_a_toetreding_is_added_as_a_new_version(app):
    tender = priced_tender()
    m0 = tender.municipalities[0]
    first_line = (result_level(tender, "R1", 4), m0)
    organisation = factories.admitted_provider(tender, lines=[first_line])
    with app.test_request_context():
        agreement = service.generate_agreement(tender, organisation, now=NOW)
    _toetreding(tender, organisation, [first_line, (result_level(tender, "R2", 4), m0)])
    with app.test_request_context():
        version = amendments.add_admitted_results(agreement, reason="", user=None, now=NOW)
        with pytest.raises(AgreementRefused, match="geen nieuw"):
            amendments.add_admitted_results(agreement, reason="", user=None, now=NOW)
    codes = [(line["result_code"], line["level"]) for lot in version.content["lots"] for line in lot["lines"]]
    assert sorted(codes) == [("R1", 4), ("R2", 4)]
    assert "R2 niveau 4" in version.change_summary
    assert [
        line["result_code"] for lot in agreement.versions[0].content["lots"] for line in lot["lines"]
    ] == ["R1"]


def test_the_contract_holds_the_lines_as_submitted_not_the_bids_working_copy(app):
    """A line added to the bid after the admitted submission (a draft for a later round) is not part
    of the contract: the lines come from the admitted submission's frozen content."""
    tender = priced_tender(lots=1)
    m0 = tender.municipalities[0]
    organisation = factories.admitted_provider(tender, lines=[(result_level(tender, "R1", 4), m0)])
    bid = db.session.scalar(sa.select(factories.Bid).where(factories.Bid.organisation_id == organisation.id))
    later = result_level(tender, "R2", 4)
    bid.lines.append(BidLine(lot_id=later.lot_id, result_level_id=later.id, municipality_id=m0.id))
    db.session.commit()
    with app.test_request_context():
        agreement = service.generate_agreement(tender, organisation, now=NOW)
    lines = [
        (line["result_code"], line["level"])
        for lot in agreement.versions[0].content["lots"]
        for line in lot["lines"]
    ]
    assert lines == [("R1", 4)]
    assert [m["cbs_code"] for m in agreement.versions[0].content["municipalities"]] == [m0.cbs_code]


def _toetreding(tender, organisation: Organisation, lines) -> None:
    bid = db.session.scalar(sa.select(factories.Bid).where(factories.Bid.organisation_id == organisation.id))
    for rl, municipality in lines[1:]:
        bid.lines.append(BidLine(lot_id=rl.lot_id, result_level_id=rl.id, municipality_id=municipality.id))
    submission = factories.resubmission(bid, version=2, submitted_at=NOW)
    for lot_id in {rl.lot_id for rl, _ in lines}:
        db.session.add(
            Decision(
                submission_id=submission.id,
                lot_id=lot_id,
                outcome=DecisionOutcome.ADMITTED,
                motivation="Toegelaten.",
                approved_at=NOW,
            )
        )
    db.session.commit()


# --- concurrency ----------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.committed
def test_concurrent_generations_number_one_to_n_without_gaps_or_duplicates(app):
    workers = 6
    with app.app_context():
        tender = priced_tender(results=1, levels=(4,), municipalities=1, lots=1)
        organisation_ids = [factories.admitted_provider(tender).id for _ in range(workers)]
        tender_id = tender.id
        service.seed_default_template()  # as the bulk job does before it starts its workers
        db.session.commit()
        db.session.remove()
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def generate(organisation_id: int) -> None:
        try:
            with app.app_context(), app.test_request_context():
                barrier.wait(timeout=10)
                service.generate_agreement(
                    db.session.get(factories.Tender, tender_id),
                    db.session.get(Organisation, organisation_id),
                    now=NOW,
                )
                db.session.commit()
                db.session.remove()
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=generate, args=(oid,)) for oid in organisation_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with app.app_context():
        sequences = db.session.scalars(sa.select(Agreement.sequence).where(Agreement.year == 2026)).all()
        db.session.remove()
    assert sorted(sequences) == list(range(1, workers + 1))
