"""assessment at scale: submitted_answer, proposed knock-out flags, external consensus motivation

Revision ID: b7e14a2c9d51
Revises: b8d2f4a6c913
Create Date: 2026-12-02 13:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b7e14a2c9d51"
down_revision = "b8d2f4a6c913"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "submitted_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("requirement_id", sa.Integer(), nullable=False),
        sa.Column("declaration", sa.Boolean(), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["bid_submission.id"],
            name=op.f("fk_submitted_answer_submission_id_bid_submission"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requirement_id"],
            ["requirement.id"],
            name=op.f("fk_submitted_answer_requirement_id_requirement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submitted_answer")),
        sa.UniqueConstraint(
            "submission_id", "requirement_id", name=op.f("uq_submitted_answer_submission_id_requirement_id")
        ),
    )
    op.create_index("ix_submitted_answer_requirement_id", "submitted_answer", ["requirement_id"])
    with op.batch_alter_table("requirement_check") as batch:
        batch.add_column(sa.Column("proposed", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("flag_reason", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("score") as batch:
        batch.add_column(sa.Column("external_motivation", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("score") as batch:
        batch.drop_column("external_motivation")
    with op.batch_alter_table("requirement_check") as batch:
        batch.drop_column("flag_reason")
        batch.drop_column("proposed")
    op.drop_index("ix_submitted_answer_requirement_id", "submitted_answer")
    op.drop_table("submitted_answer")
