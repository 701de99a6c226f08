"""The register's next deadline day, stored: `register_letters.next_due` with an index, and an index on
(`received`, `id`) for the list's order — so the list and the due list are filtered, ordered and paged in SQL
(issue 17) instead of reading every letter. Existing letters are back-filled by
`records.register.book.refresh_next_due` (deadlines are counted in Python: working days, lunar holidays).

Revision ID: 0011_register_next_due
Revises: 0010_archival_metadata
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_register_next_due"
down_revision = "0010_archival_metadata"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    if "next_due" not in {c["name"] for c in inspector.get_columns("register_letters")}:
        with op.batch_alter_table("register_letters") as batch:
            batch.add_column(sa.Column("next_due", sa.String(length=10), nullable=True))
    have = {i["name"] for i in inspector.get_indexes("register_letters")}
    if "ix_register_letters_next_due" not in have:
        op.create_index("ix_register_letters_next_due", "register_letters", ["next_due"], unique=False)
    if "ix_register_letters_received" not in have:
        op.create_index("ix_register_letters_received", "register_letters", ["received", "id"], unique=False)
    from records.register.book import refresh_next_due

    refresh_next_due(bind)


def downgrade() -> None:
    op.drop_index("ix_register_letters_received", table_name="register_letters")
    op.drop_index("ix_register_letters_next_due", table_name="register_letters")
    with op.batch_alter_table("register_letters") as batch:
        batch.drop_column("next_due")
