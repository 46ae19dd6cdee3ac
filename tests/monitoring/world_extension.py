"""The objects the monitoring routes need in the authorization matrix: a requested verbeterplan."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from portal.extensions import db
from portal.models import ActionKind, DocumentKind
from portal.monitoring import dossier, service

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def extend(world) -> None:
    now = datetime.now(UTC)
    new = service.NewAction(
        kind=ActionKind.IMPROVEMENT_PLAN, title="Dossiervorming", due_on=(now + timedelta(days=30)).date()
    )
    action = service.create_action(world.own_org, new, user=world.users["contract_manager"], now=now)
    db.session.commit()
    world.extra["monitoring_plan"] = action
    document = dossier.upload_document(
        world.own_org.id,
        DocumentKind.VOG,
        (now + timedelta(days=300)).date(),
        io.BytesIO(PDF),
        "vog.pdf",
        user=world.users["provider_admin"],
        now=now,
    )
    db.session.commit()
    world.extra["dossier_document"] = document
    attached = dossier.attach_document(action, io.BytesIO(PDF), "verslag.pdf", user=None, now=now)
    db.session.commit()
    world.extra["monitoring_document"] = attached
