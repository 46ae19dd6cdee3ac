"""Fixtures of the bid tests: a provider, a tender with a small matrix, a requirement and a criterion."""

from __future__ import annotations

import pytest

from portal import clock
from portal.bids import service, versioned
from portal.models import AnswerType, Procedure, Role
from tests import factories


@pytest.fixture
def provider():
    return factories.user_with_role(Role.PROVIDER_ADMIN)


@pytest.fixture
def colleague(provider):
    return factories.user_with_role(Role.PROVIDER_MEMBER, provider.organisation)


@pytest.fixture
def tender():
    tender = factories.tender_with_matrix(results=2, levels=(4, 5), municipalities=2, lots=1)
    factories.RequirementFactory(
        tender=tender, answer_type=AnswerType.DECLARATION, text="VOG voor alle professionals"
    )
    factories.AwardCriterionFactory(tender=tender, word_limit=10, question="Hoe stelt u de inwoner centraal?")
    return tender


@pytest.fixture
def aanbesteding():
    tender = factories.tender_with_matrix(procedure=Procedure.COMPETITIVE)
    factories.RequirementFactory(tender=tender, answer_type=AnswerType.DECLARATION)
    factories.AwardCriterionFactory(tender=tender, word_limit=10)
    return tender


@pytest.fixture
def bid(tender, provider):
    bid = service.start_bid(tender, provider.organisation, provider, now=clock.now())
    from portal.extensions import db

    db.session.commit()
    return bid


def all_pairs(tender):
    return {(rl.id, m.id) for r in tender.results for rl in r.levels for m in tender.municipalities}


def complete(bid, user, now=None):
    """Fill in every section of the bid so it can be submitted."""
    from portal.extensions import db

    now = now or clock.now()
    tender = bid.tender
    service.save_choice(bid, all_pairs(tender), version=bid.choice_version, user=user, now=now)
    for requirement in tender.requirements:
        versioned.save_requirement_answer(
            bid, requirement, versioned.RequirementInput(True, "", None), version=0, user=user, now=now
        )
    for criterion in tender.criteria:
        versioned.save_criterion_answer(bid, criterion, "Wij luisteren eerst.", version=0, user=user, now=now)
    db.session.commit()
    return bid
