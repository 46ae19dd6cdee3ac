"""P5 of issue 8, on small data: each heavy page sends as many SQL statements for a region of six
providers as for one of two (`make bench` compares 350 with 35). A count that grows is an N+1.

The region is the bench data set's own builders at a small size: the full matrix, real bids submitted
through the bids service, scores, approved decisions, contracts, and drafts on the rush tender.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from portal import clock
from portal.agreements import service as agreements
from portal.benchdata import providers, region, rush, scoring
from portal.extensions import db
from portal.models import Bid, BidSubmission, Organisation, Tender, User


@contextmanager
def counting() -> Iterator[list[int]]:
    statements = [0]

    def count(*_args: object) -> None:
        statements[0] += 1

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def grow(staff: region.Staff, rush_tender_id: int, count: int, rng: random.Random, first_kvk: int) -> None:
    members = providers.build(staff, count, rng, first_kvk=first_kvk)
    scoring.assess(staff, rng)
    rush.add_drafts(rush_tender_id, members, rng)
    tender = db.session.get(Tender, staff.tender_id)
    for member in members:
        agreements.create_agreement(
            tender, db.session.get(Organisation, member.organisation_id), now=clock.now()
        )
    db.session.commit()


def page_counts(client, auth, staff: region.Staff, rush_tender_id: int) -> dict[str, int]:
    bid = db.session.scalars(sa.select(Bid).where(Bid.tender_id == rush_tender_id).order_by(Bid.id)).first()
    provider = db.session.scalars(sa.select(User).where(User.organisation_id == bid.organisation_id)).first()
    submission_id = db.session.scalars(
        sa.select(BidSubmission.id)
        .join(Bid)
        .where(Bid.tender_id == staff.tender_id)
        .order_by(BidSubmission.id)
    ).first()
    pages = [
        ("provider matrix choice", provider, f"/inschrijvingen/{bid.id}/keuze"),
        ("bid overview", provider, f"/inschrijvingen/{bid.id}"),
        (
            "assessor scoring page",
            staff.users(staff.assessor_ids)[0],
            f"/beoordeling/inschrijving/{submission_id}",
        ),
        ("contract register", db.session.get(User, staff.contract_manager_id), "/overeenkomsten/register"),
        (
            "tender result page",
            staff.users(staff.buyer_ids)[0],
            f"/beoordeling/beheer/{staff.tender_id}/resultaten",
        ),
        *_assessment_pages(staff),
    ]
    found = {}
    for name, user, url in pages:
        auth.login(user)
        assert client.get(url).status_code == 200, name  # warm: first-use loads, caches
        with counting() as statements:
            assert client.get(url).status_code == 200, name
        found[name] = statements[0]
    return found


def _assessment_pages(staff: region.Staff) -> list[tuple[str, User, str]]:
    """Issue 14's pages at scale: one requirement across bids, consensus and scoring per criterion, decisions."""
    tender = db.session.get(Tender, staff.tender_id)
    buyer, assessor = staff.users(staff.buyer_ids)[0], staff.users(staff.assessor_ids)[0]
    base = f"/beoordeling/beheer/{tender.id}"
    criterion = tender.criteria[0].id
    return [
        ("requirement across bids", buyer, f"{base}/eisen/{tender.requirements[0].id}?uitkomst=met"),
        ("requirement overview", buyer, f"{base}/eisen"),
        ("consensus per criterion", buyer, f"{base}/consensus?criterium={criterion}"),
        ("decisions", buyer, f"{base}/besluiten?status=goedgekeurd"),
        ("scoring per criterion", assessor, f"/beoordeling/{tender.id}/criterium/{criterion}?nr=2"),
    ]


def test_heavy_pages_send_as_many_queries_for_three_times_the_providers(app, client, auth):
    rng = random.Random(5)
    staff = region.build()
    rush_tender = rush.create_tender(staff)
    scoring.open_vault(staff)
    db.session.commit()

    grow(staff, rush_tender.id, 2, rng, first_kvk=72000000)
    small = page_counts(client, auth, staff, rush_tender.id)
    grow(staff, rush_tender.id, 4, rng, first_kvk=73000000)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BidSubmission)) == 6
    large = page_counts(client, auth, staff, rush_tender.id)

    assert large == small
    assert all(count < 40 for count in small.values()), small
