"""Configuration classes. Every setting comes from an environment variable with a safe default.

Production has no default for secrets and refuses to start without them.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", BASE_DIR / "instance"))


def instance_secret_key() -> str:
    """A random key generated once into instance/, so `make run` needs no secret set by hand.

    Only development and test use it; production refuses to start without SECRET_KEY.
    """
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")  # development: generated into instance/ by create_app
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'portal.sqlite'}")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "25")) * 1024 * 1024
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")  # empty: mail is written to the log
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Inkoopportaal NMD <noreply@inkoop-nmd.nl>")
    # The daily head hash of the audit trail goes here (someone outside the portal's administrators).
    AUDIT_HEAD_RECIPIENT = os.environ.get("AUDIT_HEAD_RECIPIENT", "")
    REDIS_URL = os.environ.get("REDIS_URL", "")
    # Where work after the commit runs (portal/background.py): "rq", "thread" or "inline"; empty: RQ when
    # REDIS_URL is set (worker.py works the queues), else a thread of the web process; inline in tests.
    BACKGROUND_JOBS = os.environ.get("BACKGROUND_JOBS", "")
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes")
    LOGIN_LIMIT_PER_IP = os.environ.get("LOGIN_LIMIT_PER_IP", "20 per 15 minutes")
    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    LANGUAGES = ("nl", "en")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
    # Sensitive actions (opening bids, approving and sending decisions, contracts, roles) ask the second
    # factor again when it was last given longer ago than this (accounts/second_factor.py).
    SECOND_FACTOR_RECENT = timedelta(minutes=15)
    SECOND_FACTOR_ISSUER = "Inkoopportaal Jeugd & Wmo"  # the name the authenticator app shows
    # Business log-in through an eHerkenning broker (OpenID Connect, accounts/broker.py). Without an
    # issuer there is no broker: providers log in with their password only.
    EHERKENNING_ISSUER = os.environ.get("EHERKENNING_ISSUER", "")
    EHERKENNING_CLIENT_ID = os.environ.get("EHERKENNING_CLIENT_ID", "")
    EHERKENNING_CLIENT_SECRET = os.environ.get("EHERKENNING_CLIENT_SECRET", "")
    EHERKENNING_MIN_LEVEL = os.environ.get("EHERKENNING_MIN_LEVEL", "EH2+")  # EH1, EH2, EH2+, EH3, EH4
    EHERKENNING_KVK_CLAIM = os.environ.get(
        "EHERKENNING_KVK_CLAIM", "urn:etoegang:1.9:EntityConcernedID:KvKnr"
    )
    EHERKENNING_BRANCH_CLAIM = os.environ.get(
        "EHERKENNING_BRANCH_CLAIM", "urn:etoegang:1.9:ServiceRestriction:Vestigingsnr"
    )
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    EMAIL_TOKEN_MAX_AGE = timedelta(hours=48)
    PASSWORD_RESET_MAX_AGE = timedelta(hours=1)
    WTF_CSRF_TIME_LIMIT = None  # the session's own time-outs bound a form's life
    PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:5000")
    EMAIL_CHECK_DELIVERABILITY = False
    # Evidence uploads per provider organisation (issue 12, point 11): stored files per hour, stored
    # megabytes in all, and how long a file attached to no answer is kept before uploads-cleanup removes it.
    UPLOAD_RATE_PER_HOUR = int(os.environ.get("UPLOAD_RATE_PER_HOUR", "60"))
    UPLOAD_QUOTA_MB = int(os.environ.get("UPLOAD_QUOTA_MB", "500"))
    UNATTACHED_EVIDENCE_KEPT = timedelta(hours=int(os.environ.get("UNATTACHED_EVIDENCE_KEPT_HOURS", "24")))
    # Virus scanner (issue 18): VIRUS_SCANNER is "module:callable"; unset, only the EICAR test string is
    # refused (development, tests). Production uses ClamAV (portal.clamav:scan): clamd over TCP when
    # CLAMD_HOST is set, else over the UNIX socket CLAMD_SOCKET; CLAMD_TIMEOUT seconds per call.
    VIRUS_SCANNER = os.environ.get("VIRUS_SCANNER") or None
    CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "/run/clamav/clamd.ctl")
    CLAMD_HOST = os.environ.get("CLAMD_HOST", "")
    CLAMD_PORT = int(os.environ.get("CLAMD_PORT", "3310"))
    CLAMD_TIMEOUT = float(os.environ.get("CLAMD_TIMEOUT", "30"))


class DevelopmentConfig(Config):
    DEBUG = os.environ.get("FLASK_DEBUG") == "1"


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105 - fixed key for reproducible tests
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_STORAGE_URI = "memory://"
    BACKGROUND_JOBS = ""  # whatever the environment says: inline, unless a test sets REDIS_URL or this
    PORTAL_BASE_URL = "http://localhost"
    SERVER_NAME = "localhost"
    VIRUS_SCANNER = None  # the EICAR-only scanner, whatever the environment says; ClamAV tests set their own


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    # __Host-: the browser accepts the cookie only when Secure, for Path=/ and without a Domain, so no
    # other host (a sibling subdomain) can set or overwrite the portal's session.
    SESSION_COOKIE_NAME = "__Host-session"
    SESSION_COOKIE_PATH = "/"
    SESSION_COOKIE_DOMAIN = None
    REMEMBER_COOKIE_NAME = "__Host-remember_token"
    REMEMBER_COOKIE_PATH = "/"
    REMEMBER_COOKIE_DOMAIN = None
    VIRUS_SCANNER = os.environ.get("VIRUS_SCANNER") or "portal.clamav:scan"  # never the EICAR-only one

    def __init__(self) -> None:
        problems = production_problems(os.environ)
        if problems:
            raise RuntimeError("The portal does not start in production: " + " ".join(problems))
        self.SECRET_KEY = os.environ["SECRET_KEY"]
        self.SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]
        self.MAIL_SERVER = os.environ["MAIL_SERVER"]
        self.REDIS_URL = os.environ["REDIS_URL"]
        self.RATELIMIT_STORAGE_URI = os.environ["REDIS_URL"]


REQUIRED_IN_PRODUCTION = {
    "SECRET_KEY": "signs sessions and e-mail links",
    "DATABASE_URL": "the PostgreSQL database",
    "MAIL_SERVER": "without it no e-mail (password resets, receipts, decisions) leaves the portal",
    "REDIS_URL": "log-in limits must hold across all web processes, and background work needs a queue",
}
SECRET_KEY_MIN_BYTES = 32
# Words of the values in examples, tutorials, our README and tests: public, so no secret. Long enough
# that a random key does not hold one by chance.
PLACEHOLDER_WORDS = ("change", "replace", "secret", "example", "placeholder", "your-", "default", "password")


def secret_key_problem(key: str) -> str | None:
    """Why `key` may not sign production sessions, or None when it may."""
    if len(key.encode()) < SECRET_KEY_MIN_BYTES:
        return f"SECRET_KEY must be at least {SECRET_KEY_MIN_BYTES} bytes (e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`)."
    lowered = key.lower()
    if any(word in lowered for word in PLACEHOLDER_WORDS) or len(set(key)) < 10:
        return "SECRET_KEY is a well-known placeholder or too regular; generate a random one (`python -c 'import secrets; print(secrets.token_hex(32))'`)."
    return None


def production_problems(environ: Mapping[str, str]) -> list[str]:
    """Every reason the production configuration in `environ` is refused, each a sentence."""
    problems = [
        f"{name} is not set ({why})." for name, why in REQUIRED_IN_PRODUCTION.items() if not environ.get(name)
    ]
    key_problem = secret_key_problem(environ["SECRET_KEY"]) if environ.get("SECRET_KEY") else None
    return problems + ([key_problem] if key_problem else [])


def config_from_environment() -> type[Config] | Config:
    name = os.environ.get("PORTAL_ENV", "development")
    if name == "production":
        return ProductionConfig()
    return DevelopmentConfig
