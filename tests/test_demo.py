"""The demo data: complete, verbatim where the sources are quoted, and idempotent."""

from __future__ import annotations

import sqlalchemy as sa

from portal import demo, reference_data
from portal.extensions import db
from portal.models import Municipality, RequirementKind, RequirementTemplate, Tender, TenderStatus, User


def _counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_seeding_twice_changes_nothing(app):
    demo.seed()
    db.session.commit()
    first = _counts()
    demo.seed()
    db.session.commit()
    assert _counts() == first


def test_the_five_nmd_municipalities_with_their_cbs_codes(app):
    demo.seed()
    codes = dict(db.session.execute(sa.select(Municipality.cbs_code, Municipality.name)).all())
    assert codes == {
        "GM1680": "Aa en Hunze",
        "GM0106": "Assen",
        "GM1731": "Midden-Drenthe",
        "GM1699": "Noordenveld",
        "GM1730": "Tynaarlo",
    }


def test_requirement_library_holds_the_sources_verbatim(app):
    demo.seed()
    texts = set(db.session.scalars(sa.select(RequirementTemplate.text)))
    assert "Dat alle professionals beschikken over een actuele en passende VOG" in texts
    assert "Dat er gebruik wordt gemaakt van een veiligheidsmanagementsysteem." in texts
    quality = db.session.scalar(
        sa.select(sa.func.count()).where(RequirementTemplate.kind == RequirementKind.QUALITY)
    )
    suitability = db.session.scalar(
        sa.select(sa.func.count()).where(RequirementTemplate.kind == RequirementKind.SUITABILITY)
    )
    assert quality == len(reference_data.QUALITY_REQUIREMENTS_SHOWN) + len(
        reference_data.QUALITY_REQUIREMENTS_ENSURED
    )
    assert suitability == len(reference_data.SUITABILITY_REQUIREMENTS)


def test_demo_tender_is_published_open_house_with_every_municipality(app):
    demo.seed()
    tender = db.session.scalar(sa.select(Tender).where(Tender.title == "Jeugd en Wmo 2027"))
    assert tender.status is TenderStatus.PUBLISHED
    assert len(tender.municipalities) == 5
    assert {r.domain.name for r in tender.results} == {"Veilig", "Zelfredzaam", "Meedoen", "Gezond"}
    assert all(len(rl.tariffs) == 5 for r in tender.results for rl in r.levels if rl.lot_id is not None)


def test_every_demo_login_can_be_used(app):
    demo.seed()
    emails = set(db.session.scalars(sa.select(User.email)))
    assert {login.email for login in demo.DEMO_LOGINS} <= emails
