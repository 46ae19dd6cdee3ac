"""The provider admin's colleagues page: invitations, (de)activation, access requests, other organisations."""

from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.models import AccessRequest, OutgoingMail, Role, User
from tests import factories
from tests.accounts.helpers import count, link_in


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_colleagues_page_lists_only_the_own_organisation(client, auth):
    admin = auth.as_role(Role.PROVIDER_ADMIN)
    colleague = factories.UserFactory(roles=[Role.PROVIDER_MEMBER], organisation=admin.organisation)
    stranger = factories.user_with_role(Role.PROVIDER_MEMBER)
    page = _text(client.get("/organisatie/collegas"))
    assert colleague.email in page
    assert admin.email in page
    assert stranger.email not in page


def test_invited_colleague_sets_a_password_through_the_mailed_link_and_logs_in(
    app, client, auth, no_csrf, smtp_server
):
    admin = auth.as_role(Role.PROVIDER_ADMIN)
    response = client.post(
        "/organisatie/collegas/uitnodigen",
        data={"name": "Bas Bakker", "email": "Bas@Example.org", "role": "admin"},
    )
    assert response.status_code == 302
    bas = db.session.scalar(sa.select(User).where(User.email == "bas@example.org"))
    assert bas.organisation_id == admin.organisation_id
    assert bas.roles == {Role.PROVIDER_ADMIN}
    assert bas.password_hash is None
    [message] = smtp_server.messages
    link = link_in(smtp_server.body_of(message), "/uitnodiging/")
    newcomer = app.test_client()
    assert "kies uw wachtwoord" in _text(newcomer.get(link))
    response = newcomer.post(
        link, data={"password": "Hij-kiest-een-lange-zin", "confirm": "Hij-kiest-een-lange-zin"}
    )
    assert response.status_code == 302
    response = newcomer.post(
        "/inloggen", data={"email": "bas@example.org", "password": "Hij-kiest-een-lange-zin"}
    )
    assert response.status_code == 302
    assert newcomer.get("/account").status_code == 200


def test_inviting_an_address_that_has_an_account_is_refused_and_nothing_is_stored(client, auth, no_csrf):
    auth.as_role(Role.PROVIDER_ADMIN)
    existing = factories.UserFactory()
    before = (count(User), count(OutgoingMail))
    response = client.post(
        "/organisatie/collegas/uitnodigen", data={"name": "X", "email": existing.email, "role": "member"}
    )
    assert response.status_code == 422
    assert "Dit e-mailadres heeft al een account." in _text(response)
    assert (count(User), count(OutgoingMail)) == before


def test_deactivated_colleague_loses_his_session_and_can_be_reactivated(app, client, auth, no_csrf):
    admin = auth.as_role(Role.PROVIDER_ADMIN)
    member = factories.UserFactory(roles=[Role.PROVIDER_MEMBER], organisation=admin.organisation)
    member_client = app.test_client()
    member_client.post("/inloggen", data={"email": member.email, "password": factories.PASSWORD})
    assert member_client.get("/account").status_code == 200
    assert client.post(f"/organisatie/collegas/{member.id}/deactiveren").status_code == 302
    db.session.refresh(member)
    assert not member.is_active
    assert member_client.get("/account").status_code == 302
    assert client.post(f"/organisatie/collegas/{member.id}/activeren").status_code == 302
    db.session.refresh(member)
    assert member.is_active


def test_the_only_admin_cannot_deactivate_himself(client, auth, no_csrf):
    admin = auth.as_role(Role.PROVIDER_ADMIN)
    response = client.post(f"/organisatie/collegas/{admin.id}/deactiveren")
    assert response.status_code == 422
    assert "U bent de enige beheerder van uw organisatie." in _text(response)
    db.session.refresh(admin)
    assert admin.is_active


def test_another_organisations_user_is_not_found_and_stays_active(client, auth, no_csrf):
    auth.as_role(Role.PROVIDER_ADMIN)
    stranger = factories.user_with_role(Role.PROVIDER_MEMBER)
    for action in ("deactiveren", "activeren"):
        assert client.post(f"/organisatie/collegas/{stranger.id}/{action}").status_code == 404
    db.session.refresh(stranger)
    assert stranger.is_active


def test_another_organisations_access_request_is_not_found_and_stays_open(client, auth, no_csrf):
    auth.as_role(Role.PROVIDER_ADMIN)
    other = factories.OrganisationFactory()
    request = AccessRequest(organisation_id=other.id, name="Cor", email="cor@example.org")
    db.session.add(request)
    db.session.commit()
    for action in ("toekennen", "weigeren"):
        assert client.post(f"/organisatie/toegangsverzoeken/{request.id}/{action}").status_code == 404
    db.session.refresh(request)
    assert request.handled_at is None
    assert count(User) == 1


def test_granting_an_access_request_invites_the_person(client, auth, no_csrf, smtp_server):
    admin = auth.as_role(Role.PROVIDER_ADMIN)
    request = AccessRequest(organisation_id=admin.organisation_id, name="Cor", email="cor@example.org")
    db.session.add(request)
    db.session.commit()
    assert "cor@example.org" in _text(client.get("/organisatie/collegas"))
    assert client.post(f"/organisatie/toegangsverzoeken/{request.id}/toekennen").status_code == 302
    cor = db.session.scalar(sa.select(User).where(User.email == "cor@example.org"))
    assert cor.roles == {Role.PROVIDER_MEMBER}
    assert cor.organisation_id == admin.organisation_id
    assert [m["To"] for m in smtp_server.messages] == ["cor@example.org"]
    assert "/uitnodiging/" in smtp_server.body_of(smtp_server.messages[0])
    again = client.post(f"/organisatie/toegangsverzoeken/{request.id}/weigeren")
    assert again.status_code == 422
    assert "al afgehandeld" in _text(again)
