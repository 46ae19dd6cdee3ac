"""second_factor and recovery_code: TOTP second factor of a log-in and its single-use recovery codes;
broker_identity: log-in through an eHerkenning broker (OpenID Connect)

Revision ID: b8d2f4a6c913
Revises: 7b3f2a9e4c61
Create Date: 2026-12-02 13:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b8d2f4a6c913"
down_revision = "7b3f2a9e4c61"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "second_factor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_step", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_second_factor_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_second_factor")),
    )
    op.create_index(op.f("ix_second_factor_user_id"), "second_factor", ["user_id"], unique=True)
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=100), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_recovery_code_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
    )
    op.create_index(op.f("ix_recovery_code_user_id"), "recovery_code", ["user_id"], unique=False)
    op.create_table(
        "broker_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=300), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kvk_number", sa.String(length=8), nullable=False),
        sa.Column("branch_number", sa.String(length=12), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_broker_identity_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broker_identity")),
        sa.UniqueConstraint("issuer", "subject", name=op.f("uq_broker_identity_issuer_subject")),
    )
    op.create_index(op.f("ix_broker_identity_user_id"), "broker_identity", ["user_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_broker_identity_user_id"), table_name="broker_identity")
    op.drop_table("broker_identity")
    op.drop_index(op.f("ix_recovery_code_user_id"), table_name="recovery_code")
    op.drop_table("recovery_code")
    op.drop_index(op.f("ix_second_factor_user_id"), table_name="second_factor")
    op.drop_table("second_factor")
