"""The objects the monitoring routes need in the authorization matrix: a requested verbeterplan."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from portal.extensions import db
from portal.models import ActionKind
from portal.monitoring import service


def extend(world) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    new = service.NewAction(
        kind=ActionKind.IMPROVEMENT_PLAN, title="Dossiervorming", due_on=(now + timedelta(days=30)).date()
    )
    action = service.create_action(world.own_org, new, user=world.users["contract_manager"], now=now)
    db.session.commit()
    world.extra["monitoring_plan"] = action
