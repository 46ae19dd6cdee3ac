"""Shared set-up for the tender tests: a complete draft tender built through the services."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from portal.models import AnswerType, Law, Procedure, RequirementKind, Tender
from portal.tenders import matrix, requirements, service
from tests import factories

_REFERENCES = itertools.count(1)
SCALE = [{"score": str(s), "label": f"Score {s}"} for s in (0, 2, 4, 6, 8, 10)]


def tender_data(**changes: object) -> service.TenderData:
    now = datetime.now(UTC).replace(microsecond=0)
    municipalities = changes.pop("municipalities", None) or [
        factories.MunicipalityFactory() for _ in range(2)
    ]
    data = service.TenderData(
        reference=f"NMD-T4-{next(_REFERENCES):05d}",
        title="Jeugdhulp 2028",
        procedure=Procedure.COMPETITIVE,
        law=Law.JEUGDWET,
        municipality_ids=[m.id for m in municipalities],
        publication_at=now - timedelta(days=1),
        question_deadline=now + timedelta(days=10),
        submission_deadline=now + timedelta(days=30),
        contract_start=(now + timedelta(days=60)).date(),
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def complete_draft(**changes: object) -> Tender:
    """A draft tender whose publication checklist is empty."""
    tender = service.create_tender(tender_data(**changes), by=None)
    lot = service.add_lot(tender, name="Perceel 1")
    domain = factories.DomainFactory()
    result = matrix.add_result(tender, domain=domain, code="R1", name="Veilig thuis", law=Law.JEUGDWET)
    for level in (4, 5):
        result_level = matrix.add_result_level(result, level=level, lot=lot)
        for municipality in tender.municipalities:
            matrix.set_tariff(
                result_level,
                municipality=municipality,
                valid_from=date(2028, 1, 1),
                amount=Decimal(100 * level),
            )
    requirements.add_requirement(
        tender,
        kind=RequirementKind.QUALITY,
        text="VOG voor alle medewerkers",
        answer_type=AnswerType.DECLARATION,
    )
    requirements.add_criterion(tender, question="Hoe werkt u?", weight=Decimal("100"), scale=SCALE)
    return tender
