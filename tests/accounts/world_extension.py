"""Objects the accounts routes need in the authorization matrix: an open access request of the own org."""

from __future__ import annotations

from portal.extensions import db
from portal.models import AccessRequest


def extend(world) -> None:
    request = AccessRequest(
        organisation_id=world.own_org.id, name="Nieuwe Collega", email="nieuw@example.org"
    )
    db.session.add(request)
    db.session.commit()
    world.extra["access_request"] = request
