"""The monitoring step of `flask bench-data`: every admitted provider gets its dossier, actions and reports."""

from __future__ import annotations

import random

import sqlalchemy as sa

from portal.extensions import db
from portal.models import AgreementStatus, DocumentKind, DossierDocument, IndicatorReport, Role
from portal.monitoring import benchdata
from tests import factories
from tests.monitoring.helpers import contracted


def test_every_admitted_provider_gets_a_full_dossier(app):
    agreements = [contracted(AgreementStatus.DRAFT) for _ in range(3)]
    manager = factories.user_with_role(Role.CONTRACT_MANAGER)
    assert benchdata.build(manager.id, random.Random(1)) == 3
    db.session.commit()
    per_provider = db.session.execute(
        sa.select(DossierDocument.organisation_id, sa.func.count(sa.distinct(DossierDocument.kind))).group_by(
            DossierDocument.organisation_id
        )
    ).all()
    assert sorted(per_provider) == sorted((a.organisation_id, len(DocumentKind)) for a in agreements)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IndicatorReport)) <= 3
