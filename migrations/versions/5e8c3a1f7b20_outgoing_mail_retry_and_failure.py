"""outgoing_mail.next_attempt_at and failed_at: a message that fails is retried with back-off, then given up

Revision ID: 5e8c3a1f7b20
Revises: 5e8c3a1f9b24
Create Date: 2026-12-02 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "5e8c3a1f7b20"
down_revision = "5e8c3a1f9b24"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outgoing_mail") as batch:
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index(batch.f("ix_outgoing_mail_failed_at"), ["failed_at"], unique=False)
    # The old code gave up after 5 tries without saying so: those messages are failed now.
    op.execute(
        "UPDATE outgoing_mail SET failed_at = created_at WHERE sent_at IS NULL AND attempts >= 5"
    )


def downgrade():
    with op.batch_alter_table("outgoing_mail") as batch:
        batch.drop_index(batch.f("ix_outgoing_mail_failed_at"))
        batch.drop_column("failed_at")
        batch.drop_column("next_attempt_at")
