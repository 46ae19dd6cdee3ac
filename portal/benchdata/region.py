"""The region: master data, staff and the tender NMD-BENCH-2027 with its full matrix, through the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import TypeVar

import pyotp
import sqlalchemy as sa

from portal import clock, demo
from portal.accounts import factor_service, totp
from portal.accounts import service as accounts
from portal.benchdata import BENCH_PASSWORD, REFERENCE
from portal.extensions import db
from portal.models import (
    AnswerType,
    Domain,
    Law,
    Lot,
    Municipality,
    Procedure,
    RequirementKind,
    Role,
    Tender,
    User,
)
from portal.standards import demo as standards_demo
from portal.tenders import demo as tender_demo
from portal.tenders import matrix, publication, requirements, service

M = TypeVar("M")

# Per domain, four Jeugdwet and four Wmo hoofdresultaten: (name, product code)
RESULTS = {
    "Veilig": [
        ("Veilige thuissituatie", "45A01"),
        ("Veilig opgroeien en ontwikkelen", "45A02"),
        ("Herstel na huiselijk geweld", "45A03"),
        ("Veiligheid na uithuisplaatsing", "45A04"),
        ("Veilige woon- en leefomgeving", "02A01"),
        ("Beschermd wonen", "02A02"),
        ("Veilig na crisisopvang", "02A03"),
        ("Veilig thuis met toezicht", "02A04"),
    ],
    "Zelfredzaam": [
        ("Zelfredzaam in de opvoeding", "45B01"),
        ("Dyslexie: lezen en spellen op niveau", "45B02"),
        ("Zelfstandig op weg naar volwassenheid", "45B03"),
        ("Omgaan met een beperking (jeugd)", "45B04"),
        ("Zelfstandig wonen en huishouden", "02B01"),
        ("Regie over het eigen leven", "02B02"),
        ("Financiële zelfredzaamheid", "02B03"),
        ("Zelfstandig na beschermd wonen", "02B04"),
    ],
    "Meedoen": [
        ("Meedoen op school of werk", "45C01"),
        ("Passende dagbesteding jeugd", "45C02"),
        ("Vrije tijd en sport (jeugd)", "45C03"),
        ("Meedoen in het gezin", "45C04"),
        ("Dagbesteding en structuur", "02C01"),
        ("Sociaal netwerk en vrije tijd", "02C02"),
        ("Maatschappelijke opvang en herstel", "02C03"),
        ("Arbeidsmatige activering", "02C04"),
    ],
    "Gezond": [
        ("Psychisch welbevinden", "45D01"),
        ("Gezond ontwikkelen (behandeling jeugd)", "45D02"),
        ("Herstel van verslaving (jeugd)", "45D03"),
        ("Lichamelijk gezond opgroeien", "45D04"),
        ("Lichamelijk functioneren", "02D01"),
        ("Herstel van verslaving", "02D02"),
        ("Psychisch stabiel thuis", "02D03"),
        ("Gezond ouder worden thuis", "02D04"),
    ],
}

CRITERIA = [
    ("Hoe stelt u het perspectief van de inwoner centraal bij het behalen van de resultaten?", Decimal("20")),
    (
        "Hoe werkt u samen met de gemeentelijke toegang en andere aanbieders, ook via onderaanneming?",
        Decimal("20"),
    ),
    (
        "Hoe meet u of de afgesproken resultaten worden behaald en hoe verbetert u uw werkwijze daarop?",
        Decimal("15"),
    ),
    ("Hoe zorgt u voor korte wachttijden en een snelle start van de ondersteuning?", Decimal("15")),
    ("Hoe borgt u de deskundigheid van uw medewerkers (SKJ/BIG, scholing, intervisie)?", Decimal("15")),
    (
        "Hoe gaat u kostenbewust om met de inzet van zorg en het afschalen naar lichtere vormen?",
        Decimal("15"),
    ),
]

STAFF = [
    ("inkoper1@bench.inkoop-nmd.nl", "Ingrid Inkoper", Role.BUYER),
    ("inkoper2@bench.inkoop-nmd.nl", "Hans Hoofdinkoper", Role.BUYER),
    ("beoordelaar1@bench.inkoop-nmd.nl", "Bea Beoordelaar", Role.ASSESSOR),
    ("beoordelaar2@bench.inkoop-nmd.nl", "Ben Beoordelaar", Role.ASSESSOR),
    ("beoordelaar3@bench.inkoop-nmd.nl", "Bo Beoordelaar", Role.ASSESSOR),
    ("contract@bench.inkoop-nmd.nl", "Carla Contract", Role.CONTRACT_MANAGER),
]


@dataclass(frozen=True)
class Staff:
    """Ids, not objects: the steps clear the session between them."""

    buyer_ids: list[int]
    assessor_ids: list[int]
    contract_manager_id: int
    tender_id: int

    def users(self, ids: list[int]) -> list[User]:
        return [existing(User, i) for i in ids]

    def tender(self) -> Tender:
        return existing(Tender, self.tender_id)


def existing(model: type[M], object_id: int) -> M:
    """A row an earlier step made: its absence is a broken build, not a page's 404."""
    obj = db.session.get(model, object_id)
    if obj is None:
        raise LookupError(f"{model.__name__} {object_id} is missing from the bench data")
    return obj


def _enrol_factor(user: User) -> None:
    """Staff log in with a second factor: enrolled through the feature, confirmed with the code of the
    step before now (bench/factor.py computes later codes from the stored secret)."""
    secret = factor_service.start_enrolment(user)
    step = totp.step_at(clock.now()) - 1
    code = pyotp.TOTP(secret, interval=totp.STEP_SECONDS).generate_otp(step)
    factor_service.confirm_enrolment(user, code, now=clock.now())


def build() -> Staff:
    demo.seed_master_data()
    users = [
        accounts.create_user(
            email=email, name=name, password=BENCH_PASSWORD, roles=[role], confirmed_at=clock.now()
        )
        for email, name, role in STAFF
    ]
    for user in users:
        _enrol_factor(user)
    tender = build_tender(now=clock.now())
    ids = [u.id for u in users]
    return Staff(buyer_ids=ids[:2], assessor_ids=ids[2:5], contract_manager_id=ids[5], tender_id=tender.id)


def build_tender(*, now: datetime) -> Tender:
    municipalities = list(db.session.scalars(sa.select(Municipality).order_by(Municipality.name)))
    domains = {d.name: d for d in db.session.scalars(sa.select(Domain))}
    published = now - timedelta(days=120)
    tender = service.create_tender(_tender_data(municipalities, published, now - timedelta(days=30)), by=None)
    for number, description in tender_demo.LEVEL_DESCRIPTIONS.items():
        matrix.set_level(tender, number, description)
    _matrix(tender, domains, municipalities)
    _requirements_and_criteria(tender)
    publication.publish_tender(tender, by=None, now=published)
    return tender


def _tender_data(municipalities: list[Municipality], opens: datetime, closes: datetime) -> service.TenderData:
    """An open house for the whole region: one admission window, contracts from the month after it closes."""
    closes_local = clock.to_local(closes).date()
    return service.TenderData(
        reference=REFERENCE,
        title="Jeugd en Wmo 2027 (regio NMD, benchmark)",
        description="Open house voor de hele NMD-regio: 8 percelen, 160 resultaat-niveaus, 5 gemeenten.",
        procedure=Procedure.OPEN_HOUSE,
        law=Law.BOTH,
        municipality_ids=[m.id for m in municipalities],
        publication_at=opens,
        question_deadline=opens + timedelta(days=30),
        windows=[(opens, closes)],
        contract_start=date(closes_local.year + closes_local.month // 12, closes_local.month % 12 + 1, 1),
        term_months=36,
        extension_count=2,
    )


def _requirements_and_criteria(tender: Tender) -> None:
    for fields in quality_requirements():
        requirements.add_requirement(tender, kind=RequirementKind.QUALITY, **fields)
    for question, weight in CRITERIA:
        requirements.add_criterion(
            tender,
            question=question,
            weight=weight,
            scale=tender_demo.SCALE,
            word_limit=600,
            minimum_score=Decimal("4"),
            guidance="Kader 9 van de startnotitie: prestatieafspraken.",
        )


def quality_requirements() -> list[dict]:
    """The 26 + 6 kwaliteitseisen of seed 004 §5.2: the first shown with a document, the others declared."""
    from portal import reference_data

    shown = [
        {"text": t, "answer_type": AnswerType.FILE, "evidence_required": True, "knockout": True}
        for t in reference_data.QUALITY_REQUIREMENTS_SHOWN
    ]
    ensured = [
        {"text": t, "answer_type": AnswerType.DECLARATION, "evidence_required": False, "knockout": True}
        for t in reference_data.QUALITY_REQUIREMENTS_ENSURED
    ]
    return shown + ensured


def _matrix(tender: Tender, domains: dict[str, Domain], municipalities: list[Municipality]) -> None:
    """Per domain two percelen (Jeugdwet, Wmo), each 4 results × levels 4–8 with five tariffs."""
    index = 0
    for domain_name, results in RESULTS.items():
        lots = {
            Law.JEUGDWET: service.add_lot(tender, name=f"{domain_name} – Jeugdwet"),
            Law.WMO: service.add_lot(tender, name=f"{domain_name} – Wmo"),
        }
        for position, (name, product_code) in enumerate(results):
            law = Law.JEUGDWET if position < 4 else Law.WMO
            code = f"{domain_name[0]}{position + 1}"
            result = matrix.add_result(
                tender, domain=domains[domain_name], code=code, name=name, law=law, product_code=product_code
            )
            standards_demo.apply(result)  # real iWmo/iJw productcategorie, eenheid, frequentie
            tender_demo.add_priced_levels(result, partial(_same_lot, lots[law]), municipalities, index)
            index += 1


def _same_lot(lot: Lot, level: int) -> Lot:
    """Every level of a result in the perceel of its law."""
    return lot
