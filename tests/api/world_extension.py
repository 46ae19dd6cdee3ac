"""The API's objects in the authorization matrix: a system token to revoke."""

from __future__ import annotations

from portal import clock
from portal.api import tokens
from portal.extensions import db


def extend(world) -> None:
    row, _token = tokens.create("Declaratiesysteem", by=world.users["admin"], now=clock.now())
    db.session.commit()
    world.extra["api_token"] = row
