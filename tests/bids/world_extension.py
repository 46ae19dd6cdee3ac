"""Objects the authorization matrix needs for the bid routes: own bid (submitted), its evidence, receipt."""

from __future__ import annotations

import io

from portal import clock
from portal.bids import evidence as bid_evidence
from portal.bids import service
from portal.extensions import db
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def extend(world) -> None:
    from tests.bids.conftest import complete

    tender = world.tender
    requirement = factories.RequirementFactory(tender=tender, text="VOG voor alle professionals")
    criterion = factories.AwardCriterionFactory(tender=tender, word_limit=50)
    user = world.users["provider_admin"]
    bid = service.start_bid(tender, world.own_org, user, now=clock.now())
    complete(bid, user)
    evidence = bid_evidence.attach(bid, requirement, io.BytesIO(PDF), "vog.pdf", user=user, now=clock.now())
    submission = service.submit(bid, user=user, idempotency_key="world-" + "0" * 26, now=clock.now())
    db.session.commit()
    world.extra.update(
        own_bid=bid,
        own_requirement=requirement,
        own_criterion=criterion,
        own_evidence=evidence,
        own_submission=submission,
    )
