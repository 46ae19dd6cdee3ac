"""P2's deadline rush: a copy of the matrix as an aanbesteding closing in hours, 400 complete drafts."""

from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa

from portal import clock
from portal.benchdata import RUSH_REFERENCE
from portal.benchdata.providers import Member, create_complete_bids, create_evidence, create_organisations
from portal.benchdata.region import Staff, existing
from portal.extensions import db
from portal.models import EvidenceFile, Procedure, ResultLevel, Tender
from portal.tenders import publication, service


def build(staff: Staff, members: list[Member], count: int, rng: random.Random) -> None:
    tender = create_tender(staff)
    extra = create_organisations(max(0, count - len(members)), rng, first_kvk=71000000)
    add_drafts(tender.id, (members + extra)[:count], rng)


def create_tender(staff: Staff) -> Tender:
    """A copy of the region's matrix as an aanbesteding, published, its deadline six hours away."""
    tender = service.copy_tender(
        staff.tender(), reference=RUSH_REFERENCE, title="Jeugd en Wmo 2028 (termijnrush)", by=None
    )
    now = clock.now()
    data = service.tender_data(tender)
    data.procedure = Procedure.COMPETITIVE
    data.publication_at = now - timedelta(days=30)
    data.question_deadline = now - timedelta(days=10)
    data.submission_deadline = now + timedelta(hours=6)
    local = clock.to_local(now).date()
    data.contract_start = date(local.year + 1, 1, 1) if local.month > 6 else date(local.year, 7, 1)
    service.update_tender(tender, data, by=None)
    publication.publish_tender(tender, by=None, now=data.publication_at)
    return tender


def add_drafts(tender_id: int, members: list[Member], rng: random.Random) -> None:
    """A complete draft bid of each organisation (evidence made for those that have none yet)."""
    tender = existing(Tender, tender_id)
    evidence = _evidence_of(members)
    evidence.update(create_evidence([m for m in members if not evidence[m.organisation_id]], rng))
    levels = [rl for result in tender.results for rl in result.levels]
    create_complete_bids(tender, members, evidence, sorted(levels, key=_id), rng)


def _id(result_level: ResultLevel) -> int:
    return result_level.id


def _evidence_of(members: list[Member]) -> dict[int, list[int]]:
    ids = [m.organisation_id for m in members]
    out: dict[int, list[int]] = {i: [] for i in ids}
    for file_id, organisation_id in db.session.execute(
        sa.select(EvidenceFile.id, EvidenceFile.organisation_id)
        .where(EvidenceFile.organisation_id.in_(ids))
        .order_by(EvidenceFile.id)
    ):
        out[organisation_id].append(file_id)
    return out
