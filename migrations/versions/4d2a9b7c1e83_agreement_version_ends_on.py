"""agreement_version.ends_on: the version's last day, so the register need not read the content

Revision ID: 4d2a9b7c1e83
Revises: 3c1f8a2d6e57
Create Date: 2026-12-01 08:05:00

"""

import json
from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "4d2a9b7c1e83"
down_revision = "3c1f8a2d6e57"
branch_labels = None
depends_on = None


def _last_day(content):
    """A frozen copy of portal.models.agreement.last_day (migrations never import the application)."""
    term = (content or {}).get("term") or {}
    value = term.get("ended_on") or term.get("end")
    return date.fromisoformat(value) if value else None


def upgrade():
    with op.batch_alter_table("agreement_version") as batch:
        batch.add_column(sa.Column("ends_on", sa.Date(), nullable=True))
    versions = sa.table(
        "agreement_version", sa.column("id", sa.Integer), sa.column("content", sa.JSON), sa.column("ends_on", sa.Date)
    )
    connection = op.get_bind()
    for version_id, content in connection.execute(sa.select(versions.c.id, versions.c.content)).all():
        if isinstance(content, str):
            content = json.loads(content)
        connection.execute(
            versions.update().where(versions.c.id == version_id).values(ends_on=_last_day(content))
        )


def downgrade():
    with op.batch_alter_table("agreement_version") as batch:
        batch.drop_column("ends_on")
