"""Engine set-up that differs per database: SQLite needs foreign keys and real transactions.

SQLite (the `make run` default) also runs background work in a thread of the web process, so two
connections write at once: WAL lets readers go on beside a writer, and every transaction starts
IMMEDIATE (it takes the write lock up front and waits for it up to the busy timeout), so a transaction
that read first never fails with "database is locked" when it comes to write.
"""

from __future__ import annotations

import sqlite3

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import ConnectionPoolEntry


def configure_engine_options(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    if uri.startswith("sqlite"):
        options.pop("pool_pre_ping", None)
        options.setdefault("connect_args", {"timeout": 30})
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def install_engine_hooks(app: Flask) -> None:
    from portal.extensions import db

    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            _make_sqlite_transactional(engine)


DEFERRED_BEGIN = "sqlite_deferred_begin"
"""`connection.info` key: this connection's transactions start DEFERRED. Only the tests' own per-test
outer transaction (rolled back at its end) sets it, so a second connection may read beside it."""


def _make_sqlite_transactional(engine: Engine) -> None:
    """pysqlite's own transaction handling breaks SAVEPOINT; SQLAlchemy's documented recipe fixes it."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if cursor.execute("PRAGMA database_list").fetchone()[2]:  # a file, not :memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN" if connection.info.get(DEFERRED_BEGIN) else "BEGIN IMMEDIATE")
