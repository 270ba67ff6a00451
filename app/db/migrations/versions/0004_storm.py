"""storm operations: rain ingest log (the storm page's version), call-out acknowledgements, observation time index

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rain_ingest",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("first_observed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_observed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("source IN ('api', 'csv', 'demo')", name=op.f("ck_rain_ingest_source_valid")),
        sa.CheckConstraint("accepted >= 0 AND rejected >= 0", name=op.f("ck_rain_ingest_counts_nonnegative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rain_ingest")),
    )
    op.create_table(
        "callout_ack",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("entity_type", sa.String(length=16), nullable=False),
        sa.Column("entity_id", sa.BigInteger(), nullable=False),
        sa.Column("warning_level", sa.String(length=6), nullable=False),
        sa.Column("acknowledged_by", sa.Text(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "entity_type IN ('flood_spot', 'geohazard', 'enterprise')", name=op.f("ck_callout_ack_entity_type_valid")
        ),
        sa.CheckConstraint(
            "warning_level IN ('blue', 'yellow', 'orange', 'red')", name=op.f("ck_callout_ack_warning_level_valid")
        ),
        sa.CheckConstraint("length(btrim(acknowledged_by)) > 0", name=op.f("ck_callout_ack_acknowledged_by_present")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callout_ack")),
    )
    op.create_index(
        "uq_callout_ack_call", "callout_ack", ["event", "entity_type", "entity_id", "warning_level"], unique=True
    )
    op.create_index("ix_rain_observation_event_time", "rain_observation", ["event", "observed_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_rain_observation_event_time", table_name="rain_observation")
    op.drop_index("uq_callout_ack_call", table_name="callout_ack")
    op.drop_table("callout_ack")
    op.drop_table("rain_ingest")
