"""Two colleagues (two real connections) submitting at the same moment produce exactly one submission."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from portal import clock
from portal.bids import service
from portal.extensions import db
from portal.models import AnswerType, Bid, BidSubmission, Role, User
from tests import factories
from tests.bids.conftest import complete


@pytest.mark.postgres
@pytest.mark.committed
def test_concurrent_double_submit_yields_one_submission(app):
    with app.app_context():
        tender = factories.tender_with_matrix()
        factories.RequirementFactory(tender=tender, answer_type=AnswerType.DECLARATION)
        first = factories.user_with_role(Role.PROVIDER_ADMIN)
        second = factories.user_with_role(Role.PROVIDER_MEMBER, first.organisation)
        bid = service.start_bid(tender, first.organisation, first, now=clock.now())
        complete(bid, first)
        db.session.commit()
        bid_id, user_ids = bid.id, (first.id, second.id)
        db.session.remove()

    barrier = threading.Barrier(2)
    results: list[object] = []

    def colleague(user_id: int, key: str) -> None:
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                bid = db.session.get(Bid, bid_id)
                barrier.wait(timeout=10)
                submission = service.submit(bid, user=user, idempotency_key=key, now=clock.now())
                db.session.commit()
                results.append(submission.id)
            except Exception as error:  # reported by the assertion below
                results.append(error)
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=colleague, args=(uid, f"{i}" * 32)) for i, uid in enumerate(user_ids, start=1)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(results) == 2
    assert all(isinstance(r, int) for r in results), results
    assert results[0] == results[1]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(BidSubmission)) == 1
        db.session.remove()
