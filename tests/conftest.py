"""Test fixtures: the app, a database per test run, a transaction per test, clients per role, mail.

The schema is built once per run by the Alembic migrations (so they are exercised) in a database of
its own: a temporary SQLite file, or a fresh PostgreSQL database when TEST_DATABASE_URL is set.
Each test runs inside a transaction that is rolled back (SQLAlchemy's create_savepoint mode), so the
application's own commits stay inside it. Tests marked `committed` use real commits (several
connections, row locks) and the tables are emptied afterwards.

One session serves the whole test (the test body and every request it makes), but every request gets
a fresh application context, as in production: nothing in `g` (the logged-in user, queued mail,
the locale) leaks from one request into the next. A request that fails (status >= 400) rolls back
what it did, like in production; data the test set up survives because the factories commit (to a
savepoint: the test's outer transaction still rolls everything back). Test code that adds objects
by hand should `db.session.commit()` too before making requests.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from config import TestConfig
from portal import audit, create_app, database, sessions
from portal.accounts.second_factor import VERIFIED_AT
from portal.extensions import db, limiter
from portal.models import Role, User
from tests import factories, second_factor
from tests.clamav import CLAMD, NOT_INSTALLED, ClamdServer
from tests.databases import throwaway_database

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")  # Debian's, for browser tests


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_postgres = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set TEST_DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    sqlite_file = tmp_path_factory.mktemp("db") / "test.sqlite"
    with throwaway_database("portal_test", sqlite_file, os.environ.get("TEST_DATABASE_URL")) as url:
        yield url


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        UPLOAD_DIR = str(tmp_path_factory.mktemp("uploads"))

    application = create_app(Config)
    application.test_client_class = FreshContextClient
    _LIMITER_STATE["test app"] = (limiter._storage, limiter._limiter)
    with application.app_context():
        from flask_migrate import upgrade

        upgrade()
    yield application
    with application.app_context():
        db.engine.dispose()


_LIMITER_STATE: dict[str, tuple[object, object]] = {}


@pytest.fixture(autouse=True)
def _isolation(request: pytest.FixtureRequest, app: Flask) -> Iterator[None]:
    """Each test in a rolled-back transaction, or (marker `committed`) with tables emptied afterwards."""
    # A test that builds another app (production settings with the machine's Redis, a backup's target)
    # re-initialises the one global limiter; give the suite's app its own memory storage back, or the two
    # xdist workers count each other's requests in that shared Redis.
    limiter._storage, limiter._limiter = _LIMITER_STATE["test app"]
    limiter.reset()
    if "committed" in request.keywords:
        yield
        _empty_tables(app)
        return
    with app.app_context():
        connection = db.engine.connect()
        connection.info[database.DEFERRED_BEGIN] = True  # SQLite: others may read beside this transaction
        outer = connection.begin()
        original = db.session
        db.session = _TestScopedSession(
            orm.sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=lambda: "test",
        )
        try:
            with app.app_context():
                yield
        finally:
            db.session.close_for_real()
            db.session = original
            outer.rollback()
            connection.info.pop(database.DEFERRED_BEGIN, None)
            connection.close()


class _TestScopedSession(orm.scoped_session):
    """One session for the whole test: the app's per-context `remove()` must not close it."""

    def remove(self) -> None:
        return None

    def close_for_real(self) -> None:
        super().remove()


class FreshContextClient(FlaskClient):
    """Each request in an application context of its own, so `g` starts empty as in production."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def _empty_tables(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name != "alembic_version"]
        with db.engine.begin() as connection, audit.maintenance(connection):  # audit_event is insert-only
            if connection.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            else:
                for table in tables:
                    connection.execute(table.delete())


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


class Auth:
    """Log a test client in as a user without going through the form (the form has its own tests)."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, user: User) -> User:
        """Staff (and providers with a factor) give a valid TOTP code, checked by the portal."""
        now = datetime.now(UTC).timestamp()
        factor_given = second_factor.give_factor(user)
        with self.client.session_transaction() as session:
            session.clear()
            session["_user_id"] = user.session_token
            session["_fresh"] = True
            session[sessions.SESSION_STARTED] = now
            session[sessions.SESSION_SEEN] = now
            if factor_given:
                session[VERIFIED_AT] = now
        return user

    def as_role(self, role: Role, organisation=None) -> User:
        return self.login(factories.user_with_role(role, organisation=organisation))

    def logout(self) -> None:
        with self.client.session_transaction() as session:
            session.clear()


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


@pytest.fixture
def no_csrf(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """For tests about something else than CSRF (the CSRF refusal itself has its own test)."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)


@pytest.fixture
def smtp_server(app: Flask, monkeypatch: pytest.MonkeyPatch):
    """A real SMTP server (aiosmtpd) on a free port; `.messages` holds what it received."""
    from tests.smtp import RecordingSMTPServer

    server = RecordingSMTPServer()
    server.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", server.hostname)
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    yield server
    server.stop()


@pytest.fixture
def live_server(request: pytest.FixtureRequest, app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The app served by werkzeug (threaded, as a browser needs) on a free loopback port.

    Only for tests marked `committed`: those use the real per-request sessions, which are
    thread-safe, and what they set up is committed and visible to the server's connections.
    """
    import threading

    from werkzeug.serving import make_server

    if request.node.get_closest_marker("committed") is None:
        raise pytest.UsageError(
            "live_server needs @pytest.mark.committed (the rolled-back session is not thread-safe)"
        )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    monkeypatch.setitem(app.config, "SERVER_NAME", f"127.0.0.1:{server.server_port}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def redis_url():
    """A real Redis server of our own on a free port (skipped when redis-server is not installed)."""
    import shutil
    import socket
    import subprocess
    import time

    if shutil.which("redis-server") is None:
        pytest.skip("redis-server not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(  # noqa: S603 - fixed command
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],  # noqa: S607
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    from redis import Redis

    for _ in range(50):
        try:
            Redis.from_url(url).ping()
            break
        except Exception:  # not up yet
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def clamd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClamdServer]:
    """A real clamd (Debian's clamav-daemon) with a test signature database of its own, for the session."""
    if CLAMD is None:
        pytest.skip(NOT_INSTALLED)
    server = ClamdServer(tmp_path_factory.mktemp("clamd"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def clamav(app: Flask, monkeypatch: pytest.MonkeyPatch, clamd: ClamdServer) -> ClamdServer:
    """The portal scanning with ClamAV (portal.clamav) against the test clamd, over its UNIX socket."""
    monkeypatch.setitem(app.config, "VIRUS_SCANNER", "portal.clamav:scan")
    monkeypatch.setitem(app.config, "CLAMD_SOCKET", clamd.socket_path)
    monkeypatch.setitem(app.config, "CLAMD_HOST", "")
    monkeypatch.setitem(app.config, "CLAMD_TIMEOUT", 10.0)
    return clamd
