"""Objects the tender routes need in the authorization matrix: a complete draft, a document, a Nota."""

from __future__ import annotations

import io

from portal import uploads
from portal.extensions import db
from portal.models import Question
from portal.tenders import questions, service
from tests.tenders.helpers import complete_draft

TINY_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def extend(world) -> None:
    draft = complete_draft(municipalities=list(world.tender.municipalities))
    stored = uploads.store(io.BytesIO(TINY_PDF), "bestek.pdf", allowed=uploads.DOCUMENT_TYPES)
    document = service.add_document(world.tender, stored, title="Bestek", rectification=True)
    asker = world.users["provider_admin"]
    question = Question(
        tender_id=world.tender.id,
        organisation_id=asker.organisation_id,
        asked_by_id=asker.id,
        text="Geldt de VOG ook voor vrijwilligers?",
        answer="Ja.",
    )
    open_question = Question(
        tender_id=world.tender.id, organisation_id=asker.organisation_id, text="Nog een vraag?"
    )
    db.session.add_all([question, open_question])
    db.session.flush()
    nota = questions.publish_nota(world.tender, by=None, now=world.tender.published_at)
    db.session.commit()
    world.extra.update(
        draft_tender=draft,
        document=document,
        nota=nota,
        open_question=open_question,
        draft_lot=draft.lots[0],
        draft_requirement=draft.requirements[0],
        draft_criterion=draft.criteria[0],
    )
