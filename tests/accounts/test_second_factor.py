"""The second factor (issue 18): TOTP at log-in for staff, optional for providers, recovery codes,
the reset by an administrator, and the code asked again before a sensitive action."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

import pyotp
import sqlalchemy as sa
import time_machine

from portal.accounts import factor_service, totp
from portal.accounts.second_factor import VERIFIED_AT
from portal.extensions import db
from portal.models import AuditEvent, RecoveryCode, Role, SecondFactor
from tests import factories, second_factor
from tests.accounts.helpers import count

START = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def _password(client, user):
    return client.post("/inloggen", data={"email": user.email, "password": factories.PASSWORD})


def _code(client, code: str, next_url: str = ""):
    return client.post("/inloggen/code" + (f"?next={next_url}" if next_url else ""), data={"code": code})


def _logged_in(client) -> bool:
    return client.get("/account").status_code == 200


def _actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_staff_without_a_factor_sets_one_up_after_the_password_and_sees_ten_codes_once(client, no_csrf):
    buyer = factories.UserFactory(roles=[Role.BUYER])
    response = _password(client, buyer)
    assert response.headers["Location"].endswith("/account/tweede-factor")
    assert not _logged_in(client)  # the password alone logs nobody in
    page = client.get("/account/tweede-factor").get_data(True)
    assert re.search(r'<img src="data:image/svg\+xml', page)
    secret = factor_service.factor_of(buyer).secret
    assert " ".join(secret[i : i + 4] for i in range(0, 32, 4)) in page
    assert client.post("/account/tweede-factor", data={"code": "123456"}).status_code == 422
    assert factor_service.factor_of(buyer).secret == secret  # a wrong code keeps the QR code shown
    done = client.post("/account/tweede-factor", data={"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<code>([a-z0-9-]{19})</code>", done.get_data(True))
    assert done.status_code == 200
    assert len(set(codes)) == 10
    stored = list(
        db.session.scalars(sa.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == buyer.id))
    )
    assert len(stored) == 10
    assert not any(code in hashed or code.replace("-", "") in hashed for code in codes for hashed in stored)
    assert _logged_in(client)
    assert "accounts.second_factor_enrol" in _actions()
    assert client.get("/account/tweede-factor").headers["Location"].endswith("/account")  # never again


def test_staff_with_a_factor_gives_the_code_after_the_password_and_a_code_works_only_once(client, no_csrf):
    assessor = factories.UserFactory(roles=[Role.ASSESSOR])
    with time_machine.travel(START, tick=False):
        secret = second_factor.enrol(assessor)
        assert _password(client, assessor).headers["Location"].endswith("/inloggen/code")
        assert not _logged_in(client)
        wrong = _code(client, "000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
        assert wrong.status_code == 422
        assert "Deze code klopt niet of is al gebruikt." in wrong.get_data(True)
        code = pyotp.TOTP(secret).now()
        ok = _code(client, code)
        assert ok.headers["Location"].endswith("/")
        assert _logged_in(client)
        client.post("/uitloggen")
        _password(client, assessor)
        assert _code(client, code).status_code == 422  # the same code again: refused (replay)
        assert not _logged_in(client)


def test_a_code_from_another_secret_or_too_old_is_refused_and_a_drift_of_one_step_is_not():
    secret, other = totp.new_secret(), totp.new_secret()
    step = totp.step_at(START)
    assert totp.matching_step(secret, pyotp.TOTP(other).at(START), now=START, after=0) is None
    assert totp.matching_step(secret, totp_code(secret, step - 2), now=START, after=0) is None
    assert totp.matching_step(secret, totp_code(secret, step - 1), now=START, after=0) == step - 1
    assert totp.matching_step(secret, totp_code(secret, step + 1), now=START, after=0) == step + 1
    assert totp.matching_step(secret, totp_code(secret, step), now=START, after=step) is None
    assert totp.matching_step(secret, "12345a", now=START, after=0) is None


def totp_code(secret: str, step: int) -> str:
    return pyotp.TOTP(secret).generate_otp(step)


def test_a_recovery_code_logs_in_once(client, no_csrf):
    viewer = factories.UserFactory(roles=[Role.VIEWER])
    second_factor.enrol(viewer)
    codes = factor_service.new_recovery_codes(viewer)
    db.session.commit()
    _password(client, viewer)
    response = _code(client, codes[3].upper().replace("-", " "))
    assert response.status_code == 302
    assert _logged_in(client)
    assert "accounts.recovery_code_used" in _actions()
    assert factor_service.unused_recovery_codes(viewer) == 9
    client.post("/uitloggen")
    _password(client, viewer)
    assert _code(client, codes[3]).status_code == 422


def test_wrong_codes_in_a_row_slow_the_account_down(client, no_csrf):
    admin = factories.UserFactory(roles=[Role.ADMIN])
    with time_machine.travel(START, tick=False):
        secret = second_factor.enrol(admin)
        _password(client, admin)
        right = pyotp.TOTP(secret).now()
        wrong = next(c for c in ("000000", "111111") if c != right)
        for _ in range(5):
            assert _code(client, wrong).status_code == 422
        slowed = _code(client, right)
        assert slowed.status_code == 429
        assert "Te vaak een verkeerde code." in slowed.get_data(True)
        assert not _logged_in(client)


def test_the_password_step_expires_after_five_minutes(client, no_csrf):
    buyer = factories.UserFactory(roles=[Role.BUYER])
    with time_machine.travel(START, tick=False) as traveller:
        secret = second_factor.enrol(buyer)
        _password(client, buyer)
        traveller.shift(timedelta(minutes=6))
        response = _code(client, pyotp.TOTP(secret).now())
        assert response.headers["Location"].endswith("/inloggen")
        assert not _logged_in(client)


def test_a_provider_logs_in_without_a_factor_and_may_set_one_up_which_is_then_asked(client, no_csrf):
    member = factories.user_with_role(Role.PROVIDER_MEMBER)
    assert _password(client, member).headers["Location"].endswith("/")
    assert "Tweede factor instellen" in client.get("/account").get_data(True)
    client.get("/account/tweede-factor")
    secret = factor_service.factor_of(member).secret
    assert client.post("/account/tweede-factor", data={"code": pyotp.TOTP(secret).now()}).status_code == 200
    assert "10 ongebruikte herstelcodes" in client.get("/account").get_data(True)
    client.post("/uitloggen")
    assert _password(client, member).headers["Location"].endswith("/inloggen/code")


def test_a_staff_session_without_the_factor_ends(client):
    buyer = factories.UserFactory(roles=[Role.BUYER])
    now = datetime.now(UTC).timestamp()
    with client.session_transaction() as session:
        session.update({"_user_id": buyer.session_token, "_fresh": True, "_started_at": now, "_seen_at": now})
    response = client.get("/account")
    assert response.headers["Location"].endswith("/inloggen")
    assert not _logged_in(client)


def _age_factor(client, minutes: int) -> None:
    with client.session_transaction() as session:
        session[VERIFIED_AT] = datetime.now(UTC).timestamp() - minutes * 60


def test_changing_roles_asks_the_code_again_after_fifteen_minutes(client, auth, no_csrf):
    admin = auth.as_role(Role.ADMIN)
    buyer = factories.UserFactory(roles=[Role.BUYER])
    _age_factor(client, 16)
    page = f"/beheer/gebruikers/{buyer.id}"
    asked = client.post(page, data={"roles": ["assessor"]}, headers={"Referer": f"http://localhost{page}"})
    assert unquote(asked.headers["Location"]).endswith(f"/inloggen/code?next={page}")
    db.session.refresh(buyer)
    assert buyer.roles == {Role.BUYER}  # nothing changed
    assert "Voor deze handeling vragen wij uw code opnieuw" in client.get("/inloggen/code").get_data(True)
    back = _code(client, second_factor.next_code(admin), next_url=page)
    assert back.headers["Location"].endswith(page)
    assert client.post(page, data={"roles": ["assessor"]}).status_code == 302
    db.session.refresh(buyer)
    assert buyer.roles == {Role.ASSESSOR}


def test_within_fifteen_minutes_a_sensitive_action_is_not_interrupted(client, auth, no_csrf):
    auth.as_role(Role.ADMIN)
    buyer = factories.UserFactory(roles=[Role.BUYER])
    _age_factor(client, 14)
    assert client.post(f"/beheer/gebruikers/{buyer.id}", data={"roles": ["viewer"]}).status_code == 302


def test_an_administrator_removes_a_lost_factor_the_user_hears_of_it_and_sets_up_a_new_one(
    client, auth, no_csrf, smtp_server
):
    buyer = factories.UserFactory(roles=[Role.BUYER])
    second_factor.enrol(buyer)
    old_token = buyer.session_token
    auth.as_role(Role.ADMIN)
    response = client.post(f"/beheer/gebruikers/{buyer.id}/tweede-factor/verwijderen")
    assert response.headers["Location"].endswith(f"/beheer/gebruikers/{buyer.id}")
    db.session.refresh(buyer)
    assert buyer.session_token != old_token  # every session of the user ended
    assert count(SecondFactor) == 1  # only the admin's own
    assert (
        db.session.scalar(sa.select(sa.func.count(RecoveryCode.id)).where(RecoveryCode.user_id == buyer.id))
        == 0
    )
    assert "accounts.second_factor_reset" in _actions()
    mail = smtp_server.messages[-1]
    assert mail["To"] == buyer.email
    assert "tweede factor" in smtp_server.body_of(mail)
    auth.logout()
    assert _password(client, buyer).headers["Location"].endswith("/account/tweede-factor")


def test_only_an_administrator_removes_a_factor(client, auth, no_csrf):
    buyer = factories.UserFactory(roles=[Role.BUYER])
    second_factor.enrol(buyer)
    auth.as_role(Role.BUYER)
    assert client.post(f"/beheer/gebruikers/{buyer.id}/tweede-factor/verwijderen").status_code == 403
    assert factor_service.has_factor(buyer)
