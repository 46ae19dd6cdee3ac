"""evidence_file.unattached_since: when uploads-cleanup first found the file attached to no answer

Revision ID: 5e8c3a1f9b24
Revises: 4d2a9b7c1e83
Create Date: 2026-12-02 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "5e8c3a1f9b24"
down_revision = "4d2a9b7c1e83"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("evidence_file") as batch:
        batch.add_column(sa.Column("unattached_since", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("evidence_file") as batch:
        batch.drop_column("unattached_since")
