"""Server-side web sessions (issue 16): `web_sessions` — one row per login, so a logout, a disabled user or a
changed role or unit ends the session on the server (a replayed cookie is refused) and the idle timeout is
judged from the server's own last-seen time, not the cookie's; and an index on the audit trail's
(action, at) for counting recent failed logins (records.accounts.login_delay).

Revision ID: 0009_web_sessions
Revises: 0008_parcel_area_as_written
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_web_sessions"
down_revision = "0008_parcel_area_as_written"
branch_labels = None
depends_on = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if "web_sessions" not in set(inspector.get_table_names()):
        op.create_table(
            "web_sessions",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("nonce_hash", sa.String(length=64), nullable=False),
            sa.Column("user_id", sa.Integer(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("seen_at", sa.DateTime(), nullable=False),
            sa.Column("ended_at", sa.DateTime(), nullable=True),
            sa.Column("end_reason", sa.String(length=40), nullable=True),
            sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("nonce_hash"),
        )
        op.create_index("ix_web_sessions_user", "web_sessions", ["user_id"], unique=False)
    if "ix_audit_log_action_at" not in {i["name"] for i in inspector.get_indexes("audit_log")}:
        op.create_index("ix_audit_log_action_at", "audit_log", ["action", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_log_action_at", table_name="audit_log")
    op.drop_index("ix_web_sessions_user", table_name="web_sessions")
    op.drop_table("web_sessions")
