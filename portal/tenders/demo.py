"""The demo tender "Jeugd en Wmo 2027": an open-house tender with a realistic resultatenmatrix.

Built through the same services a buyer uses (portal.tenders.service): no second way in.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from portal import clock
from portal.extensions import db
from portal.models import Domain, Law, Lot, Municipality, Procedure, RequirementTemplate, Tender
from portal.standards import demo as standards_demo
from portal.tenders import matrix, publication, requirements, service

DEMO_REFERENCE = "NMD-2027-JW-01"

# (domain, code, name, law, product code)
DEMO_RESULTS = [
    ("Veilig", "V1", "Veilige thuissituatie", Law.JEUGDWET, "45A01"),
    ("Veilig", "V2", "Veilig opgroeien en ontwikkelen", Law.JEUGDWET, "45A02"),
    ("Veilig", "V3", "Veilige woon- en leefomgeving", Law.WMO, "02A01"),
    ("Veilig", "V4", "Beschermd wonen", Law.WMO, "02A02"),
    ("Zelfredzaam", "Z1", "Zelfstandig wonen en huishouden", Law.WMO, "02B01"),
    ("Zelfredzaam", "Z2", "Regie over het eigen leven", Law.WMO, "02B02"),
    ("Zelfredzaam", "Z3", "Zelfredzaam in de opvoeding", Law.JEUGDWET, "45B01"),
    ("Zelfredzaam", "Z4", "Dyslexie: lezen en spellen op niveau", Law.JEUGDWET, "45B02"),
    ("Meedoen", "M1", "Dagbesteding en structuur", Law.WMO, "02C01"),
    ("Meedoen", "M2", "Meedoen op school of werk", Law.JEUGDWET, "45C01"),
    ("Meedoen", "M3", "Sociaal netwerk en vrije tijd", Law.WMO, "02C02"),
    ("Meedoen", "M4", "Maatschappelijke opvang en herstel", Law.WMO, "02C03"),
    ("Gezond", "G1", "Psychisch welbevinden", Law.JEUGDWET, "45D01"),
    ("Gezond", "G2", "Lichamelijk functioneren", Law.WMO, "02D01"),
    ("Gezond", "G3", "Herstel van verslaving", Law.WMO, "02D02"),
    ("Gezond", "G4", "Gezond ontwikkelen (behandeling jeugd)", Law.JEUGDWET, "45D02"),
]

LEVEL_DESCRIPTIONS = {
    4: "Licht ambulant: kortdurend, enkele contacten per maand",
    5: "Ambulant: regelmatige begeleiding of behandeling",
    6: "Intensief ambulant of deeltijd",
    7: "Verblijf met behandeling of intensieve begeleiding",
    8: "Intramuraal: zwaar verblijf en behandeling",
}

# (name, description, law of its results or a set of codes, levels)
DEMO_LOTS = [
    (
        "Perceel 1 – Jeugdhulp ambulant",
        "Jeugdhulp thuis en ambulant, niveaus 4 tot en met 6.",
        Law.JEUGDWET,
        (4, 5, 6),
    ),
    ("Perceel 2 – Jeugdhulp met verblijf", "Jeugdhulp met verblijf, niveaus 7 en 8.", Law.JEUGDWET, (7, 8)),
    (
        "Perceel 3 – Wmo begeleiding",
        "Begeleiding en dagbesteding Wmo, niveaus 4 tot en met 6.",
        Law.WMO,
        (4, 5, 6),
    ),
    ("Perceel 4 – Beschermd wonen en maatschappelijke opvang", "BW en BMO, niveaus 7 en 8.", Law.WMO, (7, 8)),
]

SCALE = [
    {"score": "0", "label": "Ontbreekt"},
    {"score": "2", "label": "Onvoldoende"},
    {"score": "4", "label": "Matig"},
    {"score": "6", "label": "Voldoende"},
    {"score": "8", "label": "Goed"},
    {"score": "10", "label": "Uitstekend"},
]

DEMO_CRITERIA = [
    (
        "Hoe stelt u het perspectief van de inwoner centraal bij het behalen van de resultaten? "
        "Beschrijf een voorbeeld uit uw praktijk.",
        "Kader 3 van de startnotitie: één gezin, één plan, één regisseur; matched care.",
        Decimal("40"),
        600,
    ),
    (
        "Hoe werkt u samen met de gemeentelijke toegang en andere aanbieders, ook via onderaanneming?",
        "Kader 9: samenwerking en onderaanneming, kostenefficiënt.",
        Decimal("30"),
        500,
    ),
    (
        "Hoe meet u of de afgesproken resultaten worden behaald en hoe verbetert u uw werkwijze daarop?",
        "Kader 9 en 11: prestatieafspraken, rapportage, PDCA.",
        Decimal("30"),
        500,
    ),
]


def seed_demo_tender(today: date) -> Tender:
    existing = db.session.scalar(sa.select(Tender).where(Tender.reference == DEMO_REFERENCE))
    if existing is not None:
        return existing
    municipalities = list(db.session.scalars(sa.select(Municipality).order_by(Municipality.name)))
    domains = {d.name: d for d in db.session.scalars(sa.select(Domain))}
    now = clock.now()
    published = now - timedelta(days=14)
    first_close = _at(today + timedelta(days=42), 12)
    tender = service.create_tender(
        service.TenderData(
            reference=DEMO_REFERENCE,
            title="Jeugd en Wmo 2027",
            description=(
                "Open house-contractering van jeugdhulp (Jeugdwet) en maatschappelijke ondersteuning (Wmo), "
                "inclusief dyslexie, Beschermd Wonen en Begeleiding Maatschappelijke Opvang, voor de vijf "
                "NMD-gemeenten. Iedere zorgaanbieder die aan de eisen voldoet, krijgt een raamovereenkomst "
                "tegen de vooraf vastgestelde tarieven. Er is geen volumegarantie."
            ),
            procedure=Procedure.OPEN_HOUSE,
            law=Law.BOTH,
            municipality_ids=[m.id for m in municipalities],
            publication_at=published,
            question_deadline=_at(today + timedelta(days=21), 12),
            windows=[
                (published, first_close),
                (_at(today + timedelta(days=180), 9), _at(today + timedelta(days=210), 12)),
            ],
            contract_start=_contract_start(today, first_close),
            term_months=36,
            extension_count=2,
            extension_months=12,
        ),
        by=None,
    )
    for number, description in LEVEL_DESCRIPTIONS.items():
        matrix.set_level(tender, number, description)
    lots = [
        service.add_lot(tender, name=name, description=description)
        for name, description, _l, _lv in DEMO_LOTS
    ]
    _matrix(tender, domains, municipalities, lots)
    _requirements(tender)
    _criteria(tender)
    publication.publish_tender(tender, by=None, now=published)
    return tender


def _contract_start(today: date, first_close: datetime) -> date:
    """1 January next year, or the first of the month after the first admission window when that is later."""
    start = date(today.year + 1, 1, 1)
    closes = clock.to_local(first_close).date()
    if start <= closes:
        start = date(closes.year + closes.month // 12, closes.month % 12 + 1, 1)
    return start


def _matrix(
    tender: Tender, domains: dict[str, Domain], municipalities: list[Municipality], lots: list[Lot]
) -> None:
    from portal.demo import demo_tariff

    assert tender.contract_start is not None
    for index, (domain, code, name, law, product_code) in enumerate(DEMO_RESULTS):
        result = matrix.add_result(
            tender, domain=domains[domain], code=code, name=name, law=law, product_code=product_code
        )
        standards_demo.apply(result)  # real iWmo/iJw productcategorie, eenheid, frequentie
        for level in range(4, 9):
            result_level = matrix.add_result_level(
                result, level=level, description=LEVEL_DESCRIPTIONS[level], lot=_lot_for(lots, law, level)
            )
            for i, municipality in enumerate(municipalities):
                matrix.set_tariff(
                    result_level,
                    municipality=municipality,
                    valid_from=tender.contract_start,
                    amount=demo_tariff(level, index, i),
                )


def _lot_for(lots: list[Lot], law: Law, level: int) -> Lot | None:
    for lot, (_name, _description, lot_law, levels) in zip(lots, DEMO_LOTS, strict=True):
        if lot_law == law and level in levels:
            return lot
    return None


def _requirements(tender: Tender) -> None:
    """Every requirement of the library (seed 004 §5.2 and §3.1), for all percelen."""
    for template in db.session.scalars(sa.select(RequirementTemplate).order_by(RequirementTemplate.id)):
        requirements.add_requirement(
            tender,
            kind=template.kind,
            text=template.text,
            answer_type=template.answer_type,
            template=template,
        )


def _criteria(tender: Tender) -> None:
    for question, guidance, weight, words in DEMO_CRITERIA:
        requirements.add_criterion(
            tender,
            question=question,
            guidance=guidance,
            weight=weight,
            scale=SCALE,
            word_limit=words,
            minimum_score=Decimal("4"),
        )


def _at(day: date, hour: int) -> datetime:
    return clock.from_local(datetime.combine(day, time(hour, 0)))
