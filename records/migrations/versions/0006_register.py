"""The register of incoming letters (sổ xử lý đơn): `register_letters`, its status history `register_events`
and the duplicate proposals `register_links` (records/register/book.py, issue 17).

Numbered 0006: 0005 is taken by the accounts and units branch; whoever merges second re-points
`down_revision` at the other's revision.

Revision ID: 0006_register
Revises: 0004_handwriting
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_register"
down_revision = "0005_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # idempotent, like 0002–0004: a database whose tables were created from the metadata may have them
    if "register_letters" in sa.inspect(op.get_bind()).get_table_names():
        return
    op.create_table(
        "register_letters",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("unit", sa.String(length=300), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("received", sa.String(length=10), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("forwarded_by", sa.String(length=500), nullable=True),
        sa.Column("forwarded_number", sa.String(length=100), nullable=True),
        sa.Column("forwarded_date", sa.String(length=10), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("dossier_id", sa.Integer(), nullable=True),
        sa.Column("senders_json", sa.Text(), nullable=False),
        sa.Column("sender_count", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recipient", sa.String(length=500), nullable=True),
        sa.Column("parcels_json", sa.Text(), nullable=False),
        sa.Column("references_json", sa.Text(), nullable=False),
        sa.Column("subjects_json", sa.Text(), nullable=False),
        sa.Column("processable", sa.Boolean(), nullable=True),
        sa.Column("unprocessable_reason", sa.String(length=40), nullable=True),
        sa.Column("decision", sa.String(length=20), nullable=True),
        sa.Column("decision_date", sa.String(length=10), nullable=True),
        sa.Column("decision_to", sa.String(length=500), nullable=True),
        sa.Column("decision_documents", sa.Text(), nullable=True),
        sa.Column("accepted", sa.String(length=10), nullable=True),
        sa.Column("complex_case", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("remote", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("officer", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("matter_id", sa.Integer(), nullable=True),
        sa.Column("signature", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("unit", "year", "number", name="uq_register_letters_number"),
    )
    op.create_index("ix_register_letters_unit", "register_letters", ["unit", "year"], unique=False)
    op.create_index("ix_register_letters_status", "register_letters", ["status"], unique=False)
    op.create_index("ix_register_letters_matter", "register_letters", ["matter_id"], unique=False)
    op.create_table(
        "register_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("who", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["letter_id"], ["register_letters.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_register_events_letter", "register_events", ["letter_id"], unique=False)
    op.create_table(
        "register_links",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons_json", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("who", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["letter_id"], ["register_letters.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["other_id"], ["register_letters.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("letter_id", "other_id", name="uq_register_links_pair"),
    )
    op.create_index("ix_register_links_letter", "register_links", ["letter_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_register_links_letter", table_name="register_links")
    op.drop_table("register_links")
    op.drop_index("ix_register_events_letter", table_name="register_events")
    op.drop_table("register_events")
    op.drop_index("ix_register_letters_matter", table_name="register_letters")
    op.drop_index("ix_register_letters_status", table_name="register_letters")
    op.drop_index("ix_register_letters_unit", table_name="register_letters")
    op.drop_table("register_letters")
