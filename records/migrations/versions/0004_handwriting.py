"""Handwritten pages: the `pages.handwritten` flag (ocr.handwriting) and the text clerks type for them
(`typed_pages`, records/typed.py).

Revision ID: 0004_handwriting
Revises: 0003_scale_out_tables
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_handwriting"
down_revision = "0003_scale_out_tables"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # idempotent, like 0002 and 0003: a database adopted from before migrations may already have both
    inspector = sa.inspect(op.get_bind())
    if "handwritten" not in {c["name"] for c in inspector.get_columns("pages")}:
        with op.batch_alter_table("pages") as batch:
            batch.add_column(sa.Column("handwritten", sa.Boolean(), nullable=False, server_default=sa.false()))
    if "typed_pages" in inspector.get_table_names():
        return
    op.create_table(
        "typed_pages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("page_number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("who", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("analysis_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_typed_pages_document", "typed_pages", ["document_id", "page_number"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_typed_pages_document", table_name="typed_pages")
    op.drop_table("typed_pages")
    with op.batch_alter_table("pages") as batch:
        batch.drop_column("handwritten")
