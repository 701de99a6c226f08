"""Scale-out tables for adopted databases: document_jobs and page_results (records/tables.py) where missing.

0001_initial creates them on a new database; a database made before migrations existed (tables created
directly, possibly without the scale-out ones) is stamped at 0001 and gains them here.

Revision ID: 0003_scale_out_tables
Revises: 0002_corrections
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_scale_out_tables"
down_revision = "0002_corrections"
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "document_jobs" not in existing:
        op.create_table(
            "document_jobs",
            sa.Column("document_id", sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("queue", sa.String(length=200), nullable=False),
            sa.Column("mime", sa.String(length=200), nullable=True),
            sa.Column("pages_total", sa.Integer(), nullable=False),
            sa.Column("attempts", sa.Integer(), nullable=False),
            sa.Column("submitted_at", sa.DateTime(), nullable=False),
            sa.Column("started_at", sa.DateTime(), nullable=True),
            sa.Column("finished_at", sa.DateTime(), nullable=True),
            sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("document_id"),
        )
    if "page_results" not in existing:
        op.create_table(
            "page_results",
            sa.Column("document_id", sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("page_number", sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("status", sa.String(length=20), nullable=False),
            sa.Column("attempts", sa.Integer(), nullable=False),
            sa.Column("owner", sa.String(length=300), nullable=True),
            sa.Column("result_json", sa.Text(), nullable=True),
            sa.Column("updated_at", sa.DateTime(), nullable=False),
            sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("document_id", "page_number"),
        )


def downgrade() -> None:
    pass  # the tables belong to 0001_initial on a database made by migrations
