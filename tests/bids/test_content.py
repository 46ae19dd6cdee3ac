"""The one reader of a submission's frozen content, and the factories that write it through the builder."""

from __future__ import annotations

import pytest

from portal import clock
from portal.bids import canonical, service
from portal.bids.content import SCHEMA, SubmittedContent, UnknownContentSchema
from tests import factories
from tests.bids.conftest import complete


def _keys(content: dict) -> dict[str, object]:
    """The shape of a content: its keys, and the keys of the first item of each list."""
    return {
        key: sorted(value[0]) if isinstance(value, list) and value and isinstance(value[0], dict) else None
        for key, value in content.items()
    }


def test_a_submission_is_read_back_through_the_one_reader(bid, provider):
    complete(bid, provider)
    submission = service.submit(bid, user=provider, idempotency_key="a" * 32, now=clock.now())
    content = SubmittedContent.from_json(submission.content)
    assert content.schema == SCHEMA == submission.content["schema"]
    assert content.version == submission.version == 1
    assert content.tender_reference == bid.tender.reference
    assert len(content.choice) == 8
    assert content.lot_ids == submission.lot_ids == [bid.tender.lots[0].id]
    criterion = bid.tender.criteria[0]
    assert content.criterion_answer(criterion.id) == "Wij luisteren eerst."
    assert content.criterion_answer(-1) == ""
    requirement = content.requirement(bid.tender.requirements[0].id)
    assert requirement is not None
    assert requirement.declaration is True


def test_content_of_a_schema_this_portal_does_not_know_is_refused_not_guessed(bid, provider):
    complete(bid, provider)
    submission = service.submit(bid, user=provider, idempotency_key="a" * 32, now=clock.now())
    with pytest.raises(UnknownContentSchema):
        SubmittedContent.from_json({**submission.content, "schema": SCHEMA + 1})


def test_the_old_factory_shape_without_a_schema_is_refused_not_read_as_schema_1():
    old = {
        "lines": [{"lot_id": 1, "result_level_id": 2, "municipality_id": 3}],
        "requirements": [],
        "criteria": [],
    }
    with pytest.raises(UnknownContentSchema):
        SubmittedContent.from_json(old)


def test_the_factories_write_the_shape_production_writes(bid, provider):
    """tests/factories builds a submission's content with the bids feature's builder: the same keys,
    the same item keys, a hash over its canonical JSON."""
    complete(bid, provider)
    produced = service.submit(bid, user=provider, idempotency_key="a" * 32, now=clock.now())
    tender = factories.tender_with_matrix(lots=2)
    factories.RequirementFactory(tender=tender, evidence_required=True)
    factories.AwardCriterionFactory(tender=tender)
    built = factories.submitted_bid(tender)
    assert _keys(built.content) == _keys(produced.content)
    assert sorted(built.content["requirements"][0]["evidence"][0]) == ["id", "name", "sha256", "size"]
    assert built.sha256 == canonical.digest(built.content)
    assert SubmittedContent.from_json(built.content).lot_ids == [lot.id for lot in tender.lots]
