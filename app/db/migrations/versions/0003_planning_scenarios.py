"""planning scenarios: saved siting runs (规划方案) and their selected sites

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SITE_SOURCES = "'shelter', 'depot', 'upload', 'grid_cell', 'school', 'kindergarten', 'hospital', 'nursing_home'"


def upgrade() -> None:
    op.create_table(
        "planning_scenario",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("facility", sa.String(length=8), nullable=False),
        sa.Column("model", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("request", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("outcome", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("population", sa.BigInteger(), nullable=False),
        sa.Column("covered_before", sa.BigInteger(), nullable=False),
        sa.Column("covered_after", sa.BigInteger(), nullable=False),
        sa.Column("new_sites", sa.Integer(), nullable=False),
        sa.Column("unit_cost_wan", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("facility IN ('shelter', 'depot')", name=op.f("ck_planning_scenario_facility_valid")),
        sa.CheckConstraint(
            "model IN ('mclp', 'lscp', 'p_median', 'p_center')", name=op.f("ck_planning_scenario_model_valid")
        ),
        sa.CheckConstraint("status IN ('optimal', 'time_limit')", name=op.f("ck_planning_scenario_status_valid")),
        sa.CheckConstraint(
            "covered_before >= 0 AND covered_after >= 0", name=op.f("ck_planning_scenario_covered_nonnegative")
        ),
        sa.CheckConstraint("new_sites >= 0", name=op.f("ck_planning_scenario_new_sites_nonnegative")),
        sa.CheckConstraint("unit_cost_wan >= 0", name=op.f("ck_planning_scenario_unit_cost_nonnegative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planning_scenario")),
    )
    op.create_geospatial_table(
        "planning_scenario_site",
        sa.Column("scenario_id", sa.BigInteger(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("is_new", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=14), nullable=False),
        sa.Column("source_id", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("covered_population", sa.BigInteger(), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),  # fmt: skip
        sa.CheckConstraint(f"source IN ({SITE_SOURCES})", name=op.f("ck_planning_scenario_site_source_valid")),
        sa.CheckConstraint("covered_population >= 0", name=op.f("ck_planning_scenario_site_covered_nonnegative")),
        sa.ForeignKeyConstraint(
            ["scenario_id"],
            ["planning_scenario.id"],
            name=op.f("fk_planning_scenario_site_scenario_id_planning_scenario"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("scenario_id", "seq", name=op.f("pk_planning_scenario_site")),
    )
    op.create_geospatial_index(
        "idx_planning_scenario_site_geom",
        "planning_scenario_site",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )


def downgrade() -> None:
    op.drop_geospatial_index(
        "idx_planning_scenario_site_geom",
        table_name="planning_scenario_site",
        postgresql_using="gist",
        column_name="geom",
    )
    op.drop_geospatial_table("planning_scenario_site")
    op.drop_table("planning_scenario")
