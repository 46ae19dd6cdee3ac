"""The tamper-evident audit trail: one hash chain, verified; insert-only; the daily head mailed once."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal import audit, audit_cli, clock
from portal.extensions import db
from portal.models import AuditEvent, AuditOutcome, Organisation, Role
from portal.models.audit import GENESIS, AuditEventImmutableError, chain_hash, fields_of
from tests import factories
from tests.databases import throwaway_database


def _record(count: int) -> list[AuditEvent]:
    events = [audit.record("test.step", None, number=n) for n in range(count)]
    db.session.commit()
    return events


def _verify() -> audit_cli.ChainReport:
    return audit_cli.verify(audit_cli.chain_rows())


def _raw(sql: str, **params: object) -> None:
    """Tamper as someone with database access would: raw SQL, the insert-only triggers lifted."""
    connection = db.session.connection()
    with audit.maintenance(connection):
        connection.execute(sa.text(sql), params)


def test_chain_verifies_after_a_normal_flow_of_requests(client, auth, no_csrf, runner):
    user = factories.UserFactory()
    client.post("/inloggen", data={"email": user.email, "password": "Fout-wachtwoord-geheim"})
    client.post("/inloggen", data={"email": user.email, "password": factories.PASSWORD})
    auth.as_role(Role.PROVIDER_ADMIN)
    assert client.get("/beheer/audit").status_code == 403  # rolled back; the refusal is kept
    auth.as_role(Role.ADMIN)
    buyer = factories.UserFactory(roles=[Role.BUYER])
    assert (
        client.post(f"/beheer/gebruikers/{buyer.id}", data={"roles": ["assessor", "buyer"]}).status_code
        == 302
    )

    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq)).all()
    actions = [e.action for e in events]
    assert {"accounts.login", "audit.view", "admin.change_roles"} <= set(actions)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(events))
    refusal = next(e for e in events if e.action == "audit.view")
    assert refusal.outcome is AuditOutcome.REFUSED
    assert refusal.hash == chain_hash(fields_of(refusal))

    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"{len(events)} events, head #{events[-1].seq} {events[-1].hash}" in result.output


def test_changing_one_field_of_a_middle_event_names_that_event(runner):
    events = _record(5)
    _raw("UPDATE audit_event SET action = 'test.forged' WHERE id = :id", id=events[2].id)
    report = _verify()
    assert report.first_break is not None
    assert (report.first_break.kind, report.first_break.event_id) == ("changed", events[2].id)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"event {events[2].id} (#{events[2].seq}) was changed" in result.output


def test_a_changed_event_whose_hash_was_rewritten_is_named_by_the_broken_link():
    events = _record(4)
    fields = dict(fields_of(events[1]), ip="10.6.6.6")
    _raw(
        "UPDATE audit_event SET ip = '10.6.6.6', hash = :h WHERE id = :id",
        h=chain_hash(fields),
        id=events[1].id,
    )
    problem = _verify().first_break
    assert problem is not None
    assert problem.kind == "unlinked"
    assert f"event {events[1].id} was changed" in problem.message
    assert problem.event_id == events[2].id


def test_deleting_one_event_names_the_gap(runner):
    events = _record(5)
    _raw("DELETE FROM audit_event WHERE id = :id", id=events[2].id)
    problem = _verify().first_break
    assert problem is not None
    assert (problem.kind, problem.seq) == ("deleted", events[2].seq)
    assert f"after event {events[1].id}, before event {events[3].id}" in problem.message
    assert runner.invoke(args=["audit", "verify"]).exit_code == 1


def test_deleting_the_last_event_is_found_with_the_published_head():
    events = _record(3)
    published = events[-1].hash
    assert audit_cli.verify(audit_cli.chain_rows(), expect_head=published).intact
    _raw("DELETE FROM audit_event WHERE id = :id", id=events[-1].id)
    problem = audit_cli.verify(audit_cli.chain_rows(), expect_head=published).first_break
    assert problem is not None
    assert problem.kind == "head-missing"


def test_inserting_a_forged_event_names_it():
    events = _record(5)
    middle = events[2]
    forged = dict(fields_of(middle), action="test.forged", prev_hash="f" * 64)
    _raw(
        "INSERT INTO audit_event (at, action, outcome, detail, seq, prev_hash, hash) "
        "VALUES (:at, 'test.forged', 'allowed', '{}', :seq, :prev, :hash)",
        at=middle.at.replace(tzinfo=None) if db.engine.dialect.name == "sqlite" else middle.at,
        seq=middle.seq,
        prev="f" * 64,
        hash=chain_hash(
            dict(forged, actor_id=None, organisation_id=None, object_type=None, ip=None, detail={})
        ),
    )
    forged_id = db.session.scalar(sa.select(AuditEvent.id).where(AuditEvent.action == "test.forged"))
    problem = _verify().first_break
    assert problem is not None
    assert (problem.kind, problem.event_id) == ("inserted", forged_id)


def test_a_second_successor_of_one_event_is_refused_by_the_database():
    events = _record(3)
    connection = db.session.connection()
    with pytest.raises(sa.exc.IntegrityError), connection.begin_nested():
        connection.execute(
            sa.text(
                "INSERT INTO audit_event (at, action, outcome, detail, seq, prev_hash, hash) "
                "VALUES (:at, 'test.fork', 'allowed', '{}', 2, :prev, :prev)"
            ),
            {"at": events[0].at.replace(tzinfo=None), "prev": events[0].hash},
        )


def test_update_and_delete_through_the_orm_are_refused():
    event = _record(1)[0]
    event.action = "test.changed"
    with pytest.raises(AuditEventImmutableError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(event)
    with pytest.raises(AuditEventImmutableError):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(AuditEventImmutableError):
        db.session.execute(sa.update(AuditEvent).values(action="test.bulk"))
    with pytest.raises(AuditEventImmutableError):
        db.session.execute(sa.delete(AuditEvent))
    db.session.rollback()
    assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.id == event.id)) == "test.step"
    assert _verify().intact


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_event SET action = 'test.raw'", "DELETE FROM audit_event", "TRUNCATE audit_event"],
)
def test_raw_sql_that_changes_events_is_refused_by_the_trigger(statement):
    if statement.startswith("TRUNCATE") and db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    _record(2)
    connection = db.session.connection()
    with pytest.raises(sa.exc.DatabaseError, match="insert-only"), connection.begin_nested():
        connection.exec_driver_sql(statement)
    assert _verify().intact
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 2


def test_the_trigger_allows_changes_only_inside_maintenance():
    events = _record(2)
    connection = db.session.connection()
    with connection.begin_nested(), audit.maintenance(connection):
        connection.execute(
            sa.text("UPDATE audit_event SET ip = '10.0.0.1' WHERE id = :id"), {"id": events[0].id}
        )
    assert not _verify().intact
    with pytest.raises(sa.exc.DatabaseError, match="insert-only"), connection.begin_nested():
        connection.execute(sa.text("UPDATE audit_event SET ip = '10.0.0.2'"))


def test_the_day_head_is_logged_and_mailed_once_through_smtp(app, runner, smtp_server, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "AUDIT_HEAD_RECIPIENT", "notaris@archief.example")
    events = _record(3)
    today = clock.to_local(events[-1].at).date()
    monkeypatch.setattr(audit_cli.log, "disabled", False)  # the migrations' fileConfig disabled it
    caplog.set_level("INFO", logger="portal.audit_cli")
    for _ in range(2):
        result = runner.invoke(args=["audit", "head", "--day", today.isoformat()])
        assert result.exit_code == 0, result.output
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "notaris@archief.example"
    body = smtp_server.body_of(message)
    assert events[-1].hash in body
    assert f"Gebeurtenis nummer: {events[-1].seq}" in body
    assert f"audit head {today.isoformat()}: #{events[-1].seq} {events[-1].hash}" in caplog.text


def test_the_head_of_a_day_is_the_chain_at_its_end():
    events = _record(2)
    today = clock.to_local(events[-1].at).date()
    assert audit_cli.day_head(today).hash == events[-1].hash
    assert audit_cli.day_head(today).events_that_day == 2
    assert audit_cli.day_head(date(2000, 1, 1)).hash == GENESIS


def test_the_head_is_not_mailed_to_a_portal_administrator(app, runner, monkeypatch):
    admin = factories.user_with_role(Role.ADMIN)
    monkeypatch.setitem(app.config, "AUDIT_HEAD_RECIPIENT", admin.email.upper())
    _record(1)
    result = runner.invoke(args=["audit", "head"])
    assert result.exit_code == 1
    assert "functional administrator" in result.output


def test_a_broken_chain_is_not_published(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "AUDIT_HEAD_RECIPIENT", "notaris@archief.example")
    events = _record(3)
    _raw("DELETE FROM audit_event WHERE id = :id", id=events[1].id)
    result = runner.invoke(args=["audit", "head"])
    assert result.exit_code == 1
    assert "head not published" in result.output


@pytest.mark.postgres
@pytest.mark.committed
def test_two_threads_recording_at_once_keep_one_chain(app):
    barrier, errors, per_thread = threading.Barrier(2), [], 15

    def work(name: str) -> None:
        try:
            with app.app_context():
                barrier.wait()
                for n in range(per_thread):
                    audit.record("test.concurrent", None, thread=name, n=n)
                    db.session.flush()  # the chain is read here; the other thread must wait for the commit
                    audit.record("test.concurrent", None, thread=name, n=f"{n}b")
                    db.session.commit()
        except Exception as error:  # reported below, with the thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with app.app_context():
        report = _verify()
        assert report.intact, report.first_break
        assert report.events == report.head_seq == 4 * per_thread


def _flask(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - a fixed command: this project's own flask CLI
        [sys.executable, "-m", "flask", "--app", "portal", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    sqlite_file = tmp_path / "migrated.sqlite"
    with throwaway_database("portal_migration", sqlite_file, os.environ.get("TEST_DATABASE_URL")) as url:
        yield url


def test_the_migration_chains_the_existing_events_in_id_order(tmp_path, empty_database):
    env = {
        key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "TEST_DATABASE_URL"}
    } | {
        "PORTAL_ENV": "development",
        "DATABASE_URL": empty_database,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "SECRET_KEY": "audit-chain-test-key-0123456789abcdef",
    }
    assert _flask(env, "db", "upgrade", "5e8c3a1f7b20").returncode == 0
    engine = sa.create_engine(empty_database)
    with engine.begin() as connection:
        for n, action in enumerate(["accounts.login", "tenders.create", "admin.change_roles"]):
            connection.execute(
                sa.text(
                    "INSERT INTO audit_event (at, action, outcome, ip, detail) "
                    "VALUES (:at, :action, 'allowed', '127.0.0.1', :detail)"
                ),
                {
                    "at": f"2026-11-0{n + 1} 12:00:00.123456",
                    "action": action,
                    "detail": '{"naam": "Zorg & Co ë"}',
                },
            )
    migrated = _flask(env, "db", "upgrade")
    assert migrated.returncode == 0, migrated.stderr
    verified = _flask(env, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert "Audit chain intact: 3 events" in verified.stdout
    with engine.begin() as connection:
        rows = connection.execute(sa.text("SELECT seq, prev_hash, hash FROM audit_event ORDER BY id")).all()
    assert [row.seq for row in rows] == [1, 2, 3]
    assert [row.prev_hash for row in rows] == [GENESIS, rows[0].hash, rows[1].hash]
    with pytest.raises(sa.exc.DatabaseError, match="insert-only"), engine.begin() as connection:
        connection.execute(sa.text("UPDATE audit_event SET action = 'x'"))
    engine.dispose()


@pytest.mark.postgres
@pytest.mark.committed
def test_an_organisation_locked_for_update_does_not_deadlock_with_the_chain_lock(app):
    """An upload holds its organisation FOR UPDATE, then records; another request records for that organisation."""
    with app.app_context():
        organisation_id = factories.OrganisationFactory().id
        db.session.commit()
    locked, other_started, errors = threading.Event(), threading.Event(), []

    def upload() -> None:
        try:
            with app.app_context():
                db.session.execute(
                    sa.select(Organisation.id).where(Organisation.id == organisation_id).with_for_update()
                )
                locked.set()
                other_started.wait(10)
                time.sleep(0.5)  # the other request is at its audit flush now
                audit.record("test.upload", None, organisation_id=organisation_id)
                db.session.commit()
        except Exception as error:  # reported below
            errors.append(error)

    def other() -> None:
        try:
            with app.app_context():
                locked.wait(10)
                other_started.set()
                audit.record("test.other", None, organisation_id=organisation_id)
                db.session.commit()
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=upload), threading.Thread(target=other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with app.app_context():
        assert _verify().intact
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 2


def test_an_event_joins_the_transaction_at_its_commit_and_a_rollback_drops_it(app):
    """So the chain's lock is taken by the commit's own flush, not by an autoflush early in a request."""
    from portal import audit

    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    audit.record("tests.kept")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == before  # not yet flushed
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == before + 1
    audit.record("tests.dropped")
    db.session.rollback()
    db.session.commit()
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert "tests.kept" in actions
    assert "tests.dropped" not in actions
