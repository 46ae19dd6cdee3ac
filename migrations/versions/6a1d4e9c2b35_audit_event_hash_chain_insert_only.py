"""audit_event hash chain (seq, prev_hash, hash) for the existing rows in id order; insert-only triggers

Revision ID: 6a1d4e9c2b35
Revises: 5e8c3a1f7b20
Create Date: 2026-12-02 10:40:00

The triggers refuse UPDATE, DELETE (and TRUNCATE on PostgreSQL) of audit_event unless the transaction
is in maintenance (portal.audit.maintenance: `SET LOCAL portal.audit_maintenance = 'on'` on PostgreSQL,
the connection's portal_audit_maintenance() function on SQLite). A later batch migration that recreates
audit_event on SQLite drops its triggers: it must create them again (SQLITE_TRIGGERS below).
"""

import sqlalchemy as sa
from alembic import op

from portal.models.audit import GENESIS, chain_hash
from portal.models.base import UTCDateTime

revision = "6a1d4e9c2b35"
down_revision = "5e8c3a1f7b20"
branch_labels = None
depends_on = None

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_event_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('portal.audit_maintenance', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit_event is insert-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$
"""
PG_TRIGGER = """
CREATE TRIGGER audit_event_insert_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_event
FOR EACH STATEMENT EXECUTE FUNCTION audit_event_insert_only()
"""
SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER audit_event_no_{operation.lower()} BEFORE {operation} ON audit_event
    WHEN NOT portal_audit_maintenance()
    BEGIN SELECT RAISE(ABORT, 'audit_event is insert-only: {operation} refused'); END
    """
    for operation in ("UPDATE", "DELETE")
]

audit_event = sa.table(
    "audit_event",
    sa.column("id", sa.Integer),
    sa.column("at", UTCDateTime()),
    sa.column("actor_id", sa.Integer),
    sa.column("organisation_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("object_type", sa.String),
    sa.column("object_id", sa.Integer),
    sa.column("outcome", sa.String),
    sa.column("ip", sa.String),
    sa.column("detail", sa.JSON),
    sa.column("seq", sa.Integer),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)


def upgrade():
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    _chain_existing_rows()
    with op.batch_alter_table("audit_event") as batch:
        batch.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch.create_index(batch.f("ix_audit_event_seq"), ["seq"], unique=False)
        batch.create_unique_constraint(batch.f("uq_audit_event_prev_hash"), ["prev_hash"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)
    else:
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)


def _chain_existing_rows():
    bind = op.get_bind()
    seq, prev_hash = 0, GENESIS
    rows = bind.execute(sa.select(audit_event).order_by(audit_event.c.id)).mappings().all()
    for row in rows:
        seq += 1
        this_hash = chain_hash(dict(row, seq=seq, prev_hash=prev_hash, detail=row["detail"] or {}))
        bind.execute(
            audit_event.update()
            .where(audit_event.c.id == row["id"])
            .values(seq=seq, prev_hash=prev_hash, hash=this_hash)
        )
        prev_hash = this_hash


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_insert_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_insert_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_constraint(batch.f("uq_audit_event_prev_hash"), type_="unique")
        batch.drop_index(batch.f("ix_audit_event_seq"))
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
        batch.drop_column("seq")
