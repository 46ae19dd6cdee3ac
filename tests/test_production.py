"""Production refuses to start without what it needs, and names its session cookie `__Host-`.

PORTAL_ENV=production: MAIL_SERVER (else no reset mail ever leaves), REDIS_URL (log-in limits must hold
across web processes), a SECRET_KEY of at least 32 bytes that is no well-known placeholder.
"""

from __future__ import annotations

import secrets

import pytest

from config import DevelopmentConfig, ProductionConfig, TestConfig, config_from_environment
from portal import create_app

GOOD_KEY = secrets.token_hex(32)


@pytest.fixture
def production_env(monkeypatch, tmp_path):
    environment = {
        "PORTAL_ENV": "production",
        "SECRET_KEY": GOOD_KEY,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite'}",
        "MAIL_SERVER": "smtp.example.org",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_production_starts_with_everything_set(production_env):
    config = ProductionConfig()
    assert config.MAIL_SERVER == "smtp.example.org"
    assert config.RATELIMIT_STORAGE_URI == "redis://127.0.0.1:6379/0"


@pytest.mark.parametrize("name", ["MAIL_SERVER", "REDIS_URL", "SECRET_KEY", "DATABASE_URL"])
def test_production_refuses_to_start_without(production_env, name):
    production_env.delenv(name)
    with pytest.raises(RuntimeError, match=f"{name} is not set"):
        config_from_environment()


@pytest.mark.parametrize(
    "key",
    [
        "change-me",
        "changeme",
        "secret",
        "dev",
        "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5",  # 30 bytes: too short however random
        "change-me-to-a-long-random-string-in-production",
        "test-secret-key-not-for-production-at-all-ever",
        "your-secret-key-goes-here-0123456789abcdef",
        "x" * 64,
        "0123012301230123012301230123012301230123",
    ],
)
def test_production_refuses_a_short_or_well_known_secret_key(production_env, key):
    production_env.setenv("SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        config_from_environment()


def test_development_keeps_the_log_and_the_in_memory_store(monkeypatch):
    for name in ("PORTAL_ENV", "MAIL_SERVER", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    assert config_from_environment() is DevelopmentConfig
    assert TestConfig.RATELIMIT_STORAGE_URI == "memory://"


def test_production_session_cookie_has_the_host_prefix_secure_path_and_no_domain(production_env):
    app = create_app(ProductionConfig())
    response = app.test_client().get("/inloggen", base_url="https://inkoop.example.org")
    assert response.status_code == 200
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if "session" in c]
    assert cookie.startswith("__Host-session=")
    attributes = [part.strip().lower() for part in cookie.split(";")[1:]]
    assert "secure" in attributes
    assert "path=/" in attributes
    assert not any(a.startswith("domain=") for a in attributes)
    assert app.config["REMEMBER_COOKIE_NAME"].startswith("__Host-")
