"""Reads the start pages need."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Role, Tender, TenderStatus


@dataclass
class StartPage:
    roles: list[Role]
    organisation_name: str | None
    tenders: list[Tender] = field(default_factory=list)


def published_tenders() -> list[Tender]:
    return list(
        db.session.scalars(
            sa.select(Tender)
            .where(Tender.status == TenderStatus.PUBLISHED)
            .order_by(Tender.publication_at.desc())
        )
    )


def start_page(user: Any) -> StartPage:
    roles = sorted(user.roles, key=lambda r: list(Role).index(r))
    organisation = user.organisation.name if user.organisation is not None else None
    return StartPage(roles=roles, organisation_name=organisation, tenders=published_tenders())
