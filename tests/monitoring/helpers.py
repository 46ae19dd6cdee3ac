"""Set-up shared by the monitoring tests: a contracted provider built by the agreements feature itself."""

from __future__ import annotations

from datetime import UTC, datetime

from portal.agreements import service as agreements
from portal.extensions import db
from portal.models import ActionKind, Agreement, AgreementStatus, MonitoringAction, Role, User
from portal.monitoring import service
from tests import factories

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # before the factories' contract start, 1 January 2027


def contracted(status: AgreementStatus = AgreementStatus.SIGNED) -> Agreement:
    """A provider admitted to a fresh tender, its contract (1 Jan 2027 - 31 Dec 2029) in `status`."""
    tender = factories.tender_with_matrix()
    organisation = factories.admitted_provider(tender)
    agreement = agreements.create_agreement(tender, organisation, now=NOW)
    agreement.status = status
    db.session.commit()
    return agreement


def manager() -> User:
    return factories.user_with_role(Role.CONTRACT_MANAGER)


def provider_admin(agreement: Agreement) -> User:
    return factories.user_with_role(Role.PROVIDER_ADMIN, agreement.organisation)


def action(
    agreement: Agreement, kind: ActionKind, *, now: datetime = NOW, **fields: object
) -> MonitoringAction:
    """An action recorded through the feature's own service, as the contract manager."""
    fields.setdefault("title", f"{kind.value} {agreement.number}")
    new = service.NewAction(kind=kind, **fields)  # type: ignore[arg-type]  # the fields of NewAction
    recorded = service.create_action(agreement.organisation, new, user=None, now=now)
    db.session.commit()
    return recorded
