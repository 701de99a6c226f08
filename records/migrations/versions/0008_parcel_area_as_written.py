"""Parcels keep their area as written: `area_text` ("1,5 công tầm cấy"), `area_value` (1.5) and `area_unit`
("công tầm cấy"), beside `area_m2`, which stays empty for a local unit whose size the text does not state
(classify.numbers).

Revision ID: 0008_parcel_area_as_written
Revises: 0004_handwriting
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_parcel_area_as_written"
down_revision = "0006_register"
branch_labels = None
depends_on = None

_COLUMNS = (("area_text", sa.String(length=200)), ("area_value", sa.Float()), ("area_unit", sa.String(length=40)))


def upgrade() -> None:
    have = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("parcels")}
    missing = [(name, kind) for name, kind in _COLUMNS if name not in have]
    if missing:
        with op.batch_alter_table("parcels") as batch:
            for name, kind in missing:
                batch.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("parcels") as batch:
        for name, _ in reversed(_COLUMNS):
            batch.drop_column(name)
