"""layer_change: one version per layer table, bumped by a statement-level trigger, so tile ETags never go stale

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 07:00:00

The version only grows and starts from the clock (microseconds since 1970), so it is never reused, not even after
the database is dropped and loaded again: a browser's old ETag can never match new content. A table added to the
layer registry later needs the same trigger: `attach_version_trigger(table)` in its migration
(tests/tiles check that every registry table has it).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LAYER_TABLES = (
    "admin_area",
    "enterprise",
    "flood_spot",
    "forest_zone",
    "geohazard",
    "shelter",
    "depot",
    "rescue_team",
    "vulnerable_site",
    "rain_gauge",
    "population_cell",
)
CLOCK_VERSION = "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint"
BUMP_FUNCTION = f"""
CREATE FUNCTION bump_layer_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO layer_change AS c (table_name, version, changed_at)
    VALUES (TG_TABLE_NAME, {CLOCK_VERSION}, now())
    ON CONFLICT (table_name) DO UPDATE
        SET version = greatest(c.version + 1, EXCLUDED.version), changed_at = EXCLUDED.changed_at;
    RETURN NULL;
END
$$
"""


def attach_version_trigger(table: str) -> None:
    op.execute(
        f"CREATE TRIGGER layer_change_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION bump_layer_version()"
    )
    op.execute(f"INSERT INTO layer_change VALUES ('{table}', {CLOCK_VERSION}, now()) ON CONFLICT DO NOTHING")


def upgrade() -> None:
    op.create_table(
        "layer_change",
        sa.Column("table_name", sa.Text(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("table_name", name=op.f("pk_layer_change")),
    )
    op.execute(BUMP_FUNCTION)
    for table in LAYER_TABLES:
        attach_version_trigger(table)


def downgrade() -> None:
    for table in LAYER_TABLES:
        op.execute(f"DROP TRIGGER layer_change_bump ON {table}")
    op.execute("DROP FUNCTION bump_layer_version()")
    op.drop_table("layer_change")
