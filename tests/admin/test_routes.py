"""The functional administrator's pages: users, staff accounts, roles, the audit trail."""

from __future__ import annotations

import sqlalchemy as sa

from portal import audit
from portal.extensions import db
from portal.models import AuditEvent, AuditOutcome, OutgoingMail, Role, User
from tests import factories
from tests.accounts.helpers import count, link_in


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_user_list_filters_on_name_role_kind_and_status(client, auth):
    auth.as_role(Role.ADMIN)
    buyer = factories.UserFactory(name="Ineke Inkoper", roles=[Role.BUYER])
    provider = factories.user_with_role(Role.PROVIDER_MEMBER)
    gone = factories.UserFactory(name="Oud Account", roles=[Role.VIEWER], is_active=False)
    page = _text(client.get("/beheer/gebruikers?q=ineke"))
    assert buyer.email in page
    assert provider.email not in page
    page = _text(client.get("/beheer/gebruikers?role=buyer"))
    assert buyer.email in page
    assert provider.email not in page
    page = _text(client.get("/beheer/gebruikers?kind=provider"))
    assert provider.email in page
    assert buyer.email not in page
    page = _text(client.get("/beheer/gebruikers?status=inactive"))
    assert gone.email in page
    assert buyer.email not in page


def test_admin_creates_a_staff_user_who_chooses_a_password_through_the_mail(
    app, client, auth, no_csrf, smtp_server
):
    auth.as_role(Role.ADMIN)
    response = client.post(
        "/beheer/gebruikers/nieuw",
        data={
            "name": "Carla Contract",
            "email": "carla@nmd.example",
            "roles": ["contract_manager", "viewer"],
        },
    )
    assert response.status_code == 302
    carla = db.session.scalar(sa.select(User).where(User.email == "carla@nmd.example"))
    assert carla.roles == {Role.CONTRACT_MANAGER, Role.VIEWER}
    assert carla.organisation_id is None
    link = link_in(smtp_server.body_of(smtp_server.messages[0]), "/uitnodiging/")
    carla_client = app.test_client()
    carla_client.post(
        link, data={"password": "Haar-eigen-zin-van-1-dag", "confirm": "Haar-eigen-zin-van-1-dag"}
    )
    response = carla_client.post(
        "/inloggen", data={"email": "carla@nmd.example", "password": "Haar-eigen-zin-van-1-dag"}
    )
    assert response.status_code == 302


def test_staff_user_cannot_get_a_provider_role_nor_no_role_and_nothing_is_stored(client, auth, no_csrf):
    auth.as_role(Role.ADMIN)
    before = (count(User), count(OutgoingMail))
    for roles in (["provider_admin"], []):
        response = client.post(
            "/beheer/gebruikers/nieuw", data={"name": "X", "email": "x@nmd.example", "roles": roles}
        )
        assert response.status_code == 422
    assert "Kies minstens één rol." in _text(response)
    assert (count(User), count(OutgoingMail)) == before


def test_admin_changes_roles_of_a_staff_user(client, auth, no_csrf):
    auth.as_role(Role.ADMIN)
    buyer = factories.UserFactory(roles=[Role.BUYER])
    response = client.post(f"/beheer/gebruikers/{buyer.id}", data={"roles": ["assessor", "buyer"]})
    assert response.status_code == 302
    db.session.refresh(buyer)
    assert buyer.roles == {Role.BUYER, Role.ASSESSOR}
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "admin.change_roles")).one()
    assert event.detail == {"before": "buyer", "after": "assessor,buyer"}


def test_admin_cannot_remove_his_own_admin_role(client, auth, no_csrf):
    admin = auth.as_role(Role.ADMIN)
    response = client.post(f"/beheer/gebruikers/{admin.id}", data={"roles": ["buyer"]})
    assert response.status_code == 422
    assert "U kunt uw eigen rol als functioneel beheerder niet weghalen." in _text(response)
    db.session.refresh(admin)
    assert admin.roles == {Role.ADMIN}


def test_admin_deactivates_and_reactivates_but_not_himself(app, client, auth, no_csrf):
    admin = auth.as_role(Role.ADMIN)
    buyer = factories.UserFactory(roles=[Role.BUYER])
    assert client.post(f"/beheer/gebruikers/{buyer.id}/deactiveren").status_code == 302
    db.session.refresh(buyer)
    assert not buyer.is_active
    assert (
        app.test_client()
        .post("/inloggen", data={"email": buyer.email, "password": factories.PASSWORD})
        .status_code
        == 422
    )
    assert client.post(f"/beheer/gebruikers/{buyer.id}/activeren").status_code == 302
    db.session.refresh(buyer)
    assert buyer.is_active
    refused = client.post(f"/beheer/gebruikers/{admin.id}/deactiveren")
    assert refused.status_code == 422
    assert "U kunt uw eigen account niet uitzetten." in _text(refused)
    db.session.refresh(admin)
    assert admin.is_active


def test_unknown_user_id_is_not_found(client, auth, no_csrf):
    auth.as_role(Role.ADMIN)
    assert client.get("/beheer/gebruikers/999999").status_code == 404
    assert client.post("/beheer/gebruikers/999999/deactiveren").status_code == 404


def test_audit_page_filters_on_action_and_outcome(client, auth, no_csrf):
    auth.as_role(Role.ADMIN)
    provider_client_user = factories.user_with_role(Role.PROVIDER_MEMBER)

    audit.record("accounts.login", provider_client_user, actor=provider_client_user)
    # a staff member's refused attempt; a provider's bid event is sealed (tests/test_sealed_period.py)
    audit.record("bids.view", None, actor=factories.user_with_role(Role.BUYER), outcome=AuditOutcome.REFUSED)
    db.session.commit()
    page = _text(client.get("/beheer/audit?action=accounts.&outcome=allowed"))
    assert "<code>accounts.login</code>" in page
    assert "<code>bids.view</code>" not in page
    assert provider_client_user.email in page
    page = _text(client.get("/beheer/audit?outcome=refused"))
    assert "<code>bids.view</code>" in page
    assert "<code>accounts.login</code>" not in page
    assert "Geen gebeurtenissen gevonden." in _text(client.get("/beheer/audit?action=nothing.like.this"))


def test_a_provider_cannot_see_the_audit_trail_and_the_refusal_is_recorded(client, auth):
    auth.as_role(Role.PROVIDER_ADMIN)
    assert client.get("/beheer/audit").status_code == 403
    assert db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.action == "audit.view", AuditEvent.outcome == AuditOutcome.REFUSED
        )
    )
