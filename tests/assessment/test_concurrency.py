"""Two buyers pressing "send" at the same moment: the tender's row lock lets one of them send."""

from __future__ import annotations

import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from portal.assessment import deciding, queries
from portal.extensions import db
from portal.models import OutgoingMail, User
from tests.conftest import Auth

from .conftest import build_scenario


@pytest.mark.postgres
@pytest.mark.committed
def test_two_simultaneous_sends_queue_one_mail_per_decision(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    with app.app_context():
        s = build_scenario(bids=2, max_providers=1)
        s.open()
        s.appoint_and_declare()
        s.score_all({sub.id: [8 - 2 * i, 6] for i, sub in enumerate(s.submissions)})
        s.check_all()
        deciding.draft_decisions(s.tender, s.buyers[0], now=s.deadline + timedelta(hours=3))
        for decision in queries.decisions(s.tender):
            deciding.approve_decision(decision, s.buyers[1], now=s.deadline + timedelta(hours=4))
        db.session.commit()
        url = f"/beoordeling/beheer/{s.tender.id}/verzenden"
        buyers = [SimpleNamespace(session_token=b.session_token) for b in s.buyers]
        tender_id = s.tender.id
        db.session.remove()

    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def press(buyer) -> None:
        client = app.test_client()
        with app.app_context():
            user = db.session.scalar(sa.select(User).where(User.session_token == buyer.session_token))
            Auth(client).login(user)
        barrier.wait()
        statuses.append(client.post(url).status_code)

    threads = [threading.Thread(target=press, args=(b,)) for b in buyers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [302, 302]
    with app.app_context():
        assert db.session.query(OutgoingMail).count() == 2
        from portal.models import Tender

        decisions = queries.decisions(db.session.get(Tender, tender_id))
        assert all(d.sent_at is not None for d in decisions)
        assert len({d.letter_stored_name for d in decisions}) == 2
        db.session.remove()
