"""bid_submission.lot_ids: the percelen of the frozen content, so lists need not load the content

Revision ID: 2b7e5d1c9a40
Revises: 1fca4dd4cc29
Create Date: 2026-12-01 07:00:00

"""

import json

import sqlalchemy as sa
from alembic import op

revision = "2b7e5d1c9a40"
down_revision = "1fca4dd4cc29"
branch_labels = None
depends_on = None


def _lots_in_content(content):
    """A frozen copy of portal.models.bid.lots_in_content (migrations never import the application)."""
    content = content or {}
    found = [line.get("lot_id") for line in content.get("lines", [])]
    found += [(line.get("lot") or {}).get("id") for line in content.get("choice", [])]
    return list(dict.fromkeys(lot_id for lot_id in found if lot_id is not None))


def upgrade():
    with op.batch_alter_table("bid_submission") as batch:
        batch.add_column(sa.Column("lot_ids", sa.JSON(), server_default=sa.text("'[]'"), nullable=False))
    submissions = sa.table(
        "bid_submission", sa.column("id", sa.Integer), sa.column("content", sa.JSON), sa.column("lot_ids", sa.JSON)
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(submissions.c.id, submissions.c.content)).all()
    for submission_id, content in rows:
        if isinstance(content, str):
            content = json.loads(content)
        connection.execute(
            submissions.update()
            .where(submissions.c.id == submission_id)
            .values(lot_ids=_lots_in_content(content))
        )


def downgrade():
    with op.batch_alter_table("bid_submission") as batch:
        batch.drop_column("lot_ids")
