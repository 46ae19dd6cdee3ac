"""Demo data for `make run`: idempotent (a second run changes nothing).

The municipalities, domains and requirement library come from reference_data; the demo tender
"Jeugd en Wmo 2027" is an open-house tender with a realistic resultatenmatrix.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from portal import clock, reference_data
from portal.accounts import service as accounts
from portal.agreements import service as agreements
from portal.extensions import db
from portal.models import (
    AnswerType,
    Domain,
    Municipality,
    Organisation,
    RequirementKind,
    RequirementTemplate,
    Role,
    User,
)

DEMO_PASSWORD = "Demo-wachtwoord-2027"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    roles: tuple[Role, ...]
    organisation_kvk: str | None = None
    function: str = ""


DEMO_ORGANISATIONS = [
    # A table, kept as one row per organisation: name, KvK, AGB, street, postcode, city, signatory, function
    ("Zorggroep De Drentse Hoeve", "60123456", "73730001", "Brink 12", "9401 HS", "Assen", "Anna de Vries", "Bestuurder"),
    ("Jeugdhulp Noordenveld B.V.", "61234567", None, "Hoofdstraat 3", "9301 AA", "Roden", "Bram Jansen", "Directeur"),
]  # fmt: skip

DEMO_LOGINS = [
    DemoLogin("beheer@demo.inkoop-nmd.nl", "Femke Beheer", (Role.ADMIN,)),
    DemoLogin("inkoper@demo.inkoop-nmd.nl", "Ingrid Inkoper", (Role.BUYER,)),
    DemoLogin("inkoper2@demo.inkoop-nmd.nl", "Hans Hoofdinkoper", (Role.BUYER,)),
    DemoLogin("beoordelaar@demo.inkoop-nmd.nl", "Bea Beoordelaar", (Role.ASSESSOR,)),
    DemoLogin("beoordelaar2@demo.inkoop-nmd.nl", "Ben Beoordelaar", (Role.ASSESSOR,)),
    DemoLogin("contract@demo.inkoop-nmd.nl", "Carla Contract", (Role.CONTRACT_MANAGER,)),
    DemoLogin("raad@demo.inkoop-nmd.nl", "Rob Raadslid", (Role.VIEWER,)),
    DemoLogin("anna@drentsehoeve.example", "Anna de Vries", (Role.PROVIDER_ADMIN,), "60123456", "Bestuurder"),
    DemoLogin("piet@drentsehoeve.example", "Piet Pieters", (Role.PROVIDER_MEMBER,), "60123456", "Teamleider"),
    DemoLogin(
        "bram@jeugdhulpnoordenveld.example", "Bram Jansen", (Role.PROVIDER_ADMIN,), "61234567", "Directeur"
    ),
]


def seed(now_date: date | None = None) -> list[DemoLogin]:
    """Create what is missing; never duplicate, never overwrite what a person changed."""
    seed_master_data()
    organisations = {kvk: _organisation(*row) for row in DEMO_ORGANISATIONS for kvk in [row[1]]}
    for login in DEMO_LOGINS:
        _user(login, organisations)
    from portal.tenders import demo as tender_demo

    tender_demo.seed_demo_tender(today=now_date or clock.now().date())
    agreements.seed_default_template()  # the raamovereenkomst's general terms, version 1
    db.session.flush()
    return DEMO_LOGINS


def seed_master_data() -> None:
    for code, name in reference_data.MUNICIPALITIES:
        if db.session.scalar(sa.select(Municipality).where(Municipality.cbs_code == code)) is None:
            db.session.add(Municipality(cbs_code=code, name=name))
    for position, name in enumerate(reference_data.DOMAINS):
        if db.session.scalar(sa.select(Domain).where(Domain.name == name)) is None:
            db.session.add(Domain(name=name, position=position))
    if db.session.scalar(sa.select(sa.func.count()).select_from(RequirementTemplate)) == 0:
        _requirement_library()
    from portal.standards import reference as standards_reference

    standards_reference.seed()  # the iStandaarden list (iWmo/iJw product categories, units)
    db.session.flush()


def _requirement_library() -> None:
    for text in reference_data.QUALITY_REQUIREMENTS_SHOWN:
        db.session.add(
            RequirementTemplate(
                kind=RequirementKind.QUALITY,
                text=text,
                answer_type=AnswerType.FILE,
                evidence_required=True,
                knockout=True,
                source=reference_data.SOURCE_004_5_2,
            )
        )
    for text in reference_data.QUALITY_REQUIREMENTS_ENSURED:
        db.session.add(
            RequirementTemplate(
                kind=RequirementKind.QUALITY,
                text=text,
                answer_type=AnswerType.DECLARATION,
                evidence_required=False,
                knockout=True,
                source=reference_data.SOURCE_004_5_2,
            )
        )
    for text, answer_type, evidence, knockout in reference_data.SUITABILITY_REQUIREMENTS:
        db.session.add(
            RequirementTemplate(
                kind=RequirementKind.SUITABILITY,
                text=text,
                answer_type=AnswerType(answer_type),
                evidence_required=evidence,
                knockout=knockout,
                source=reference_data.SOURCE_004_3_1,
            )
        )


def _organisation(
    name: str, kvk: str, agb: str | None, street: str, postcode: str, city: str, signatory: str, function: str
) -> Organisation:
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.kvk_number == kvk))
    if organisation is None:
        organisation = Organisation(
            name=name,
            kvk_number=kvk,
            agb_code=agb,
            street=street,
            postcode=postcode,
            city=city,
            signatory_name=signatory,
            signatory_function=function,
        )
        db.session.add(organisation)
        db.session.flush()
    return organisation


def _user(login: DemoLogin, organisations: dict[str, Organisation]) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == login.email))
    if user is None:
        organisation = organisations.get(login.organisation_kvk or "")
        user = accounts.create_user(
            email=login.email,
            name=login.name,
            password=DEMO_PASSWORD,
            roles=list(login.roles),
            organisation_id=organisation.id if organisation else None,
            confirmed_at=clock.now(),
            function=login.function,
        )
    return user


def demo_tariff(level: int, result_index: int, municipality_index: int) -> Decimal:
    """A plausible monthly tariff: heavier levels cost more; municipalities differ slightly."""
    base = {
        4: Decimal("245.00"),
        5: Decimal("560.00"),
        6: Decimal("1120.00"),
        7: Decimal("2340.00"),
        8: Decimal("4875.00"),
    }[level]
    factor = Decimal(100 + (result_index * 7) % 23 + municipality_index * 2) / Decimal(100)
    return (base * factor).quantize(Decimal("0.01"))


def contract_start(today: date) -> date:
    return date(today.year + 1, 1, 1) if today.month >= 7 else date(today.year, 7, 1) + timedelta(days=0)
