"""A tender taken through every state by the features' own services, for the OCDS tests.

The times are the real clock's (the audit trail, which dates a contract's sending, uses it too), so
every state is reached in the order it happens.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from portal import clock, uploads
from portal.agreements import amendments
from portal.agreements import service as agreements
from portal.assessment import deciding
from portal.extensions import db
from portal.models import (
    Agreement,
    AnswerType,
    Law,
    Organisation,
    Procedure,
    RequirementKind,
    Role,
    Tender,
    User,
)
from portal.tenders import matrix, publication, questions, requirements, service
from tests import factories
from tests.tenders.helpers import SCALE, tender_data
from tests.tenders.world_extension import TINY_PDF

BASE = "/open-data/ocds"


def draft_tender() -> Tender:
    """A complete draft (two percelen, one result at levels 4 and 5) with a bidding document."""
    now = clock.now()
    tender = service.create_tender(
        tender_data(
            procedure=Procedure.COMPETITIVE,
            publication_at=now - timedelta(hours=1),
            question_deadline=now + timedelta(days=10),
            submission_deadline=now + timedelta(days=20),
            contract_start=(now + timedelta(days=60)).date(),
        ),
        by=None,
    )
    lots = [service.add_lot(tender, name=f"Perceel {n}") for n in (1, 2)]
    result = matrix.add_result(
        tender, domain=factories.DomainFactory(), code="R1", name="Veilig thuis", law=Law.JEUGDWET
    )
    for level, lot in zip((4, 5), lots, strict=True):
        result_level = matrix.add_result_level(result, level=level, lot=lot)
        for municipality in tender.municipalities:
            matrix.set_tariff(
                result_level,
                municipality=municipality,
                valid_from=date(2020, 1, 1),
                amount=Decimal(f"{level}00.50"),
            )
    requirements.add_requirement(
        tender,
        kind=RequirementKind.QUALITY,
        text="VOG voor alle medewerkers",
        answer_type=AnswerType.DECLARATION,
    )
    requirements.add_criterion(tender, question="Hoe werkt u?", weight=Decimal("100"), scale=SCALE)
    stored = uploads.store(io.BytesIO(TINY_PDF), "bestek.pdf", allowed=uploads.DOCUMENT_TYPES)
    service.add_document(tender, stored, title="Bestek")
    db.session.commit()
    return tender


@dataclass
class Journey:
    """One tender and the people around it; each step moves it to the next state."""

    app: Flask
    tender: Tender = field(default_factory=draft_tender)
    buyers: list[User] = field(
        default_factory=lambda: [factories.user_with_role(Role.BUYER) for _ in range(2)]
    )
    manager: User = field(default_factory=lambda: factories.user_with_role(Role.CONTRACT_MANAGER))
    asker: User = field(default_factory=lambda: factories.user_with_role(Role.PROVIDER_ADMIN))
    admitted: Organisation | None = None
    rejected: Organisation | None = None
    agreement: Agreement | None = None

    def publish(self) -> None:
        publication.publish_tender(self.tender, by=self.buyers[0], now=clock.now())
        db.session.commit()

    def rectify(self) -> None:
        publication.publish_rectification(
            self.tender,
            what="Perceel 2 omvat ook niveau 5.",
            why="Vraag 1 liet zien dat het onduidelijk was.",
            by=self.buyers[0],
            now=clock.now(),
        )
        stored = uploads.store(io.BytesIO(TINY_PDF + b"%v2"), "bestek-v2.pdf", allowed=uploads.DOCUMENT_TYPES)
        service.add_document(
            self.tender, stored, title="Bestek versie 2", by=self.buyers[0], rectification=True
        )
        db.session.commit()

    def nota(self) -> None:
        question = questions.ask_question(
            self.tender, user=self.asker, text="Geldt de VOG ook voor ZZP'ers?", now=clock.now()
        )
        questions.answer_question(question, answer="Ja.", by=self.buyers[0], now=clock.now())
        with self.app.test_request_context():
            questions.publish_nota(self.tender, by=self.buyers[0], now=clock.now())
        db.session.commit()

    def submit_bids(self) -> None:
        """Two providers submit (the deadline is not checked here: this is the sealed content)."""
        self.admitted = factories.OrganisationFactory(name="Zorg Toegelaten B.V.")
        self.rejected = factories.OrganisationFactory(name="Zorg Afgewezen B.V.")
        factories.admitted_provider(self.tender, self.admitted)
        factories.admitted_provider(self.tender, self.rejected, rejected_lots=tuple(self.tender.lots))

    def send_decisions(self) -> None:
        with self.app.test_request_context():
            deciding.send_decisions(self.tender, self.buyers[1], now=clock.now())
        db.session.commit()

    def contract(self) -> None:
        with self.app.test_request_context():
            self.agreement = agreements.generate_agreement(
                self.tender, self.admitted, now=clock.now(), user=self.manager
            )
            agreements.send_agreement(self.agreement, user=self.manager, now=clock.now())
        db.session.commit()

    def sign(self) -> None:
        signer = factories.user_with_role(Role.PROVIDER_ADMIN, self.admitted)
        agreements.accept_version(
            self.agreement,
            1,
            user=signer,
            name="Sam Tekenbevoegd",
            function="Directeur",
            ip=None,
            now=clock.now(),
        )
        agreements.record_signature(self.agreement, user=self.manager, now=clock.now())
        db.session.commit()

    def index(self) -> None:
        with self.app.test_request_context():
            amendments.index_tariffs(
                self.tender,
                Decimal("2.5"),
                clock.now().date(),
                user=self.manager,
                now=clock.now() + timedelta(seconds=1),
            )
        db.session.commit()


def get_json(client: FlaskClient, path: str) -> dict[str, Any]:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert response.headers["Content-Type"].startswith("application/json")
    return response.get_json()


def text_of(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False)
