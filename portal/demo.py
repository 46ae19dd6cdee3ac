"""Demo data for `make run`: idempotent (a second run changes nothing).

The municipalities, domains and requirement library come from reference_data; the demo tender
"Jeugd en Wmo 2027" is an open-house tender with a realistic resultatenmatrix.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from portal import clock, reference_data
from portal.accounts import service as accounts
from portal.agreements import service as agreements
from portal.extensions import db
from portal.models import (
    ORGANISATION_DETAILS,
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
    # A table, kept as one row per organisation, in the order of ORGANISATION_DETAILS
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
    organisations = {row[1]: _organisation(row) for row in DEMO_ORGANISATIONS}
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
    fields = ("kind", "text", "answer_type", "evidence_required", "knockout", "source")
    db.session.add_all(RequirementTemplate(**dict(zip(fields, row, strict=True))) for row in _library_rows())


def _library_rows() -> Iterator[tuple[object, ...]]:
    """The requirement library: quality requirements shown by a document or ensured by a declaration
    (both knock-out, article 4.5.2), and the suitability requirements (article 4.3.1) as listed."""
    quality, source = RequirementKind.QUALITY, reference_data.SOURCE_004_5_2
    for text in reference_data.QUALITY_REQUIREMENTS_SHOWN:
        yield quality, text, AnswerType.FILE, True, True, source
    for text in reference_data.QUALITY_REQUIREMENTS_ENSURED:
        yield quality, text, AnswerType.DECLARATION, False, True, source
    for text, answer_type, evidence, knockout in reference_data.SUITABILITY_REQUIREMENTS:
        yield (
            RequirementKind.SUITABILITY,
            text,
            AnswerType(answer_type),
            evidence,
            knockout,
            reference_data.SOURCE_004_3_1,
        )


def _organisation(row: tuple[str | None, ...]) -> Organisation:
    fields = dict(zip(ORGANISATION_DETAILS, row, strict=True))
    organisation = db.session.scalar(
        sa.select(Organisation).where(Organisation.kvk_number == fields["kvk_number"])
    )
    if organisation is None:
        organisation = Organisation(**fields)
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
