"""The state changes of accounts, without HTTP: registration, links, passwords, colleagues."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from portal.accounts import colleagues, enrolment, service, tokens
from portal.accounts.passwords import verify_password
from portal.accounts.rules import ActionRefused, FieldRefused
from portal.extensions import db
from portal.models import AccessRequest, AuditEvent, Organisation, OutgoingMail, Role, User
from tests import factories
from tests.accounts.helpers import count, registration_data

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def _register(**overrides: str) -> User | None:
    return enrolment.register_provider(enrolment.Registration(**registration_data(**overrides)))


def test_registration_creates_organisation_and_unconfirmed_provider_admin_and_queues_the_mail(app):
    user = _register(agb_code="01234567", postcode="9401hs")
    organisation = db.session.get(Organisation, user.organisation_id)
    assert (organisation.kvk_number, organisation.agb_code, organisation.postcode) == (
        "12345678",
        "01234567",
        "9401 HS",
    )
    assert user.roles == {Role.PROVIDER_ADMIN}
    assert user.email_confirmed_at is None
    assert user.password_hash
    assert verify_password(user.password_hash, "Drie-lange-woorden-samen")
    queued = db.session.scalars(sa.select(OutgoingMail).where(OutgoingMail.recipient == user.email)).one()
    assert "http://localhost/bevestigen/" in queued.body_text


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kvk_number": "1234567"}, "kvk_number"),
        ({"agb_code": "12"}, "agb_code"),
        ({"postcode": "12345"}, "postcode"),
        ({"email": "geen-adres"}, "email"),
        ({"password": "te-kort", "confirm": "te-kort"}, "password"),
        ({"confirm": "iets-anders-dan-het-wachtwoord"}, "confirm"),
    ],
)
def test_registration_refusal_names_the_field_and_stores_nothing(app, overrides, field):
    before = (count(Organisation), count(User), count(OutgoingMail))
    with pytest.raises(FieldRefused) as refused:
        _register(**overrides)
    assert refused.value.field == field
    assert (count(Organisation), count(User), count(OutgoingMail)) == before


def test_registration_of_a_known_kvk_becomes_an_access_request_to_its_admins(app):
    admin = factories.user_with_role(Role.PROVIDER_ADMIN)
    admin.organisation.kvk_number = "87654321"
    before = (count(Organisation), count(User))
    assert _register(kvk_number="8765 4321") is None
    assert (count(Organisation), count(User)) == before
    request = db.session.scalars(sa.select(AccessRequest)).one()
    assert (request.organisation_id, request.email) == (admin.organisation_id, "anne@zorgopmaat.example")
    recipients = sorted(db.session.scalars(sa.select(OutgoingMail.recipient)))
    assert recipients == sorted([admin.email, "anne@zorgopmaat.example"])


def test_registration_with_an_email_that_has_an_account_mails_that_account_instead(app):
    factories.UserFactory(email="anne@zorgopmaat.example")
    before = (count(Organisation), count(User))
    assert _register(email="Anne@ZorgOpMaat.example") is None
    assert (count(Organisation), count(User)) == before
    queued = db.session.scalars(sa.select(OutgoingMail)).one()
    assert queued.recipient == "anne@zorgopmaat.example"
    assert "probeerde zojuist een organisatie aan te melden" in queued.body_text
    assert "/wachtwoord-vergeten" in queued.body_text


def test_confirmation_link_confirms_once_valid_and_is_refused_when_expired(app):
    user = _register()
    token = tokens.make(tokens.CONFIRM, user)
    with pytest.raises(tokens.TokenExpired):
        service.user_for_token(tokens.CONFIRM, token, max_age_seconds=-1)
    assert service.confirm_email(token, now=NOW).email_confirmed_at == NOW


def test_confirmation_link_expires_after_email_token_max_age(app):
    user = _register()
    with time_machine.travel(NOW, tick=False):
        token = tokens.make(tokens.CONFIRM, user)
    too_late = NOW + app.config["EMAIL_TOKEN_MAX_AGE"] + timedelta(seconds=1)
    with time_machine.travel(too_late, tick=False), pytest.raises(tokens.TokenExpired):
        service.confirm_email(token, now=NOW)
    with time_machine.travel(NOW + app.config["EMAIL_TOKEN_MAX_AGE"] - timedelta(minutes=1), tick=False):
        service.confirm_email(token, now=NOW)


def test_tampered_link_and_link_for_another_purpose_are_refused(app):
    user = factories.UserFactory()
    token = tokens.make(tokens.RESET, user)
    with pytest.raises(tokens.TokenInvalid):
        service.user_for_token(tokens.RESET, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    with pytest.raises(tokens.TokenInvalid):
        service.user_for_token(tokens.CONFIRM, token)


def test_reset_sets_the_password_ends_every_session_and_the_link_works_once(app):
    user = factories.UserFactory()
    old_session = user.session_token
    token = tokens.make(tokens.RESET, user)
    service.set_password_by_token(
        tokens.RESET, token, "Een-nieuw-wachtwoord-1", "Een-nieuw-wachtwoord-1", now=NOW
    )
    assert verify_password(user.password_hash, "Een-nieuw-wachtwoord-1")
    assert user.session_token != old_session
    assert user.password_changed_at == NOW
    with pytest.raises(tokens.TokenInvalid):
        service.user_for_token(tokens.RESET, token)


def test_reset_request_does_the_same_work_for_known_and_unknown_addresses(app):
    """One queued mail and one audit event either way: no early return that a stopwatch could see."""
    user = factories.UserFactory()
    for address in (user.email, "niemand@example.org"):
        mails, events = count(OutgoingMail), count(AuditEvent)
        assert service.request_password_reset(address) is None
        db.session.commit()  # audit events join the transaction at its commit
        assert (count(OutgoingMail), count(AuditEvent)) == (mails + 1, events + 1)
    bodies = dict(db.session.execute(sa.select(OutgoingMail.recipient, OutgoingMail.body_text)).all())
    assert "/wachtwoord-herstellen/" in bodies[user.email]
    assert "Bij dit adres hoort geen actief account." in bodies["niemand@example.org"]


def _mails_to(address: str) -> list[str]:
    return list(db.session.scalars(sa.select(OutgoingMail.subject).where(OutgoingMail.recipient == address)))


def test_every_password_change_and_reset_mails_the_account(app):
    user = factories.UserFactory()
    service.change_password(
        user, factories.PASSWORD, "Kraanvogels-boven-het-veen", "Kraanvogels-boven-het-veen", now=NOW
    )
    assert _mails_to(user.email) == ["Uw wachtwoord voor het Inkoopportaal Jeugd & Wmo is gewijzigd"]
    token = tokens.make(tokens.RESET, user)
    service.set_password_by_token(
        tokens.RESET, token, "Heide-en-schapen-bij-Ees", "Heide-en-schapen-bij-Ees", now=NOW
    )
    assert len(_mails_to(user.email)) == 2


def test_a_new_password_meets_the_rule_with_the_accounts_own_address_and_organisation(app):
    user = factories.user_with_role(Role.PROVIDER_ADMIN)
    user.email, user.organisation.name = "gerda.smit@hunzedal.example", "Stichting Hunzedal"
    for password, reason in [
        ("Gerda.Smit-kraanvogel-7", "e-mailadres"),
        ("Hunzedal-kraanvogel-77", "naam van uw organisatie"),
        ("Wachtwoord2027!", "te makkelijk te raden"),
        ("Kraanvogels boven het veen " * 5, "hoogstens 128 tekens"),
    ]:
        with pytest.raises(FieldRefused) as refused:
            service.change_password(user, factories.PASSWORD, password, password, now=NOW)
        assert reason in str(refused.value.message)
    assert _mails_to(user.email) == []


def test_seeded_accounts_meet_the_password_rule_too(app):
    with pytest.raises(FieldRefused):
        service.create_user(email="x@example.org", name="X", password="Welkom12345!", roles=[Role.BUYER])
    assert service.create_user(
        email="x@example.org", name="X", password="Demo-wachtwoord-2027", roles=[Role.BUYER]
    )


def test_password_change_needs_the_current_password(app):
    user = factories.UserFactory()
    token_before = user.session_token
    with pytest.raises(FieldRefused) as refused:
        service.change_password(user, "fout", "Een-nieuw-wachtwoord-1", "Een-nieuw-wachtwoord-1", now=NOW)
    assert refused.value.field == "current_password"
    assert user.session_token == token_before
    service.change_password(
        user, factories.PASSWORD, "Een-nieuw-wachtwoord-1", "Een-nieuw-wachtwoord-1", now=NOW
    )
    assert user.session_token != token_before


def test_invited_colleague_has_no_password_and_cannot_log_in_until_the_link_is_used(app):
    admin = factories.user_with_role(Role.PROVIDER_ADMIN)
    colleague = colleagues.invite_colleague(admin, name="Bas Bakker", email="bas@example.org", role="member")
    assert colleague.password_hash is None
    assert colleague.organisation_id == admin.organisation_id
    assert colleague.roles == {Role.PROVIDER_MEMBER}
    with pytest.raises(service.LoginRefused):
        service.authenticate("bas@example.org", "")
    token = tokens.make(tokens.INVITE, colleague)
    service.set_password_by_token(
        tokens.INVITE, token, "Zijn-eigen-fietsroute-7", "Zijn-eigen-fietsroute-7", now=NOW
    )
    assert service.authenticate("bas@example.org", "Zijn-eigen-fietsroute-7") == colleague


def test_the_last_active_admin_of_an_organisation_cannot_be_deactivated(app):
    admin = factories.user_with_role(Role.PROVIDER_ADMIN)
    with pytest.raises(ActionRefused):
        colleagues.set_colleague_active(admin, admin, False)
    assert admin.is_active
    second = factories.UserFactory(roles=[Role.PROVIDER_ADMIN], organisation=admin.organisation)
    colleagues.set_colleague_active(admin, second, False)
    assert not second.is_active


def test_deactivation_rotates_the_session_token(app):
    admin = factories.user_with_role(Role.PROVIDER_ADMIN)
    member = factories.UserFactory(roles=[Role.PROVIDER_MEMBER], organisation=admin.organisation)
    token = member.session_token
    colleagues.set_colleague_active(admin, member, False)
    assert member.session_token != token
    assert not member.is_active
    colleagues.set_colleague_active(admin, member, True)
    assert member.is_active


def test_access_request_mails_every_active_admin_of_that_organisation(app):
    admin = factories.user_with_role(Role.PROVIDER_ADMIN)
    factories.UserFactory(roles=[Role.PROVIDER_MEMBER], organisation=admin.organisation)
    request = colleagues.request_access(
        admin.organisation, name="Cor", email="cor@example.org", message="Hoi"
    )
    recipients = db.session.scalars(sa.select(OutgoingMail.recipient)).all()
    assert recipients == [admin.email]
    granted = colleagues.grant_access_request(admin, request, now=NOW)
    assert granted.roles == {Role.PROVIDER_MEMBER}
    assert request.granted is True
    with pytest.raises(ActionRefused):
        colleagues.refuse_access_request(admin, request, now=NOW)


def test_refused_access_request_is_kept_and_the_requester_is_told(app):
    admin = factories.user_with_role(Role.PROVIDER_ADMIN)
    request = colleagues.request_access(admin.organisation, name="Cor", email="cor@example.org", message="")
    colleagues.refuse_access_request(admin, request, now=NOW)
    assert db.session.get(AccessRequest, request.id).granted is False
    assert "cor@example.org" in db.session.scalars(sa.select(OutgoingMail.recipient)).all()


def test_audit_detail_of_registration_and_login_holds_no_password(app):
    _register()
    with pytest.raises(service.LoginRefused):
        service.authenticate("anne@zorgopmaat.example", "Drie-lange-woorden-samen")  # not yet confirmed
    for event in db.session.scalars(sa.select(AuditEvent)):
        assert "Drie-lange-woorden-samen" not in str(event.detail)


def test_reset_link_survives_a_log_out_elsewhere_but_not_a_deactivation(app):
    user = factories.UserFactory()
    token = tokens.make(tokens.RESET, user)
    user.session_token = "rotated-by-a-log-out-" + "x" * 20
    assert service.user_for_token(tokens.RESET, token) == user
    user.is_active = False
    with pytest.raises(tokens.TokenInvalid):
        service.user_for_token(tokens.RESET, token)
