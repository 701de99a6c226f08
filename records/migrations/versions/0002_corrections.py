"""Staff corrections of type, parties and parcels (records/corrections.py).

Revision ID: 0002_corrections
Revises: 0001_initial
Create Date: 2026-11-25
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_corrections"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a database adopted from the embedded mode may already have it (created there on first use)
    if "corrections" in sa.inspect(op.get_bind()).get_table_names():
        return
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("value_json", sa.Text(), nullable=False),
        sa.Column("who", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_corrections_document", "corrections", ["document_id", "field"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_corrections_document", table_name="corrections")
    op.drop_table("corrections")
