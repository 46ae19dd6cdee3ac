"""`flask bench-data`'s monitoring step: dossiers, monitoring actions and half-yearly reports for every
admitted provider of the bench tender, through this feature's own services (issue 15).

Deterministic from the bench generator. Per provider: the three dossier documents (about one in eight
expired, some expiring within 60 days), zero to four actions of every kind in several states, and the
last half-year's report for four in five. Cliëntenstops need a contract to name its municipalities and
results, so they are made only when bench-data numbered the contracts (not under --no-contracts).
"""

from __future__ import annotations

import io
import random
from datetime import datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from portal import clock
from portal.extensions import db
from portal.models import ActionKind, DocumentKind, Organisation, User
from portal.monitoring import dossier, indicators, queries, reports, service
from portal.monitoring.rules import MANAGER, PROVIDER

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# How often each kind occurs: conversations and signals often, measures rarely, an ending very rarely.
WEIGHTS = {
    ActionKind.ACCOUNT_MEETING: 40,
    ActionKind.SIGNAL: 25,
    ActionKind.IMPROVEMENT_PLAN: 20,
    ActionKind.CLIENT_STOP: 8,
    ActionKind.SUSPENSION: 2,
    ActionKind.TERMINATION: 0.5,
    ActionKind.INTERIM_EVALUATION: 15,
    ActionKind.FINAL_EVALUATION: 5,
}


def build(contract_manager_id: int, rng: random.Random) -> int:
    """Everything for each admitted provider; returns how many providers got it."""
    manager = db.session.get(User, contract_manager_id)
    now = clock.now()
    organisation_ids = list(
        db.session.scalars(queries.admitted_ids().distinct().order_by(sa.column("organisation_id")))
    )
    for n, organisation_id in enumerate(organisation_ids):
        organisation = db.session.get_one(Organisation, organisation_id)
        _dossier(organisation_id, now, rng)
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4))):
            _action(organisation, rng.choices(list(WEIGHTS), list(WEIGHTS.values()))[0], manager, now, rng)
        if rng.random() < 0.8:
            _report(organisation_id, now, rng)
        if n % 25 == 24:
            db.session.flush()
            db.session.expunge_all()
            manager = db.session.get(User, contract_manager_id)
    return len(organisation_ids)


def _dossier(organisation_id: int, now: datetime, rng: random.Random) -> None:
    for kind in DocumentKind:
        expires_on = (now + timedelta(days=rng.choice((-20, 30, 50, 200, 400, 700, 900, 1000)))).date()
        uploaded = min(
            now, datetime.combine(expires_on, datetime.min.time(), now.tzinfo) - timedelta(days=365)
        )
        dossier.upload_document(
            organisation_id, kind, expires_on, io.BytesIO(PDF), f"{kind.value}.pdf", user=None, now=uploaded
        )


def _action(
    organisation: Organisation, kind: ActionKind, manager: User | None, now: datetime, rng: random.Random
) -> None:
    today = clock.to_local(now).date()
    lines = _stop_lines(organisation.id, rng) if kind is ActionKind.CLIENT_STOP else []
    if kind is ActionKind.CLIENT_STOP and not lines:
        return
    new = service.NewAction(
        kind=kind,
        title=f"{kind.label} {today.year}",
        notes="Aanleiding: signaal van de toegang." if kind is ActionKind.SIGNAL else "",
        happens_on=today - timedelta(days=rng.randint(0, 90)),
        due_on=today + timedelta(days=rng.randint(7, 60))
        if kind in (ActionKind.IMPROVEMENT_PLAN, ActionKind.TERMINATION)
        else None,
        lines=lines,
    )
    action = service.create_action(organisation, new, user=manager, now=now)
    if kind is ActionKind.IMPROVEMENT_PLAN and rng.random() < 0.5:
        service.take_step(action, "submit", by=PROVIDER, user=None, now=now, response="Ons plan van aanpak.")
    elif kind in (ActionKind.ACCOUNT_MEETING, ActionKind.SIGNAL) and rng.random() < 0.6:
        service.take_step(
            action,
            "hold" if kind is ActionKind.ACCOUNT_MEETING else "close",
            by=MANAGER,
            user=manager,
            now=now,
        )


def _stop_lines(organisation_id: int, rng: random.Random) -> list[tuple[int, int]]:
    municipalities, results = queries.stop_choices(queries.current_agreement(organisation_id))
    if not municipalities or not results:
        return []
    return [
        (m.id, r.id) for m in rng.sample(municipalities, 1) for r in rng.sample(results, min(2, len(results)))
    ]


def _report(organisation_id: int, now: datetime, rng: random.Random) -> None:
    values: dict[str, Decimal | None] = {
        i.code: Decimal(rng.randint(i.minimum, min(i.maximum, 60))) for i in indicators.INDICATORS
    }
    reports.submit_report(organisation_id, values, "Toelichting bij de cijfers.", user=None, now=now)
