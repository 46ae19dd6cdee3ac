"""outgoing_mail.attachment_pending: a message waits until its attachment is made after the request

Revision ID: 3c1f8a2d6e57
Revises: 2b7e5d1c9a40
Create Date: 2026-12-01 07:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "3c1f8a2d6e57"
down_revision = "2b7e5d1c9a40"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outgoing_mail") as batch:
        batch.add_column(sa.Column("attachment_pending", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("outgoing_mail") as batch:
        batch.drop_column("attachment_pending")
