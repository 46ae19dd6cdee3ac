"""iStandaarden on results (productcategorie, eenheid, frequentie), their reference list, API tokens, issued PDFs

Revision ID: 7b3f2a9e4c61
Revises: 6a1d4e9c2b35
Create Date: 2026-12-02 13:00:00
"""

import sqlalchemy as sa
from alembic import op

from portal.models.base import UTCDateTime

revision = "7b3f2a9e4c61"
down_revision = "6a1d4e9c2b35"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("result") as batch:
        batch.add_column(sa.Column("product_category", sa.String(2), nullable=False, server_default=""))
        batch.add_column(sa.Column("unit", sa.String(2), nullable=False, server_default=""))
        batch.add_column(sa.Column("frequency", sa.String(2), nullable=False, server_default=""))
    op.create_table(
        "standard_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_name", sa.String(20), nullable=False),
        sa.Column("code", sa.String(5), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("law", sa.Enum("jeugdwet", "wmo", "both", native_enum=False, length=32), nullable=True),
        sa.Column("legacy", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standard_code")),
        sa.UniqueConstraint("list_name", "code", name=op.f("uq_standard_code_list_name_code")),
    )
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("hint", sa.String(8), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column(
            "created_by_id",
            sa.Integer(),
            sa.ForeignKey("user_account.id", name="fk_api_token_created_by_id_user_account", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    op.create_table(
        "issued_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_document")),
        sa.UniqueConstraint("sha256", name=op.f("uq_issued_document_sha256")),
    )


def downgrade() -> None:
    op.drop_table("issued_document")
    op.drop_table("api_token")
    op.drop_table("standard_code")
    with op.batch_alter_table("result") as batch:
        batch.drop_column("frequency")
        batch.drop_column("unit")
        batch.drop_column("product_category")
