"""monitoring actions with their history, client stop lines, sent reminders, dossier documents, indicator reports, action documents (issue 15)

Revision ID: 7b3e5f1a9c62
Revises: b7e14a2c9d51
Create Date: 2026-12-02 13:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "7b3e5f1a9c62"
down_revision = "b7e14a2c9d51"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "monitoring_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("agreements_made", sa.Text(), nullable=False),
        sa.Column("happens_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("provider_response", sa.Text(), nullable=False),
        sa.Column("responded_at", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name="fk_monitoring_action_organisation_id_organisation",
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name="fk_monitoring_action_agreement_id_agreement",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name="fk_monitoring_action_created_by_id_user_account",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_monitoring_action"),
    )
    op.create_index("ix_monitoring_action_org_status", "monitoring_action", ["organisation_id", "status"])
    op.create_index("ix_monitoring_action_agreement_id", "monitoring_action", ["agreement_id"])
    op.create_index("ix_monitoring_action_status", "monitoring_action", ["status"])
    op.create_table(
        "monitoring_action_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("from_status", sa.String(32), nullable=True),
        sa.Column("to_status", sa.String(32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["monitoring_action.id"],
            name="fk_monitoring_action_event_action_id_monitoring_action",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user_account.id"],
            name="fk_monitoring_action_event_actor_id_user_account",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_monitoring_action_event"),
    )
    op.create_index("ix_monitoring_action_event_action_id", "monitoring_action_event", ["action_id"])
    op.create_table(
        "client_stop_line",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["monitoring_action.id"],
            name="fk_client_stop_line_action_id_monitoring_action",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name="fk_client_stop_line_municipality_id_municipality",
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["result_id"], ["result.id"], name="fk_client_stop_line_result_id_result", ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("action_id", "municipality_id", "result_id", name="pk_client_stop_line"),
    )
    op.create_table(
        "sent_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("sent_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sent_reminder"),
        sa.UniqueConstraint("key", name="uq_sent_reminder_key"),
    )


    op.create_table(
        "dossier_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("original_name", sa.String(255), nullable=False),
        sa.Column("stored_name", sa.String(64), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("uploaded_at", UTC_TIME, nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name="fk_dossier_document_organisation_id_organisation",
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["user_account.id"], name="fk_dossier_document_uploaded_by_id_user_account",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_dossier_document"),
    )
    op.create_index("ix_dossier_document_org_kind", "dossier_document", ["organisation_id", "kind"])
    op.create_table(
        "indicator_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("submitted_at", UTC_TIME, nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name="fk_indicator_report_organisation_id_organisation",
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["user_account.id"], name="fk_indicator_report_submitted_by_id_user_account",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_indicator_report"),
        sa.UniqueConstraint("organisation_id", "period", name="uq_indicator_report_organisation_id_period"),
    )
    op.create_table(
        "monitoring_action_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("original_name", sa.String(255), nullable=False),
        sa.Column("stored_name", sa.String(64), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("uploaded_at", UTC_TIME, nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_id"], ["monitoring_action.id"],
            name="fk_monitoring_action_document_action_id_monitoring_action", ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["user_account.id"],
            name="fk_monitoring_action_document_uploaded_by_id_user_account", ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_monitoring_action_document"),
    )
    op.create_index(
        "ix_monitoring_action_document_action_id", "monitoring_action_document", ["action_id"]
    )


def downgrade():
    op.drop_index("ix_monitoring_action_document_action_id", table_name="monitoring_action_document")
    op.drop_table("monitoring_action_document")
    op.drop_table("indicator_report")
    op.drop_index("ix_dossier_document_org_kind", table_name="dossier_document")
    op.drop_table("dossier_document")
    op.drop_table("sent_reminder")
    op.drop_table("client_stop_line")
    op.drop_index("ix_monitoring_action_event_action_id", table_name="monitoring_action_event")
    op.drop_table("monitoring_action_event")
    op.drop_index("ix_monitoring_action_status", table_name="monitoring_action")
    op.drop_index("ix_monitoring_action_agreement_id", table_name="monitoring_action")
    op.drop_index("ix_monitoring_action_org_status", table_name="monitoring_action")
    op.drop_table("monitoring_action")
