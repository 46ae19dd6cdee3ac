"""Monitoring actions through the service: history, refusals, client stops in force, mails to the provider."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import ActionKind, ActionStatus, AgreementStatus, AuditEvent, OutgoingMail
from portal.monitoring import queries, service
from portal.monitoring.rules import MANAGER, PROVIDER, MonitoringRefused
from tests import factories
from tests.monitoring.helpers import action, contracted, manager, provider_admin

FEB = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)


def _lines(agreement, count: int = 1) -> list[tuple[int, int]]:
    municipalities, results = queries.stop_choices(agreement)
    return [(municipalities[0].id, result.id) for result in results[:count]]


def test_a_plan_goes_requested_submitted_rejected_submitted_accepted_with_its_history(app):
    agreement = contracted(AgreementStatus.ACTIVE)
    boss, admin = manager(), provider_admin(agreement)
    plan = action(agreement, ActionKind.IMPROVEMENT_PLAN, due_on=date(2027, 3, 1), now=FEB)
    service.take_step(plan, "submit", by=PROVIDER, user=admin, now=FEB, response="Eerste plan")
    service.take_step(plan, "reject", by=MANAGER, user=boss, now=FEB, note="Te vaag")
    service.take_step(plan, "submit", by=PROVIDER, user=admin, now=FEB, response="Tweede plan")
    service.take_step(plan, "accept", by=MANAGER, user=boss, now=FEB)
    db.session.commit()
    assert plan.status is ActionStatus.ACCEPTED
    assert plan.provider_response == "Tweede plan"
    history = queries.history(plan.id)
    assert [line.label for line in history] == [
        "Gevraagd",
        "Ingediend",
        "Afgewezen",
        "Ingediend",
        "Goedgekeurd",
    ]
    assert [line.note for line in history][2] == "Te vaag"
    steps = db.session.scalars(
        sa.select(AuditEvent.action).where(
            AuditEvent.action.startswith("monitoring."), AuditEvent.object_id == plan.id
        )
    ).all()
    assert steps.count("monitoring.step") == 4


def test_an_empty_plan_is_refused_and_nothing_changes(app):
    agreement = contracted(AgreementStatus.ACTIVE)
    plan = action(agreement, ActionKind.IMPROVEMENT_PLAN, due_on=date(2027, 3, 1), now=FEB)
    with pytest.raises(MonitoringRefused) as refused:
        service.take_step(plan, "submit", by=PROVIDER, user=None, now=FEB, response="  ")
    assert refused.value.field == "response"
    assert plan.status is ActionStatus.REQUESTED


def test_a_client_stop_is_in_force_from_its_first_day_until_lifted(app):
    agreement = contracted(AgreementStatus.ACTIVE)
    lines = _lines(agreement, count=2)
    stop = action(
        agreement,
        ActionKind.CLIENT_STOP,
        happens_on=date(2027, 2, 10),
        lines=lines,
        notes="Te weinig personeel",
        now=FEB,
    )
    assert queries.active_client_stops(now=FEB) == []
    in_force = datetime(2027, 2, 10, 8, 0, tzinfo=UTC)
    expected = sorted((agreement.organisation_id, m, r) for m, r in lines)
    assert queries.active_client_stops(now=in_force) == expected
    assert [line.result_code for line in queries.stops_of(agreement.organisation_id, date(2027, 2, 10))] == [
        "R1",
        "R2",
    ]
    service.take_step(stop, "lift", by=MANAGER, user=None, now=in_force)
    assert queries.active_client_stops(now=in_force) == []


def test_a_client_stop_naming_a_municipality_outside_the_contract_is_refused(app):
    agreement = contracted(AgreementStatus.ACTIVE)
    outsider = factories.MunicipalityFactory()
    _m, results = queries.stop_choices(agreement)
    new = service.NewAction(
        kind=ActionKind.CLIENT_STOP,
        title="Stop",
        happens_on=date(2027, 2, 1),
        lines=[(outsider.id, results[0].id)],
    )
    with pytest.raises(MonitoringRefused, match="uit de overeenkomst"):
        service.create_action(agreement.organisation, new, user=None, now=FEB)


def test_a_requested_plan_and_a_stop_are_mailed_to_the_provider_admins_once(app):
    agreement = contracted(AgreementStatus.ACTIVE)
    admin = provider_admin(agreement)
    factories.user_with_role(factories.Role.PROVIDER_MEMBER, agreement.organisation)
    action(agreement, ActionKind.IMPROVEMENT_PLAN, due_on=date(2027, 3, 1), now=FEB)
    action(agreement, ActionKind.ACCOUNT_MEETING, happens_on=date(2027, 3, 1), now=FEB)  # not mailed
    recipients = db.session.scalars(sa.select(OutgoingMail.recipient)).all()
    assert recipients == [admin.email]


def test_the_monitoring_list_counts_open_actions_and_stops_per_admitted_provider(app):
    agreement = contracted(AgreementStatus.ACTIVE)
    rejected = factories.tender_with_matrix()
    factories.admitted_provider(rejected, rejected_lots=tuple(rejected.lots))  # rejected: not listed
    action(agreement, ActionKind.SIGNAL, now=FEB)
    action(agreement, ActionKind.CLIENT_STOP, happens_on=date(2027, 2, 1), lines=_lines(agreement), now=FEB)
    rows, total = queries.monitoring_list(queries.ListFilter(), date(2027, 2, 2))
    assert total == 1
    assert (rows[0].organisation_id, rows[0].open_actions, rows[0].stops) == (agreement.organisation_id, 2, 1)
    only_plans, none = queries.monitoring_list(
        queries.ListFilter(kind=ActionKind.IMPROVEMENT_PLAN), date(2027, 2, 2)
    )
    assert (only_plans, none) == ([], 0)
