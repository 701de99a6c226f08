"""Archival metadata set by archivists on dossiers and documents (records.archival; Circular 05/2025/TT-BNV).

Revision ID: 0010_archival_metadata
Revises: 0009_web_sessions
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_archival_metadata"
down_revision = "0009_web_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "archival_metadata" in sa.inspect(op.get_bind()).get_table_names():
        return
    op.create_table(
        "archival_metadata",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("value_json", sa.Text(), nullable=False),
        sa.Column("who", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_archival_metadata_target", "archival_metadata", ["scope", "target_id", "field"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_archival_metadata_target", table_name="archival_metadata")
    op.drop_table("archival_metadata")
