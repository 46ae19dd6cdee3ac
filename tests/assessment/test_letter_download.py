"""The letter's download name comes from a reference a buyer typed: it can never break the header."""

from __future__ import annotations

from datetime import timedelta

from portal.assessment import deciding, queries
from portal.extensions import db
from tests.assessment.test_routes import _ready_to_send


def test_a_reference_stored_with_a_line_break_still_downloads_under_a_one_line_name(client, auth):
    s = _ready_to_send()
    for decision in queries.decisions(s.tender):
        deciding.approve_decision(decision, s.buyers[1], now=s.deadline)
    deciding.send_decisions(s.tender, s.buyers[0], now=s.deadline + timedelta(hours=5))
    s.tender.reference = 'NMD\r\nSet-Cookie: x=1; "2027'  # stored before the single-line rule existed
    db.session.commit()
    loser = s.submissions[1]
    auth.login(loser.bid.organisation.users[0])
    own = queries.decisions_of(loser)[0]
    letter = client.get(f"/beoordeling/besluit/brief/{own.id}")
    assert letter.status_code == 200
    disposition = letter.headers["Content-Disposition"]
    assert "\r" not in disposition
    assert "\n" not in disposition
    assert not [c for c in letter.headers.getlist("Set-Cookie") if c.startswith("x=")]
