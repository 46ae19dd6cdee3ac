"""Recording what happened: who, what, when, on which object, allowed or refused, from where.

Never passwords, tokens or document content: `detail` holds identifiers and short labels only.

The events form one hash chain per installation (portal/models/audit.py says what is hashed). One
chain, not one per day: a day's chain would let a whole day be deleted without a trace inside the
database, and the day heads are still published (`flask audit head`). Each event is chained when it
is flushed, in `_chain_new_events`: on PostgreSQL under a transaction-scoped advisory lock, held until
the commit, so two transactions never read the same head (the unique `prev_hash` refuses a fork
anyway); SQLite serialises writers itself (every transaction starts IMMEDIATE outside the tests).
`record` keeps the event aside and adds it to the session only when the transaction commits
(`_add_pending_events`), so that lock is taken for the commit's own flush, not at an autoflush early in
a request and held while the page renders; a rolled-back transaction drops its pending events.

The table is insert-only (ORM guards below and in the model; database triggers). `maintenance(connection)`
lifts the triggers for one transaction: it is used only by the tests' clean-up of committed tests
and is the documented way for a database administrator's script (e.g. emptying a test installation).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import orm
from sqlalchemy.engine import Engine

from portal.extensions import db
from portal.models import AuditEvent, AuditOutcome, Organisation, User
from portal.models.audit import GENESIS, HASHED_FIELDS, AuditEventImmutableError, chain_hash, fields_of
from portal.models.base import utcnow

CHAIN_LOCK = 0x61756474  # pg_advisory_xact_lock key of the audit chain ("audt")
MAINTENANCE_SETTING = "portal.audit_maintenance"  # PostgreSQL: SET LOCAL portal.audit_maintenance = 'on'
SQLITE_MAINTENANCE_FUNCTION = "portal_audit_maintenance"  # SQLite: the triggers ask this function

PENDING = "audit_events_pending"  # session.info key: events recorded in the transaction, added at its commit
RECORDED_FIELDS = [name for name in HASHED_FIELDS if name not in ("seq", "prev_hash")]  # the chain is new
FORBIDDEN_DETAIL_KEYS = frozenset({"password", "token", "content", "text", "secret", "answer"})


def record(
    action: str,
    obj: Any | None = None,
    *,
    outcome: AuditOutcome = AuditOutcome.ALLOWED,
    actor: Any | None = None,
    organisation_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add an audit event to the current transaction (it is committed with the request)."""
    _refuse_secrets(detail)
    actor = actor if actor is not None else _current_actor()
    if organisation_id is None:
        organisation_id = getattr(actor, "organisation_id", None)
    event = AuditEvent(
        at=utcnow(),
        actor_id=getattr(actor, "id", None),
        organisation_id=organisation_id,
        action=action,
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=getattr(obj, "id", None),
        outcome=outcome,
        ip=_origin_ip(),
        detail={k: str(v) for k, v in detail.items()},
    )
    _keep(event)
    return event


def _refuse_secrets(detail: dict[str, Any]) -> None:
    leaked = FORBIDDEN_DETAIL_KEYS.intersection(detail)
    if leaked:
        raise ValueError(f"audit detail may not contain {sorted(leaked)}")


def _keep(event: AuditEvent) -> None:
    """Until the commit; a refusal also survives the rollback of a failed request (restore_refusals)."""
    db.session().info.setdefault(PENDING, []).append(event)
    if event.outcome is AuditOutcome.REFUSED and has_request_context():
        g.setdefault("audit_refusals", []).append(event)


def refused(action: str, obj: Any | None = None, **detail: Any) -> AuditEvent:
    return record(action, obj, outcome=AuditOutcome.REFUSED, **detail)


def restore_refusals() -> None:
    """After a failed request's rollback, keep the record of the refused access."""
    for event in g.pop("audit_refusals", []):
        db.session.add(AuditEvent(**{name: getattr(event, name) for name in RECORDED_FIELDS}))


def _current_actor() -> Any | None:
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        return current_user._get_current_object()
    return None


def _origin_ip() -> str | None:
    return request.remote_addr if has_request_context() else None


def chain_head(connection: sa.Connection) -> tuple[int, str]:
    """(seq, hash) of the last event of the chain; (0, GENESIS) when there is none."""
    head = connection.execute(
        sa.select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    return (head.seq, head.hash) if head else (0, GENESIS)


@sa.event.listens_for(orm.Session, "before_commit")
def _add_pending_events(session: orm.Session) -> None:
    session.add_all(session.info.pop(PENDING, []))


@sa.event.listens_for(orm.Session, "after_soft_rollback")
def _drop_pending_events(session: orm.Session, _previous: Any) -> None:
    session.info.pop(PENDING, None)


@sa.event.listens_for(orm.Session, "before_flush")
def _chain_new_events(session: orm.Session, _context: Any, _instances: Any) -> None:
    new = sorted((obj for obj in session.new if isinstance(obj, AuditEvent)), key=_insert_order)
    if not new:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        _lock_referenced_rows(connection, new)
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(CHAIN_LOCK)))
    seq, prev_hash = chain_head(connection)
    for event in new:
        seq += 1
        event.at = event.at or utcnow()
        event.detail = event.detail or {}
        event.seq, event.prev_hash = seq, prev_hash
        event.hash = prev_hash = chain_hash(fields_of(event))


def _insert_order(event: AuditEvent) -> int:
    order = sa.inspect(event).insert_order
    assert order is not None  # every pending object has its place in the flush
    return order


def _lock_referenced_rows(connection: sa.Connection, events: list[AuditEvent]) -> None:
    """Take the foreign-key checks' KEY SHARE locks before the chain lock, never while holding it.

    Otherwise a request holding an organisation FOR UPDATE (evidence uploads) and waiting for the chain
    lock, and one holding the chain lock and inserting an event of that organisation, deadlock.
    """
    for table, ids in (
        (User.__table__, {e.actor_id for e in events} - {None}),
        (Organisation.__table__, {e.organisation_id for e in events} - {None}),
    ):
        if ids:
            connection.execute(
                sa.select(table.c.id).where(table.c.id.in_(ids)).with_for_update(read=True, key_share=True)
            )


@sa.event.listens_for(orm.Session, "do_orm_execute")
def _refuse_bulk_changes(state: orm.ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and state.bind_mapper is sa.inspect(AuditEvent):
        raise AuditEventImmutableError("audit events cannot be changed or deleted")


@contextmanager
def maintenance(connection: sa.Connection) -> Iterator[None]:
    """Within `connection`'s transaction, let the triggers allow UPDATE/DELETE/TRUNCATE of audit_event."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL {MAINTENANCE_SETTING} = 'on'")
        yield
        connection.exec_driver_sql(f"SET LOCAL {MAINTENANCE_SETTING} = 'off'")  # not after an error: aborted
        return
    info = connection.connection.info
    info[MAINTENANCE_SETTING] = True
    try:
        yield
    finally:
        info.pop(MAINTENANCE_SETTING, None)


@sa.event.listens_for(Engine, "connect")
def _sqlite_maintenance_function(dbapi_connection: Any, record: Any) -> None:
    """SQLite has no session settings: its triggers call this function (absent elsewhere: refused)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        info = record.info
        dbapi_connection.create_function(
            SQLITE_MAINTENANCE_FUNCTION, 0, lambda: 1 if info.get(MAINTENANCE_SETTING) else 0
        )
